import Foundation

/// One decoded document.
enum DecodedDeclaration {
    case tier(Tier)
    case repository(Repository)
    case role(Role)
    case roleBinding(RoleBinding)
    case user(User)
    case team(Team)
    case robotAccount(RobotAccount)
    case signer(Signer)
    case vulnerabilityException(VulnerabilityException)
    case secretRule(SecretRule)
    case secretException(SecretException)
    case webhook(Webhook)
}

/// Decodes the envelope shared by every kind (apiVersion, kind, metadata,
/// spec) and hands the spec to the kind's decoder.
struct DocumentDecoder {
    let context: DecodeContext
    let now: Date
    let keyChecks: KeyChecks

    /// A declaration together with the reference used for diagnostics.
    struct Result {
        var declaration: DecodedDeclaration
        var reference: DeclarationReference
    }

    func decode(_ document: YAMLTree.Document) -> Result? {
        let c = context
        let rootNode = c.tree.resolved(document.root)
        if c.tree.isNull(rootNode) { return nil }  // an empty document
        guard rootNode.kind == .mapping else {
            c.error(document.root, "a declaration must be a mapping with apiVersion, kind, metadata and spec; found \(c.describe(document.root))")
            return nil
        }
        guard let top = c.mapping(document.root, path: "", allowed: FieldTable.document.names) else { return nil }

        if let node = top.value("apiVersion") {
            if let version = c.string(node, path: "apiVersion"), version != DeclarationKind.apiVersion {
                c.error(node, "unsupported apiVersion '\(version)'; expected \(DeclarationKind.apiVersion)")
            }
        } else {
            top.missing("apiVersion", expected: DeclarationKind.apiVersion)
        }

        var kind: DeclarationKind?
        if let node = top.value("kind") {
            if let text = c.string(node, path: "kind") {
                kind = DeclarationKind(rawValue: text)
                if kind == nil {
                    let kinds = DeclarationKind.allCases.map(\.rawValue)
                    var message = "unknown kind '\(text)'; expected one of: \(kinds.joined(separator: ", "))"
                    if let suggestion = Suggest.closest(to: text, in: kinds) { message += " (did you mean '\(suggestion)'?)" }
                    c.error(node, message)
                }
            }
        } else {
            top.missing("kind", expected: "one of: \(DeclarationKind.allCases.map(\.rawValue).joined(separator: ", "))")
        }

        let metadata = decodeMetadata(top, kind: kind)
        let specNode = top.value("spec")
        if specNode == nil, kind != nil { top.missing("spec") }
        guard let kind, let metadata, let specNode else { return nil }

        let reference = DeclarationReference(kind: kind, name: metadata.meta.name,
                                             location: c.location(metadata.nameNode))
        let declaration: DecodedDeclaration?
        let specDecoder = SpecDecoder(context: c, metadata: metadata.meta, owner: reference, now: now,
                                      keyChecks: keyChecks)
        switch kind {
        case .tier: declaration = specDecoder.tier(specNode).map { .tier($0) }
        case .repository: declaration = specDecoder.repository(specNode).map { .repository($0) }
        case .role: declaration = specDecoder.role(specNode).map { .role($0) }
        case .roleBinding: declaration = specDecoder.roleBinding(specNode).map { .roleBinding($0) }
        case .user: declaration = specDecoder.user(specNode).map { .user($0) }
        case .team: declaration = specDecoder.team(specNode).map { .team($0) }
        case .robotAccount: declaration = specDecoder.robotAccount(specNode).map { .robotAccount($0) }
        case .signer: declaration = specDecoder.signer(specNode).map { .signer($0) }
        case .vulnerabilityException:
            declaration = specDecoder.vulnerabilityException(specNode).map { .vulnerabilityException($0) }
        case .secretRule: declaration = specDecoder.secretRule(specNode).map { .secretRule($0) }
        case .secretException: declaration = specDecoder.secretException(specNode).map { .secretException($0) }
        case .webhook: declaration = specDecoder.webhook(specNode).map { .webhook($0) }
        }
        return declaration.map { Result(declaration: $0, reference: reference) }
    }

    private func decodeMetadata(_ top: DecodeContext.Fields,
                                kind: DeclarationKind?) -> (meta: ObjectMetadata, nameNode: Int32)? {
        let c = context
        guard let node = top.value("metadata") else {
            top.missing("metadata", expected: "a mapping with at least 'name'")
            return nil
        }
        guard let fields = c.mapping(node, path: "metadata", allowed: FieldTable.metadata.names) else { return nil }
        let labels = fields.value("labels").map { c.stringMap($0, path: "metadata.labels") } ?? [:]
        let annotations = fields.value("annotations").map { c.stringMap($0, path: "metadata.annotations") } ?? [:]
        guard let nameNode = fields.value("name") else {
            fields.missing("name")
            return nil
        }
        guard let name = c.string(nameNode, path: "metadata.name") else { return nil }
        if kind == .repository {
            if case .failure(let problem) = RepositoryPattern.parse(name) {
                c.error(nameNode, "metadata.name: invalid repository name or glob '\(name)': \(problem.reason); expected a name like 'payments/api' (lower-case components of a-z, 0-9 and '.', '_', '__', '-' separators) or a glob like 'payments/*' or '**'")
                return nil
            }
        } else if let problem = NameRule.problem(name) {
            c.error(nameNode, "metadata.name: invalid name '\(name)': \(problem); expected \(NameRule.expectation)")
            return nil
        } else if kind == .user && name == "admin" {
            c.error(nameNode, "metadata.name: the user name 'admin' is reserved for the bootstrap administrator, whose password berth serve takes from --admin-password-file or BERTH_ADMIN_PASSWORD; choose another name")
            return nil
        } else if kind == .secretRule && BuiltInSecretRules.contains(name) {
            c.error(nameNode, "metadata.name: '\(name)' is the id of a built-in secret rule; a SecretRule adds a rule and cannot replace a built-in one, so choose another name")
            return nil
        }
        return (ObjectMetadata(name: name, labels: labels, annotations: annotations), nameNode)
    }
}

/// Names of every kind but Repository.
enum NameRule {
    static let expectation = "1 to 63 characters of a-z, 0-9, '-', '.' and '_', starting and ending with a letter or digit"

    static func problem(_ name: String) -> String? {
        if name.isEmpty { return "it is empty" }
        if name.utf8.count > 63 { return "it is longer than 63 characters" }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        let bytes = Array(name.utf8)
        for b in bytes where !(isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") || b == UInt8(ascii: "_")) {
            if b >= 0x41 && b <= 0x5A { return "it has upper-case letters" }
            return "it has the character '\(b < 0x80 ? String(Character(Unicode.Scalar(b))) : "non-ASCII")'"
        }
        if !isAlnum(bytes.first!) || !isAlnum(bytes.last!) { return "it must start and end with a letter or digit" }
        return nil
    }
}
