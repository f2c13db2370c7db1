/// The fields an object of a declaration may have, in the order messages list them, and the tables of
/// the objects nested in it.
///
/// These tables are the one definition of every kind's fields: the YAML decoder and the canonical
/// decoder both refuse fields outside them, and DeclarationsTests checks that
/// `spec/declarations.schema.json` lists the same properties.
struct FieldTable: Sendable {
    let names: [String]
    /// Fields whose value is an object, or a list of objects, with fields of its own.
    let nested: [String: FieldTable]

    init(_ names: [String], nested: [String: FieldTable] = [:]) {
        precondition(Set(nested.keys).isSubset(of: names), "nested fields must be fields")
        self.names = names
        self.nested = nested
    }

    // MARK: The document

    static let metadata = FieldTable(["name", "labels", "annotations"])
    static let document = FieldTable(["apiVersion", "kind", "metadata", "spec"], nested: ["metadata": metadata])

    // MARK: Specs

    static let retention = FieldTable(["keepLast", "keepPulledWithin", "keepPushedWithin", "protect"])
    static let vulnerabilityScanning = FieldTable(["onPush", "onPull", "threshold", "rescanEvery"])
    static let secretScanning = FieldTable(["onPush"])
    static let scanning = FieldTable(["vulnerabilities", "secrets"],
                                     nested: ["vulnerabilities": vulnerabilityScanning, "secrets": secretScanning])
    static let signing = FieldTable(["requiredSigners", "minimum"])
    static let tier = FieldTable(
        ["description", "anonymousPull", "scanning", "signing", "retention", "immutableTags", "quota"],
        nested: ["scanning": scanning, "signing": signing, "retention": retention])
    static let repository = FieldTable(["tier", "description", "retention", "immutableTags", "quota"],
                                       nested: ["retention": retention])
    static let role = FieldTable(["permissions", "description"])
    /// One entry of a RoleBinding's `subjects`.
    static let subject = FieldTable(["user", "team", "robot"])
    static let roleBinding = FieldTable(["role", "repositories", "subjects"], nested: ["subjects": subject])
    static let user = FieldTable(["passwordHash", "email"])
    static let team = FieldTable(["members", "description"])
    static let deliverTo = FieldTable(["recipientPublicKey"])
    static let robotAccount = FieldTable(["description", "expiresIn", "rotateEvery", "deliverTo"],
                                         nested: ["deliverTo": deliverTo])
    static let signer = FieldTable(["publicKeys", "certificates", "description"])
    static let vulnerabilityException = FieldTable(["vulnerability", "repositories", "expires", "reason", "owner"])
    static let secretRule = FieldTable(["description", "regex", "keywords", "entropy", "paths"])
    static let secretException = FieldTable(["rule", "repositories", "paths", "expires", "reason", "owner"])
    static let webhookSecretRef = FieldTable(["env", "file"])
    static let webhook = FieldTable(["url", "events", "repositories", "secretRef", "timeout"],
                                    nested: ["secretRef": webhookSecretRef])

    /// The fields of a kind's spec.
    static func spec(of kind: DeclarationKind) -> FieldTable {
        switch kind {
        case .tier: return tier
        case .repository: return repository
        case .role: return role
        case .roleBinding: return roleBinding
        case .user: return user
        case .team: return team
        case .robotAccount: return robotAccount
        case .signer: return signer
        case .vulnerabilityException: return vulnerabilityException
        case .secretRule: return secretRule
        case .secretException: return secretException
        case .webhook: return webhook
        }
    }
}
