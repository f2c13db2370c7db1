/// The specs of SecretRule and SecretException.
extension SpecDecoder {
    // MARK: SecretRule

    func secretRule(_ node: Int32) -> SecretRule? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.secretRule.names) else { return nil }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        var regex: String?
        if let n = spec.value("regex") {
            regex = secretRegex(n)
        } else {
            spec.missing("regex", expected: "an ICU regular expression matching the secret")
        }
        var keywords: [String]?
        if let n = spec.value("keywords") {
            keywords = secretKeywords(n)
        } else {
            spec.missing("keywords", expected: "a list of strings (at least \(SecretRule.minKeywordLength) characters each) that every match contains")
        }
        let entropy = spec.value("entropy").flatMap(secretEntropy)
        let paths = spec.value("paths").flatMap { pathGlobs($0, path: "spec.paths") }
        guard let regex, let keywords else { return nil }
        return SecretRule(metadata: metadata, source: owner.location, description: description, regex: regex,
                          keywords: keywords, entropy: entropy, paths: paths)
    }

    private func secretRegex(_ node: Int32) -> String? {
        let c = context
        guard let pattern = c.nonEmptyString(node, path: "spec.regex", expected: "an ICU regular expression") else { return nil }
        if pattern.count > SecretRule.maxRegexLength {
            c.error(node, "spec.regex is \(pattern.count) characters long; at most \(SecretRule.maxRegexLength) are allowed")
            return nil
        }
        if let problem = RegexCheck.problem(pattern) {
            c.error(node, "spec.regex: invalid regular expression: \(problem); expected ICU syntax, as NSRegularExpression compiles it")
            return nil
        }
        return pattern
    }

    private func secretKeywords(_ node: Int32) -> [String]? {
        let c = context
        let minimum = SecretRule.minKeywordLength
        guard let items = c.list(node, path: "spec.keywords", of: "keywords") else { return nil }
        if items.isEmpty {
            c.error(node, "spec.keywords: expected at least one keyword; found an empty list (the scanner only runs the regex on text containing a keyword)")
            return nil
        }
        if items.count > SecretRule.maxKeywords {
            c.error(node, "spec.keywords has \(items.count) entries; at most \(SecretRule.maxKeywords) are allowed")
            return nil
        }
        var keywords: [String] = []
        var failed = false
        for (index, item) in items.enumerated() {
            let path = FieldPath("spec.keywords", index)
            guard let keyword = c.string(item, path: path.description, expected: "a keyword") else {
                failed = true
                continue
            }
            if keyword.count < minimum {
                c.error(item, "\(path): keyword \(c.describe(item)) is shorter than \(minimum) characters; short keywords match almost every file")
                failed = true
            } else if keywords.contains(keyword) {
                c.warning(item, "\(path): keyword '\(keyword)' is listed twice")
            } else {
                keywords.append(keyword)
            }
        }
        return failed ? nil : keywords
    }

    private func secretEntropy(_ node: Int32) -> Double? {
        let c = context
        let expected = "a number of bits per character, more than 0 and at most \(Int(SecretRule.maxEntropy))"
        let n = c.tree.resolved(node)
        if n.kind == .scalar, n.style == .plain, let value = Self.decimal(c.tree.scalarString(n)) {
            if value > 0 && value <= SecretRule.maxEntropy { return value }
        }
        c.error(node, "spec.entropy: expected \(expected); found \(c.describe(node))")
        return nil
    }

    /// A plain decimal such as `3`, `3.5` or `0.75`: no sign, exponent, or `inf`/`nan`, which `Double(_:)` accepts.
    private static func decimal(_ text: String) -> Double? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(parts.count), parts.allSatisfy({ !$0.isEmpty && $0.count <= 12 && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) })
        else { return nil }
        return Double(text)
    }

    // MARK: SecretException

    func secretException(_ node: Int32) -> SecretException? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.secretException.names) else { return nil }
        var rule: String?
        if let n = spec.value("rule") {
            rule = c.string(n, path: "spec.rule", expected: "a built-in secret rule id or a SecretRule name")
            if let rule { c.reference(.secretRule, rule, at: n, field: FieldPath("spec.rule")) }
        } else {
            spec.missing("rule", expected: "a built-in secret rule id (\(BuiltInSecretRules.ids.joined(separator: ", "))) or a SecretRule name")
        }
        var repositories: [RepositoryPattern]?
        if let n = spec.value("repositories") {
            repositories = c.repositoryPatterns(n, path: "spec.repositories")
        } else {
            spec.missing("repositories", expected: "a list of repository names or globs")
        }
        let paths = spec.value("paths").flatMap { pathGlobs($0, path: "spec.paths") }
        let expires = expiry(spec, lapse: SecretException.lapse(of:))
        let reason = acceptanceReason(spec)
        let ownerName = spec.value("owner").flatMap { c.string($0, path: "spec.owner") }
        guard let rule, let repositories, let expires, let reason else { return nil }
        return SecretException(metadata: metadata, source: owner.location, rule: rule, repositories: repositories,
                               paths: paths, expires: expires, reason: reason, owner: ownerName)
    }

    // MARK: Shared

    /// A non-empty list of path globs (``PathGlob``).
    private func pathGlobs(_ node: Int32, path: String) -> [String]? {
        let c = context
        guard let items = c.list(node, path: path, of: "path globs") else { return nil }
        if items.isEmpty {
            c.error(node, "\(path): expected at least one path glob; found an empty list (leave the field out to cover every path)")
            return nil
        }
        var globs: [String] = []
        for (index, item) in items.enumerated() {
            let itemPath = FieldPath(path, index)
            guard let glob = c.string(item, path: itemPath.description, expected: PathGlob.expectation) else { continue }
            if let problem = PathGlob.problem(glob) {
                c.error(item, "\(itemPath): invalid path glob \(c.describe(item)): \(problem); expected \(PathGlob.expectation)")
            } else if globs.contains(glob) {
                c.warning(item, "\(itemPath): path glob '\(glob)' is listed twice")
            } else {
                globs.append(glob)
            }
        }
        return globs
    }
}
