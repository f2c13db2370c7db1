/// Reads typed values out of one file's YAML tree, reporting every problem
/// with its position, and collects the cross-document checks to run once all
/// files are read.
final class DecodeContext {
    let file: String
    let tree: YAMLTree
    var diagnostics: [Diagnostic] = []
    /// What this file contributes to the checks run once every file is read.
    let pending: PendingChecks

    private let caches: DecodeCaches

    init(file: String, tree: YAMLTree, caches: DecodeCaches, pending: PendingChecks) {
        self.file = file
        self.tree = tree
        self.caches = caches
        self.pending = pending
    }

    // MARK: Reporting

    func location(_ node: Int32) -> SourceLocation {
        let n = tree.nodes[Int(node)]
        return SourceLocation(file: file, line: Int(n.line), column: Int(n.column))
    }

    func error(_ node: Int32, _ message: String) {
        diagnostics.append(Diagnostic(location: location(node), severity: .error, message: message))
    }

    func warning(_ node: Int32, _ message: String) {
        diagnostics.append(Diagnostic(location: location(node), severity: .warning, message: message))
    }

    /// A short description of what a node is, for "found …" messages.
    func describe(_ node: Int32) -> String {
        let n = tree.resolved(node)
        switch n.kind {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if tree.isNull(n) { return "an empty value" }
            let s = tree.scalarString(n)
            let shown = s.count > 60 ? String(s.prefix(57)) + "..." : s
            return "'\(shown.replacingOccurrences(of: "\n", with: "\\n"))'"
        }
    }

    // MARK: Structure

    struct Entry {
        var key: String
        var keyNode: Int32
        var value: Int32
    }

    /// A mapping whose keys were checked against the allowed field names.
    struct Fields {
        let context: DecodeContext
        let node: Int32
        let path: String
        let pairs: ArraySlice<Int32>
        let allowed: [String]

        /// The allowed entries, in document order.
        var entries: [Entry] {
            var result: [Entry] = []
            var i = pairs.startIndex
            while i < pairs.endIndex {
                let key = context.tree.scalarString(context.tree.resolved(pairs[i]))
                if allowed.contains(key) { result.append(Entry(key: key, keyNode: pairs[i], value: pairs[i + 1])) }
                i += 2
            }
            return result
        }

        /// The value of a field; nil when absent or null.
        func value(_ key: String) -> Int32? {
            let tree = context.tree
            var i = pairs.startIndex
            while i < pairs.endIndex {
                if tree.scalarString(tree.resolved(pairs[i])) == key {
                    let value = pairs[i + 1]
                    return tree.isNull(tree.resolved(value)) ? nil : value
                }
                i += 2
            }
            return nil
        }

        func has(_ key: String) -> Bool { value(key) != nil }

        /// Reports a missing required field at the mapping.
        func missing(_ key: String, expected: String? = nil) {
            let where_ = path.isEmpty ? "the document" : path
            var message = "missing required field '\(key)' in \(where_)"
            if let expected { message += "; expected \(expected)" }
            context.error(node, message)
        }
    }

    /// Reads a mapping; unknown keys are reported with the allowed ones.
    /// `unknown` may claim a key (returning true) to report it differently.
    func mapping(_ node: Int32, path: String, allowed: [String],
                 unknown: ((String, Int32) -> Bool)? = nil) -> Fields? {
        let n = tree.resolved(node)
        guard n.kind == .mapping else {
            let what = path.isEmpty ? "the document" : path
            error(node, "\(what): expected a mapping with fields \(allowed.joined(separator: ", ")); found \(describe(node))")
            return nil
        }
        let pairs = tree.childIndices(n)
        var i = pairs.startIndex
        while i < pairs.endIndex {
            let keyNode = pairs[i]
            i += 2
            let key = tree.scalarString(tree.resolved(keyNode))
            if allowed.contains(key) { continue }
            if let unknown, unknown(key, keyNode) { continue }
            let where_ = path.isEmpty ? "the document" : path
            var message = "unknown field '\(key)' in \(where_); expected one of: \(allowed.joined(separator: ", "))"
            if let suggestion = Suggest.closest(to: key, in: allowed) {
                message += " (did you mean '\(suggestion)'?)"
            }
            error(keyNode, message)
        }
        return Fields(context: self, node: node, path: path, pairs: pairs, allowed: allowed)
    }

    /// Reads a list; nil (with an error) when the node is not a sequence.
    func list(_ node: Int32, path: @autoclosure () -> String, of what: String) -> [Int32]? {
        let n = tree.resolved(node)
        guard n.kind == .sequence else {
            error(node, "\(path()): expected a list of \(what); found \(describe(node))")
            return nil
        }
        return Array(tree.childIndices(n))
    }

    // MARK: Scalars

    /// Any scalar as text (numbers and booleans included); nil with an error
    /// for collections.
    func string(_ node: Int32, path: @autoclosure () -> String, expected: String = "a string") -> String? {
        let n = tree.resolved(node)
        guard n.kind == .scalar else {
            error(node, "\(path()): expected \(expected); found \(describe(node))")
            return nil
        }
        return tree.scalarString(n)
    }

    func nonEmptyString(_ node: Int32, path: @autoclosure () -> String, expected: String = "a non-empty string") -> String? {
        guard let s = string(node, path: path(), expected: expected) else { return nil }
        if s.allSatisfy(\.isWhitespace) {
            error(node, "\(path()): expected \(expected); found an empty string")
            return nil
        }
        return s
    }

    func bool(_ node: Int32, path: @autoclosure () -> String) -> Bool? {
        let n = tree.resolved(node)
        if n.kind == .scalar, n.style == .plain {
            switch tree.scalarString(n) {
            case "true", "True", "TRUE": return true
            case "false", "False", "FALSE": return false
            default: break
            }
        }
        let found = n.kind == .scalar && n.style != .plain ? "the quoted string \(describe(node))" : describe(node)
        error(node, "\(path()): expected true or false; found \(found)")
        return nil
    }

    func integer(_ node: Int32, path: @autoclosure () -> String, minimum: Int, maximum: Int = 1_000_000_000) -> Int? {
        let n = tree.resolved(node)
        let expected = "an integer from \(minimum) to \(maximum)"
        if n.kind == .scalar, n.style == .plain {
            let s = tree.scalarString(n)
            var digits = Substring(s)
            var negative = false
            if digits.first == "-" || digits.first == "+" {
                negative = digits.first == "-"
                digits = digits.dropFirst()
            }
            if !digits.isEmpty, digits.count <= 12, digits.allSatisfy({ $0.isASCII && $0.isNumber }),
               let magnitude = Int(digits) {
                let value = negative ? -magnitude : magnitude
                if value >= minimum && value <= maximum { return value }
                error(node, "\(path()): expected \(expected); found \(value)")
                return nil
            }
        }
        error(node, "\(path()): expected \(expected); found \(describe(node))")
        return nil
    }

    func enumeration<E: RawRepresentable & CaseIterable>(_ node: Int32, path: @autoclosure () -> String, as: E.Type) -> E?
    where E.RawValue == String {
        let options = E.allCases.map(\.rawValue)
        let n = tree.resolved(node)
        if n.kind == .scalar, let value = E(rawValue: tree.scalarString(n)) { return value }
        var message = "\(path()): expected one of: \(options.joined(separator: ", ")); found \(describe(node))"
        if n.kind == .scalar, let suggestion = Suggest.closest(to: tree.scalarString(n), in: options) {
            message += " (did you mean '\(suggestion)'?)"
        }
        error(node, message)
        return nil
    }

    func timeSpan(_ node: Int32, path: @autoclosure () -> String) -> TimeSpan? {
        guard let s = string(node, path: path(), expected: TimeSpan.expectation) else { return nil }
        guard let span = TimeSpan(s) else {
            error(node, "\(path()): invalid duration \(describe(node)); expected \(TimeSpan.expectation)")
            return nil
        }
        return span
    }

    func date(_ node: Int32, path: @autoclosure () -> String) -> CalendarDate? {
        guard let s = string(node, path: path(), expected: "a date YYYY-MM-DD") else { return nil }
        guard let date = CalendarDate(s) else {
            error(node, "\(path()): invalid date \(describe(node)); expected a real calendar date written YYYY-MM-DD")
            return nil
        }
        return date
    }

    func byteSize(_ node: Int32, path: @autoclosure () -> String) -> ByteSize? {
        guard let s = string(node, path: path(), expected: ByteSize.expectation) else { return nil }
        guard let size = ByteSize(s) else {
            error(node, "\(path()): invalid size \(describe(node)); expected \(ByteSize.expectation)")
            return nil
        }
        return size
    }

    func tagPatterns(_ node: Int32, path: String) -> [TagPattern]? {
        guard let items = list(node, path: path, of: "tag patterns such as 'v*'") else { return nil }
        var result: [TagPattern] = []
        for (index, item) in items.enumerated() {
            guard let s = string(item, path: "\(path)[\(index)]", expected: "a tag pattern such as 'v*'") else { continue }
            if let problem = TagPattern.problem(s) {
                error(item, "\(path)[\(index)]: invalid tag pattern \(describe(item)): \(problem)")
            } else if let pattern = TagPattern(s) {
                result.append(pattern)
            }
        }
        return result
    }

    /// A list of repository names or globs; each use is remembered so the
    /// validator can warn about patterns that match no declared repository.
    func repositoryPatterns(_ node: Int32, path: String) -> [RepositoryPattern]? {
        guard let items = list(node, path: path, of: "repository names or globs") else { return nil }
        if items.isEmpty {
            error(node, "\(path): expected at least one repository name or glob; found an empty list")
            return nil
        }
        var result: [RepositoryPattern] = []
        for (index, item) in items.enumerated() {
            let itemPath = FieldPath(path, index)
            guard let s = string(item, path: itemPath.description, expected: "a repository name or glob") else { continue }
            switch caches.pattern(s) {
            case .success(let pattern):
                result.append(pattern)
                pending.patternUses.append(PatternUse(pattern: pattern, location: location(item), field: itemPath))
            case .failure(let problem):
                error(item, "\(itemPath): invalid repository name or glob '\(s)': \(problem.reason); expected names like 'payments/api' or globs like 'payments/*' and '**'")
            }
        }
        return result
    }

    /// A `map[string]string` such as labels or annotations.
    func stringMap(_ node: Int32, path: String) -> [String: String] {
        let n = tree.resolved(node)
        guard n.kind == .mapping else {
            error(node, "\(path): expected a mapping of names to strings; found \(describe(node))")
            return [:]
        }
        var result: [String: String] = [:]
        let kids = tree.childIndices(n)
        var i = kids.startIndex
        while i < kids.endIndex {
            let key = tree.scalarString(tree.resolved(kids[i]))
            if let value = string(kids[i + 1], path: "\(path).\(key)") { result[key] = value }
            i += 2
        }
        return result
    }

    /// Records a reference to check once every document is read.
    func reference(_ kind: DeclarationKind, _ name: String, at node: Int32, field: FieldPath) {
        pending.references.append(PendingReference(kind: kind, name: name, location: location(node), field: field))
    }
}

/// A reference from one declaration to another by name.
struct PendingReference {
    var kind: DeclarationKind
    var name: String
    var location: SourceLocation
    var field: FieldPath
}

/// A field path such as `spec.subjects[2].team`, built only when a message
/// needs it (the parts are usually string literals, which cost nothing).
struct FieldPath: CustomStringConvertible {
    var base: String
    var index: Int
    var leaf: String

    init(_ base: String, _ index: Int = -1, _ leaf: String = "") {
        self.base = base
        self.index = index
        self.leaf = leaf
    }

    var description: String {
        var text = index >= 0 ? "\(base)[\(index)]" : base
        if !leaf.isEmpty { text += ".\(leaf)" }
        return text
    }
}

/// A repository name or glob used outside a Repository declaration.
struct PatternUse {
    var pattern: RepositoryPattern
    var location: SourceLocation
    var field: FieldPath
}

/// What every file contributes to the checks run after all files are read.
final class PendingChecks {
    var declarations: [DocumentDecoder.Result] = []
    var references: [PendingReference] = []
    var patternUses: [PatternUse] = []
}

/// Parsing the same pattern text many times (50,000 bindings naming the same
/// globs) is wasted work; each file has its own cache, so files can be
/// decoded in parallel without locks.
final class DecodeCaches {
    private var patterns: [String: Result<RepositoryPattern, PatternError>] = [:]

    func pattern(_ text: String) -> Result<RepositoryPattern, PatternError> {
        if let cached = patterns[text] { return cached }
        let parsed = RepositoryPattern.parse(text)
        patterns[text] = parsed
        return parsed
    }
}
