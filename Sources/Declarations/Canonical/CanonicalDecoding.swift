import AuditRecords
import Foundation

/// Why a canonical object could not be turned back into a typed declaration.
public struct CanonicalDecodingError: Error, Sendable, Hashable, CustomStringConvertible {
    public var kind: DeclarationKind
    public var name: String
    /// The spec field (`retention.keepLast`), or empty for the object itself.
    public var path: String
    public var reason: String

    public init(kind: DeclarationKind, name: String, path: String, reason: String) {
        self.kind = kind
        self.name = name
        self.path = path
        self.reason = reason
    }

    /// `Tier 'confidential': spec.retention.keepLast: expected an integer, found a string`
    public var description: String {
        "\(kind) '\(name)': \(path.isEmpty ? "" : "spec.\(path): ")\(reason)"
    }
}

extension DesiredState {
    /// Typed declarations from canonical objects (the inverse of
    /// ``canonicalObjects()``), e.g. live state stored by the registry.
    ///
    /// Every field is checked as strictly as when loading YAML — unknown
    /// fields, wrong types and invalid values (durations, patterns, hashes,
    /// keys, dates) are errors — but references between objects are not
    /// cross-checked: the objects were validated when they were applied.
    /// Source locations point to `origin` (line and column 0), since the
    /// objects no longer come from a file. `keyChecks` decides which
    /// `deliverTo` keys a robot's token can be sealed to.
    public init(canonical objects: [CanonicalObject], origin: String = "registry",
                keyChecks: KeyChecks = .structural) throws(CanonicalDecodingError) {
        var tiers: [Tier] = [], repositories: [Repository] = [], roles: [Role] = []
        var bindings: [RoleBinding] = [], users: [User] = [], teams: [Team] = []
        var robots: [RobotAccount] = [], signers: [Signer] = [], exceptions: [VulnerabilityException] = []
        var secretRules: [SecretRule] = [], secretExceptions: [SecretException] = [], webhooks: [Webhook] = []
        var seen = Set<String>()
        seen.reserveCapacity(objects.count)
        for object in objects {
            guard seen.insert(object.id).inserted else {
                throw CanonicalDecodingError(kind: object.kind, name: object.name, path: "",
                                             reason: "appears twice (names are unique per kind)")
            }
            let reader = try SpecReader(object, origin: origin, keyChecks: keyChecks)
            switch object.kind {
            case .tier: tiers.append(try reader.tier())
            case .repository: repositories.append(try reader.repository())
            case .role: roles.append(try reader.role())
            case .roleBinding: bindings.append(try reader.roleBinding())
            case .user: users.append(try reader.user())
            case .team: teams.append(try reader.team())
            case .robotAccount: robots.append(try reader.robotAccount())
            case .signer: signers.append(try reader.signer())
            case .vulnerabilityException: exceptions.append(try reader.vulnerabilityException())
            case .secretRule: secretRules.append(try reader.secretRule())
            case .secretException: secretExceptions.append(try reader.secretException())
            case .webhook: webhooks.append(try reader.webhook())
            }
        }
        self.init(tiers: tiers, repositories: repositories, roles: roles, roleBindings: bindings, users: users,
                  teams: teams, robotAccounts: robots, signers: signers, vulnerabilityExceptions: exceptions,
                  secretRules: secretRules, secretExceptions: secretExceptions, webhooks: webhooks)
    }
}

/// Reads one canonical object's spec, strictly.
private struct SpecReader {
    let object: CanonicalObject
    let metadata: ObjectMetadata
    let source: SourceLocation
    let keyChecks: KeyChecks

    init(_ object: CanonicalObject, origin: String, keyChecks: KeyChecks) throws(CanonicalDecodingError) {
        self.object = object
        self.keyChecks = keyChecks
        self.metadata = ObjectMetadata(name: object.name, labels: object.labels, annotations: object.annotations)
        self.source = SourceLocation(file: origin, line: 0, column: 0)
        if object.kind != .repository, !Self.isValidName(object.name) {
            throw CanonicalDecodingError(kind: object.kind, name: object.name, path: "",
                                         reason: "invalid name; expected 1-63 characters of a-z, 0-9, '-', '.', '_', starting and ending with a letter or digit")
        }
    }

    static func isValidName(_ name: String) -> Bool {
        let bytes = Array(name.utf8)
        func alnum(_ b: UInt8) -> Bool { (b >= 0x30 && b <= 0x39) || (b >= 0x61 && b <= 0x7A) }
        guard (1...63).contains(bytes.count), alnum(bytes[0]), alnum(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { alnum($0) || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }
    }

    func fail(_ path: String, _ reason: String) -> CanonicalDecodingError {
        CanonicalDecodingError(kind: object.kind, name: object.name, path: path, reason: reason)
    }

    /// The fields of the object at `path` (the spec itself when empty), after
    /// checking that it has no field outside `table`.
    func fields(_ value: ConfigValue, _ path: String, _ table: FieldTable) throws(CanonicalDecodingError) -> Fields {
        let allowed = table.names
        guard case .object(let entries) = value else {
            throw fail(path, "expected an object, found \(value.typeName)")
        }
        if let unknown = entries.keys.filter({ !allowed.contains($0) }).sorted().first {
            throw fail(path.isEmpty ? unknown : "\(path).\(unknown)",
                       "unknown field; expected one of: \(allowed.joined(separator: ", "))")
        }
        return Fields(reader: self, path: path, entries: entries)
    }

    struct Fields {
        let reader: SpecReader
        let path: String
        let entries: [String: ConfigValue]

        func at(_ key: String) -> String { path.isEmpty ? key : "\(path).\(key)" }

        func required(_ key: String) throws(CanonicalDecodingError) -> ConfigValue {
            guard let value = entries[key] else { throw reader.fail(at(key), "missing required field") }
            return value
        }

        func string(_ key: String) throws(CanonicalDecodingError) -> String? {
            guard let value = entries[key] else { return nil }
            guard case .string(let s) = value else {
                throw reader.fail(at(key), "expected a string, found \(value.typeName)")
            }
            return s
        }

        func requiredString(_ key: String) throws(CanonicalDecodingError) -> String {
            _ = try required(key)
            return try string(key)!
        }

        func bool(_ key: String) throws(CanonicalDecodingError) -> Bool? {
            guard let value = entries[key] else { return nil }
            guard case .bool(let b) = value else {
                throw reader.fail(at(key), "expected a boolean, found \(value.typeName)")
            }
            return b
        }

        func integer(_ key: String, minimum: Int) throws(CanonicalDecodingError) -> Int? {
            guard let value = entries[key] else { return nil }
            guard case .integer(let i) = value else {
                throw reader.fail(at(key), "expected an integer, found \(value.typeName)")
            }
            guard i >= minimum else { throw reader.fail(at(key), "expected an integer of at least \(minimum), found \(i)") }
            return i
        }

        func strings(_ key: String) throws(CanonicalDecodingError) -> [String]? {
            guard let value = entries[key] else { return nil }
            guard case .array(let items) = value else {
                throw reader.fail(at(key), "expected a list, found \(value.typeName)")
            }
            var result: [String] = []
            result.reserveCapacity(items.count)
            for (index, item) in items.enumerated() {
                guard case .string(let s) = item else {
                    throw reader.fail("\(at(key))[\(index)]", "expected a string, found \(item.typeName)")
                }
                result.append(s)
            }
            return result
        }

        func nonEmptyStrings(_ key: String) throws(CanonicalDecodingError) -> [String] {
            _ = try required(key)
            let list = try strings(key)!
            guard !list.isEmpty else { throw reader.fail(at(key), "expected a non-empty list") }
            return list
        }

        func parsed<T>(_ key: String, _ what: String, _ parse: (String) -> T?) throws(CanonicalDecodingError) -> T? {
            guard let text = try string(key) else { return nil }
            guard let value = parse(text) else { throw reader.fail(at(key), "invalid \(what) \"\(text)\"") }
            return value
        }

        func enumeration<E: RawRepresentable & CaseIterable>(_ key: String, _ type: E.Type) throws(CanonicalDecodingError) -> E?
        where E.RawValue == String {
            try parsed(key, "value (expected one of: \(E.allCases.map(\.rawValue).joined(separator: ", ")))", E.init(rawValue:))
        }

        func tagPatterns(_ key: String) throws(CanonicalDecodingError) -> [TagPattern]? {
            guard let list = try strings(key) else { return nil }
            var result: [TagPattern] = []
            for (index, text) in list.enumerated() {
                guard let pattern = TagPattern(text) else {
                    throw reader.fail("\(at(key))[\(index)]", "invalid tag pattern \"\(text)\"")
                }
                result.append(pattern)
            }
            return result
        }

        /// An optional, non-empty list of path globs (``PathGlob``).
        func pathGlobs(_ key: String) throws(CanonicalDecodingError) -> [String]? {
            guard entries[key] != nil else { return nil }
            let globs = try nonEmptyStrings(key)
            for (index, glob) in globs.enumerated() {
                if let problem = PathGlob.problem(glob) {
                    throw reader.fail("\(at(key))[\(index)]", "invalid path glob \"\(glob)\": \(problem)")
                }
            }
            return globs
        }

        func repositoryPatterns(_ key: String) throws(CanonicalDecodingError) -> [RepositoryPattern] {
            var result: [RepositoryPattern] = []
            for (index, text) in try nonEmptyStrings(key).enumerated() {
                switch RepositoryPattern.parse(text) {
                case .success(let pattern): result.append(pattern)
                case .failure(let problem):
                    throw reader.fail("\(at(key))[\(index)]", "invalid repository name or glob \"\(text)\": \(problem.reason)")
                }
            }
            return result
        }
    }

    /// The spec's fields, checked against its kind's table.
    func spec() throws(CanonicalDecodingError) -> Fields {
        try fields(object.spec, "", FieldTable.spec(of: object.kind))
    }

    func retention(_ fields: Fields) throws(CanonicalDecodingError) -> RetentionPolicy {
        guard let value = fields.entries["retention"] else { return RetentionPolicy() }
        let r = try self.fields(value, "retention", .retention)
        return RetentionPolicy(
            keepLast: try r.integer("keepLast", minimum: 0),
            keepPulledWithin: try r.parsed("keepPulledWithin", "duration", TimeSpan.init),
            keepPushedWithin: try r.parsed("keepPushedWithin", "duration", TimeSpan.init),
            protect: try r.tagPatterns("protect"))
    }

    // MARK: Kinds

    func tier() throws(CanonicalDecodingError) -> Tier {
        let s = try spec()
        var scanning = ScanningPolicy()
        if let value = s.entries["scanning"] {
            let sc = try fields(value, "scanning", .scanning)
            if let v = sc.entries["vulnerabilities"] {
                let vf = try fields(v, "scanning.vulnerabilities", .vulnerabilityScanning)
                scanning.vulnerabilities = VulnerabilityScanning(
                    onPush: try vf.enumeration("onPush", ScanAction.self),
                    onPull: try vf.enumeration("onPull", ScanAction.self),
                    threshold: try vf.enumeration("threshold", VulnerabilitySeverity.self),
                    rescanEvery: try vf.parsed("rescanEvery", "duration", TimeSpan.init))
            }
            if let x = sc.entries["secrets"] {
                let xf = try fields(x, "scanning.secrets", .secretScanning)
                scanning.secrets = SecretScanning(onPush: try xf.enumeration("onPush", ScanAction.self))
            }
        }
        var signing: SigningPolicy?
        if let value = s.entries["signing"] {
            let sg = try fields(value, "signing", .signing)
            let signers = try sg.nonEmptyStrings("requiredSigners")
            let minimum = try sg.integer("minimum", minimum: 1) ?? 1
            guard minimum <= signers.count else {
                throw fail("signing.minimum", "is \(minimum) but only \(signers.count) signer(s) are listed")
            }
            signing = SigningPolicy(requiredSigners: signers, minimum: minimum)
        }
        return Tier(metadata: metadata, source: source, description: try s.string("description"),
                    anonymousPull: try s.bool("anonymousPull"), scanning: scanning, signing: signing,
                    retention: try retention(s), immutableTags: try s.tagPatterns("immutableTags"),
                    quota: try s.parsed("quota", "size", ByteSize.init), fieldLocations: [:])
    }

    func repository() throws(CanonicalDecodingError) -> Repository {
        let pattern: RepositoryPattern
        switch RepositoryPattern.parse(object.name) {
        case .success(let p): pattern = p
        case .failure(let problem): throw fail("", "invalid repository name or glob: \(problem.reason)")
        }
        let s = try spec()
        return Repository(metadata: metadata, source: source, pattern: pattern, tier: try s.requiredString("tier"),
                          description: try s.string("description"), retention: try retention(s),
                          immutableTags: try s.tagPatterns("immutableTags"),
                          quota: try s.parsed("quota", "size", ByteSize.init), fieldLocations: [:])
    }

    func role() throws(CanonicalDecodingError) -> Role {
        let s = try spec()
        var permissions = Set<Permission>()
        for (index, text) in try s.nonEmptyStrings("permissions").enumerated() {
            guard let permission = Permission(rawValue: text) else {
                throw fail("permissions[\(index)]", "invalid permission \"\(text)\"; expected one of: pull, push, delete, admin")
            }
            permissions.insert(permission)
        }
        return Role(metadata: metadata, source: source, description: try s.string("description"),
                    permissions: permissions.sorted())
    }

    func roleBinding() throws(CanonicalDecodingError) -> RoleBinding {
        let s = try spec()
        guard case .array(let items) = try s.required("subjects") else {
            throw fail("subjects", "expected a list of {user: …}, {team: …} or {robot: …}")
        }
        guard !items.isEmpty else { throw fail("subjects", "expected a non-empty list") }
        var subjects: [Subject] = []
        for (index, item) in items.enumerated() {
            let path = "subjects[\(index)]"
            guard case .object(let entry) = item, entry.count == 1, let (key, value) = entry.first,
                  case .string(let name) = value else {
                throw fail(path, "expected exactly one of {user: name}, {team: name} or {robot: name}")
            }
            switch key {
            case "user": subjects.append(.user(name))
            case "team": subjects.append(.team(name))
            case "robot": subjects.append(.robot(name))
            default: throw fail("\(path).\(key)", "unknown subject kind; expected user, team or robot")
            }
        }
        return RoleBinding(metadata: metadata, source: source, role: try s.requiredString("role"),
                           repositories: try s.repositoryPatterns("repositories"), subjects: subjects)
    }

    func user() throws(CanonicalDecodingError) -> User {
        let s = try spec()
        // Never repeat the value in the error: it may be a real password.
        guard let hash = PasswordHash(try s.requiredString("passwordHash")) else {
            throw fail("passwordHash", "is not a valid bcrypt or argon2id hash")
        }
        let email = try s.string("email")
        if let email, !EmailRule.isPlausible(email) { throw fail("email", "invalid email address \"\(email)\"") }
        return User(metadata: metadata, source: source, passwordHash: hash, email: email)
    }

    func team() throws(CanonicalDecodingError) -> Team {
        let s = try spec()
        _ = try s.required("members")
        return Team(metadata: metadata, source: source, description: try s.string("description"),
                    members: try s.strings("members")!)
    }

    func robotAccount() throws(CanonicalDecodingError) -> RobotAccount {
        let s = try spec()
        _ = try s.required("expiresIn")
        let expiresIn = try s.parsed("expiresIn", "duration", TimeSpan.init)!
        let rotateEvery = try s.parsed("rotateEvery", "duration", TimeSpan.init)
        let deliverTo = try fields(try s.required("deliverTo"), "deliverTo", .deliverTo)
        let key: RecipientKey
        switch RecipientKey.parse(try deliverTo.requiredString("recipientPublicKey"), check: keyChecks) {
        case .success(let k): key = k
        case .failure(let problem): throw fail("deliverTo.recipientPublicKey", "invalid key: \(problem.reason)")
        }
        return RobotAccount(metadata: metadata, source: source, description: try s.string("description"),
                            expiresIn: expiresIn, rotateEvery: rotateEvery, deliverTo: key)
    }

    func signer() throws(CanonicalDecodingError) -> Signer {
        let s = try spec()
        var keys: [PEMPublicKey] = []
        for (index, text) in (try s.strings("publicKeys") ?? []).enumerated() {
            switch PEMPublicKey.parse(text) {
            case .success(let key):
                if let problem = keyChecks.signing(.publicKey(key)) { throw fail("publicKeys[\(index)]", "unusable key: \(problem)") }
                keys.append(key)
            case .failure(let problem): throw fail("publicKeys[\(index)]", "invalid PEM public key: \(problem.reason)")
            }
        }
        var certificates: [PEMCertificate] = []
        for (index, text) in (try s.strings("certificates") ?? []).enumerated() {
            switch PEMCertificate.parse(text) {
            case .success(let certificate):
                if let problem = keyChecks.signing(.certificate(certificate)) {
                    throw fail("certificates[\(index)]", "unusable certificate: \(problem)")
                }
                certificates.append(certificate)
            case .failure(let problem): throw fail("certificates[\(index)]", "invalid PEM certificate: \(problem.reason)")
            }
        }
        guard !keys.isEmpty || !certificates.isEmpty else { throw fail("publicKeys", "a Signer needs publicKeys, certificates or both") }
        return Signer(metadata: metadata, source: source, description: try s.string("description"), publicKeys: keys,
                      certificates: certificates)
    }

    func vulnerabilityException() throws(CanonicalDecodingError) -> VulnerabilityException {
        let s = try spec()
        _ = try s.required("vulnerability")
        _ = try s.required("expires")
        return VulnerabilityException(
            metadata: metadata, source: source,
            vulnerability: try s.parsed("vulnerability", "vulnerability id", VulnerabilityID.init)!,
            repositories: try s.repositoryPatterns("repositories"),
            expires: try s.parsed("expires", "date", CalendarDate.init)!,
            reason: try s.requiredString("reason"), owner: try s.string("owner"))
    }

    func secretRule() throws(CanonicalDecodingError) -> SecretRule {
        if BuiltInSecretRules.contains(object.name) {
            throw fail("", "is the id of a built-in secret rule, which a SecretRule cannot replace")
        }
        let s = try spec()
        let regex = try s.requiredString("regex")
        guard regex.count <= SecretRule.maxRegexLength else {
            throw fail("regex", "is longer than \(SecretRule.maxRegexLength) characters")
        }
        if let problem = RegexCheck.problem(regex) { throw fail("regex", "invalid regular expression: \(problem)") }
        let keywords = try s.nonEmptyStrings("keywords")
        guard keywords.count <= SecretRule.maxKeywords else {
            throw fail("keywords", "has \(keywords.count) entries, more than \(SecretRule.maxKeywords)")
        }
        if let index = keywords.firstIndex(where: { $0.count < SecretRule.minKeywordLength }) {
            throw fail("keywords[\(index)]", "is shorter than \(SecretRule.minKeywordLength) characters")
        }
        let entropy = try s.parsed("entropy", "entropy (expected a decimal more than 0 and at most 8)") { text in
            Double(text).flatMap { $0 > 0 && $0 <= SecretRule.maxEntropy && SecretRule.canonicalEntropy($0) == text ? $0 : nil }
        }
        return SecretRule(metadata: metadata, source: source, description: try s.string("description"), regex: regex,
                          keywords: keywords, entropy: entropy, paths: try s.pathGlobs("paths"))
    }

    func secretException() throws(CanonicalDecodingError) -> SecretException {
        let s = try spec()
        _ = try s.required("expires")
        return SecretException(
            metadata: metadata, source: source, rule: try s.requiredString("rule"),
            repositories: try s.repositoryPatterns("repositories"), paths: try s.pathGlobs("paths"),
            expires: try s.parsed("expires", "date", CalendarDate.init)!,
            reason: try s.requiredString("reason"), owner: try s.string("owner"))
    }

    func webhook() throws(CanonicalDecodingError) -> Webhook {
        let s = try spec()
        let url: URL
        switch WebhookURL.parse(try s.requiredString("url")) {
        case .success(let parsed): url = parsed
        case .failure(let problem): throw fail("url", "invalid URL: \(problem.reason)")
        }
        var events = Set<AuditAction>()
        for (index, text) in try s.nonEmptyStrings("events").enumerated() {
            guard let action = AuditAction(rawValue: text) else { throw fail("events[\(index)]", "unknown audit action \"\(text)\"") }
            guard events.insert(action).inserted else { throw fail("events[\(index)]", "\"\(text)\" is listed twice") }
        }
        let repositories = s.entries["repositories"] == nil ? nil : try s.repositoryPatterns("repositories")
        let ref = try fields(try s.required("secretRef"), "secretRef", .webhookSecretRef)
        let secretRef: WebhookSecretRef
        switch (try ref.string("env"), try ref.string("file")) {
        case (let name?, nil):
            if let problem = WebhookSecretRef.environmentNameProblem(name) {
                throw fail("secretRef.env", "invalid environment variable name \"\(name)\": \(problem)")
            }
            secretRef = .environment(name)
        case (nil, let path?):
            if let problem = WebhookSecretRef.filePathProblem(path) { throw fail("secretRef.file", "invalid path \"\(path)\": \(problem)") }
            secretRef = .file(path)
        default:
            throw fail("secretRef", "expected exactly one of env or file")
        }
        let timeout = try s.parsed("timeout", "duration", TimeSpan.init) ?? Webhook.defaultTimeout
        guard Webhook.timeoutRange.contains(timeout.totalSeconds) else {
            throw fail("timeout", "\(timeout) is outside \(Webhook.timeoutRange.lowerBound)s to \(Webhook.timeoutRange.upperBound)s")
        }
        return Webhook(metadata: metadata, source: source, url: url, events: events, repositories: repositories,
                       secretRef: secretRef, timeout: timeout)
    }
}
