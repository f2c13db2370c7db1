import Foundation

/// Decodes the `spec` of each kind. Each function reports every problem it
/// finds and returns nil only when a required field is missing or unusable.
struct SpecDecoder {
    let context: DecodeContext
    let metadata: ObjectMetadata
    let owner: DeclarationReference
    let now: Date
    let keyChecks: KeyChecks

    // MARK: Tier

    func tier(_ node: Int32) -> Tier? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.tier.names) else { return nil }
        var locations: [String: SourceLocation] = [:]
        func note(_ path: String, _ node: Int32) { locations[path] = c.location(node) }

        var tier = Tier(metadata: metadata, source: owner.location, description: nil, anonymousPull: nil,
                        scanning: ScanningPolicy(), signing: nil, retention: RetentionPolicy(),
                        immutableTags: nil, quota: nil, fieldLocations: [:])
        if let n = spec.value("description") { tier.description = c.string(n, path: "spec.description") }
        if let n = spec.value("anonymousPull") {
            tier.anonymousPull = c.bool(n, path: "spec.anonymousPull")
            note("spec.anonymousPull", n)
        }
        if let n = spec.value("scanning"),
           let scanning = c.mapping(n, path: "spec.scanning", allowed: FieldTable.scanning.names) {
            if let v = scanning.value("vulnerabilities"),
               let fields = c.mapping(v, path: "spec.scanning.vulnerabilities", allowed: FieldTable.vulnerabilityScanning.names) {
                let base = "spec.scanning.vulnerabilities"
                if let x = fields.value("onPush") {
                    tier.scanning.vulnerabilities.onPush = c.enumeration(x, path: "\(base).onPush", as: ScanAction.self)
                    note("\(base).onPush", x)
                }
                if let x = fields.value("onPull") {
                    tier.scanning.vulnerabilities.onPull = c.enumeration(x, path: "\(base).onPull", as: ScanAction.self)
                    note("\(base).onPull", x)
                }
                if let x = fields.value("threshold") {
                    tier.scanning.vulnerabilities.threshold = c.enumeration(x, path: "\(base).threshold", as: VulnerabilitySeverity.self)
                    note("\(base).threshold", x)
                }
                if let x = fields.value("rescanEvery") {
                    tier.scanning.vulnerabilities.rescanEvery = c.timeSpan(x, path: "\(base).rescanEvery")
                    note("\(base).rescanEvery", x)
                }
            }
            if let s = scanning.value("secrets"),
               let fields = c.mapping(s, path: "spec.scanning.secrets", allowed: FieldTable.secretScanning.names),
               let x = fields.value("onPush") {
                tier.scanning.secrets.onPush = c.enumeration(x, path: "spec.scanning.secrets.onPush", as: ScanAction.self)
                note("spec.scanning.secrets.onPush", x)
            }
        }
        if let n = spec.value("signing") {
            tier.signing = signing(n)
            note("spec.signing", n)
        }
        if let n = spec.value("retention") {
            tier.retention = retention(n, locations: &locations)
        }
        if let n = spec.value("immutableTags") {
            tier.immutableTags = c.tagPatterns(n, path: "spec.immutableTags")
            note("spec.immutableTags", n)
        }
        if let n = spec.value("quota") {
            tier.quota = c.byteSize(n, path: "spec.quota")
            note("spec.quota", n)
        }
        tier.fieldLocations = locations
        return tier
    }

    private func signing(_ node: Int32) -> SigningPolicy? {
        let c = context
        guard let fields = c.mapping(node, path: "spec.signing", allowed: FieldTable.signing.names) else { return nil }
        guard let listNode = fields.value("requiredSigners") else {
            fields.missing("requiredSigners", expected: "a list of Signer names")
            return nil
        }
        guard let items = c.list(listNode, path: "spec.signing.requiredSigners", of: "Signer names") else { return nil }
        if items.isEmpty {
            c.error(listNode, "spec.signing.requiredSigners: expected at least one Signer name; found an empty list (remove spec.signing to require no signatures)")
            return nil
        }
        var signers: [String] = []
        for (index, item) in items.enumerated() {
            let path = FieldPath("spec.signing.requiredSigners", index)
            guard let name = c.string(item, path: path.description, expected: "a Signer name") else { continue }
            if signers.contains(name) {
                c.error(item, "\(path): Signer '\(name)' is listed twice")
                continue
            }
            signers.append(name)
            c.reference(.signer, name, at: item, field: path)
        }
        var minimum = 1
        if let m = fields.value("minimum"), let value = c.integer(m, path: "spec.signing.minimum", minimum: 1) {
            if value > signers.count {
                c.error(m, "spec.signing.minimum is \(value) but only \(signers.count) signer\(signers.count == 1 ? " is" : "s are") listed in requiredSigners; expected a number from 1 to \(signers.count)")
            } else {
                minimum = value
            }
        }
        return SigningPolicy(requiredSigners: signers, minimum: minimum)
    }

    private func retention(_ node: Int32, locations: inout [String: SourceLocation]) -> RetentionPolicy {
        let c = context
        var policy = RetentionPolicy()
        guard let fields = c.mapping(node, path: "spec.retention", allowed: FieldTable.retention.names) else { return policy }
        if let n = fields.value("keepLast") {
            policy.keepLast = c.integer(n, path: "spec.retention.keepLast", minimum: 0)
            locations["spec.retention.keepLast"] = c.location(n)
        }
        if let n = fields.value("keepPulledWithin") {
            policy.keepPulledWithin = c.timeSpan(n, path: "spec.retention.keepPulledWithin")
            locations["spec.retention.keepPulledWithin"] = c.location(n)
        }
        if let n = fields.value("keepPushedWithin") {
            policy.keepPushedWithin = c.timeSpan(n, path: "spec.retention.keepPushedWithin")
            locations["spec.retention.keepPushedWithin"] = c.location(n)
        }
        if let n = fields.value("protect") {
            policy.protect = c.tagPatterns(n, path: "spec.retention.protect")
            locations["spec.retention.protect"] = c.location(n)
        }
        return policy
    }

    // MARK: Repository

    /// anonymousPull, scanning and signing: a repository takes them from its tier.
    static let tierOnlyFields = Set(FieldTable.tier.names).subtracting(FieldTable.repository.names)

    func repository(_ node: Int32) -> Repository? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.repository.names, unknown: { key, keyNode in
            guard SpecDecoder.tierOnlyFields.contains(key) else { return false }
            c.error(keyNode, "spec.\(key) cannot be set on a Repository: anonymousPull, scanning and signing come from its tier; put the repository in a tier with the policy you need, or declare a new Tier")
            return true
        }) else { return nil }
        guard case .success(let pattern) = RepositoryPattern.parse(metadata.name) else { return nil }
        var locations: [String: SourceLocation] = [:]
        var tierName: String?
        if let n = spec.value("tier") {
            tierName = c.string(n, path: "spec.tier", expected: "a Tier name")
            if let tierName { c.reference(.tier, tierName, at: n, field: FieldPath("spec.tier")) }
            locations["spec.tier"] = c.location(n)
        } else {
            spec.missing("tier", expected: "the name of a Tier")
        }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        let retention = spec.value("retention").map { self.retention($0, locations: &locations) } ?? RetentionPolicy()
        var immutableTags: [TagPattern]?
        if let n = spec.value("immutableTags") {
            immutableTags = c.tagPatterns(n, path: "spec.immutableTags")
            locations["spec.immutableTags"] = c.location(n)
        }
        var quota: ByteSize?
        if let n = spec.value("quota") {
            quota = c.byteSize(n, path: "spec.quota")
            locations["spec.quota"] = c.location(n)
        }
        guard let tierName else { return nil }
        return Repository(metadata: metadata, source: owner.location, pattern: pattern, tier: tierName,
                          description: description, retention: retention, immutableTags: immutableTags,
                          quota: quota, fieldLocations: locations)
    }

    // MARK: Role and RoleBinding

    func role(_ node: Int32) -> Role? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.role.names) else { return nil }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        let options = Permission.allCases.map(\.rawValue).joined(separator: ", ")
        guard let listNode = spec.value("permissions") else {
            spec.missing("permissions", expected: "a list from: \(options)")
            return nil
        }
        guard let items = c.list(listNode, path: "spec.permissions", of: "permissions (\(options))") else { return nil }
        if items.isEmpty {
            c.error(listNode, "spec.permissions: expected at least one of: \(options); found an empty list")
        }
        var permissions = Set<Permission>()
        for (index, item) in items.enumerated() {
            let path = FieldPath("spec.permissions", index)
            guard let permission = c.enumeration(item, path: path.description, as: Permission.self) else { continue }
            if !permissions.insert(permission).inserted {
                c.warning(item, "\(path): permission '\(permission.rawValue)' is listed twice")
            }
        }
        return Role(metadata: metadata, source: owner.location, description: description,
                    permissions: permissions.sorted())
    }

    func roleBinding(_ node: Int32) -> RoleBinding? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.roleBinding.names) else { return nil }
        var roleName: String?
        if let n = spec.value("role") {
            roleName = c.string(n, path: "spec.role", expected: "a Role name")
            if let roleName { c.reference(.role, roleName, at: n, field: FieldPath("spec.role")) }
        } else {
            spec.missing("role", expected: "the name of a Role")
        }
        var repositories: [RepositoryPattern]?
        if let n = spec.value("repositories") {
            repositories = c.repositoryPatterns(n, path: "spec.repositories")
        } else {
            spec.missing("repositories", expected: "a list of repository names or globs")
        }
        var subjects: [Subject] = []
        if let n = spec.value("subjects"), let items = c.list(n, path: "spec.subjects", of: "subjects ({user: …}, {team: …} or {robot: …})") {
            if items.isEmpty {
                c.error(n, "spec.subjects: expected at least one subject ({user: …}, {team: …} or {robot: …}); found an empty list")
            }
            for (index, item) in items.enumerated() {
                let path = FieldPath("spec.subjects", index)
                guard let fields = c.mapping(item, path: path.description, allowed: FieldTable.subject.names) else { continue }
                let present = fields.entries.filter { !c.tree.isNull(c.tree.resolved($0.value)) }
                guard present.count == 1, let entry = present.first else {
                    let found = present.isEmpty ? "none" : present.map(\.key).joined(separator: " and ")
                    c.error(item, "\(path): a subject must have exactly one of: user, team, robot; found \(found)")
                    continue
                }
                guard let name = c.string(entry.value, path: "\(path).\(entry.key)", expected: "a name") else { continue }
                let field = FieldPath("spec.subjects", index, entry.key)
                let subject: Subject
                switch entry.key {
                case "user":
                    subject = .user(name)
                    c.reference(.user, name, at: entry.value, field: field)
                case "team":
                    subject = .team(name)
                    c.reference(.team, name, at: entry.value, field: field)
                default:
                    subject = .robot(name)
                    c.reference(.robotAccount, name, at: entry.value, field: field)
                }
                if subjects.contains(subject) {
                    c.warning(item, "\(path): \(subject) is listed twice")
                } else {
                    subjects.append(subject)
                }
            }
        } else if spec.value("subjects") == nil {
            spec.missing("subjects", expected: "a list of {user: …}, {team: …} or {robot: …}")
        }
        guard let roleName, let repositories else { return nil }
        return RoleBinding(metadata: metadata, source: owner.location, role: roleName,
                           repositories: repositories, subjects: subjects)
    }

    // MARK: User, Team, RobotAccount

    func user(_ node: Int32) -> User? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.user.names, unknown: { key, keyNode in
            let lower = key.lowercased()
            guard lower.contains("pass") || lower == "pwd" || lower == "secret" else { return false }
            c.error(keyNode, "spec.\(key) is not allowed: plaintext passwords never go in git; store a bcrypt or argon2id hash in spec.passwordHash instead (for example the output of: htpasswd -bnBC 12 \"\" 'the-password' | tr -d ':\\n')")
            return true
        }) else { return nil }
        var email: String?
        if let n = spec.value("email"), let text = c.string(n, path: "spec.email", expected: "an email address") {
            if EmailRule.isPlausible(text) {
                email = text
            } else {
                c.error(n, "spec.email: invalid email address \(c.describe(n)); expected an address like name@example.com")
            }
        }
        guard let n = spec.value("passwordHash") else {
            spec.missing("passwordHash", expected: "a bcrypt or argon2id hash")
            return nil
        }
        guard let text = c.string(n, path: "spec.passwordHash", expected: "a bcrypt or argon2id hash") else { return nil }
        guard let hash = PasswordHash(text) else {
            // Never echo the value: it may be a real password.
            c.error(n, "spec.passwordHash is not a valid hash; expected \(PasswordHash.expectation). Plaintext passwords never go in git")
            return nil
        }
        return User(metadata: metadata, source: owner.location, passwordHash: hash, email: email)
    }

    func team(_ node: Int32) -> Team? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.team.names) else { return nil }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        var members: [String] = []
        if let n = spec.value("members"), let items = c.list(n, path: "spec.members", of: "User names") {
            var seen = Set<String>()
            for (index, item) in items.enumerated() {
                let path = FieldPath("spec.members", index)
                guard let name = c.string(item, path: path.description, expected: "a User name") else { continue }
                guard seen.insert(name).inserted else {
                    c.warning(item, "\(path): member '\(name)' is listed twice")
                    continue
                }
                members.append(name)
                c.reference(.user, name, at: item, field: path)
            }
            if items.isEmpty { c.warning(n, "spec.members is empty; the team grants nothing to anyone") }
        } else if !spec.has("members") {
            spec.missing("members", expected: "a list of User names")
        }
        return Team(metadata: metadata, source: owner.location, description: description, members: members)
    }

    func robotAccount(_ node: Int32) -> RobotAccount? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.robotAccount.names) else { return nil }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        var expiresIn: TimeSpan?
        if let n = spec.value("expiresIn") {
            expiresIn = c.timeSpan(n, path: "spec.expiresIn")
        } else {
            spec.missing("expiresIn", expected: TimeSpan.expectation)
        }
        var rotateEvery: TimeSpan?
        if let n = spec.value("rotateEvery") {
            rotateEvery = c.timeSpan(n, path: "spec.rotateEvery")
            if let r = rotateEvery, let e = expiresIn, r >= e {
                c.error(n, "spec.rotateEvery (\(r)) must be shorter than spec.expiresIn (\(e)), or the token expires before it is rotated")
            }
        }
        var recipient: RecipientKey?
        if let n = spec.value("deliverTo") {
            if let fields = c.mapping(n, path: "spec.deliverTo", allowed: FieldTable.deliverTo.names) {
                if let k = fields.value("recipientPublicKey") {
                    if let text = c.string(k, path: "spec.deliverTo.recipientPublicKey", expected: RecipientKey.expectation) {
                        switch RecipientKey.parse(text, check: keyChecks) {
                        case .success(let key): recipient = key
                        case .failure(let problem):
                            c.error(k, "spec.deliverTo.recipientPublicKey: invalid key: \(problem.reason); expected \(RecipientKey.expectation)")
                        }
                    }
                } else {
                    fields.missing("recipientPublicKey", expected: RecipientKey.expectation)
                }
            }
        } else {
            spec.missing("deliverTo", expected: "{recipientPublicKey: …}, the key the robot's token is sealed to")
        }
        guard let expiresIn, let recipient else { return nil }
        return RobotAccount(metadata: metadata, source: owner.location, description: description,
                            expiresIn: expiresIn, rotateEvery: rotateEvery, deliverTo: recipient)
    }

    // MARK: Signer

    func signer(_ node: Int32) -> Signer? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.signer.names) else { return nil }
        let description = spec.value("description").flatMap { c.string($0, path: "spec.description") }
        let keyList = spec.value("publicKeys"), certificateList = spec.value("certificates")
        guard keyList != nil || certificateList != nil else {
            spec.missing("publicKeys", expected: "a non-empty list of PEM public keys (or certificates: CA certificates for notation)")
            return nil
        }
        var failed = false
        let keys = keyList.map { pemList($0, field: "spec.publicKeys", what: "PEM public key", der: \.der, failed: &failed) { text in
            PEMPublicKey.parse(text).flatMap { key in
                keyChecks.signing(.publicKey(key)).map { .failure(PatternError(reason: "it cannot verify signatures: \($0)")) } ?? .success(key)
            }
        } } ?? []
        let certificates = certificateList.map { pemList($0, field: "spec.certificates", what: "PEM CA certificate", der: \.der, failed: &failed) { text in
            PEMCertificate.parse(text).flatMap { certificate in
                keyChecks.signing(.certificate(certificate)).map { .failure(PatternError(reason: "it cannot anchor signatures: \($0)")) }
                    ?? .success(certificate)
            }
        } } ?? []
        guard !failed else { return nil }
        return Signer(metadata: metadata, source: owner.location, description: description, publicKeys: keys, certificates: certificates)
    }

    /// A non-empty list of PEM blocks, each parsed by `parse`; a block listed twice is a warning. Sets `failed` when the
    /// list or any block is invalid, after reporting every problem.
    private func pemList<Block>(_ listNode: Int32, field: String, what: String, der: KeyPath<Block, Data>, failed: inout Bool,
                                parse: (String) -> Result<Block, PatternError>) -> [Block] {
        let c = context
        guard let items = c.list(listNode, path: field, of: "\(what)s") else {
            failed = true
            return []
        }
        if items.isEmpty {
            c.error(listNode, "\(field): expected at least one \(what); found an empty list (leave the field out instead)")
            failed = true
        }
        var blocks: [Block] = []
        for (index, item) in items.enumerated() {
            let path = FieldPath(field, index)
            guard let text = c.string(item, path: path.description, expected: "a \(what)") else {
                failed = true
                continue
            }
            switch parse(text) {
            case .success(let block):
                if blocks.contains(where: { $0[keyPath: der] == block[keyPath: der] }) {
                    c.warning(item, "\(path): this \(what) is listed twice")
                } else {
                    blocks.append(block)
                }
            case .failure(let problem):
                c.error(item, "\(path): invalid \(what): \(problem.reason)")
                failed = true
            }
        }
        return blocks
    }

    // MARK: VulnerabilityException

    func vulnerabilityException(_ node: Int32) -> VulnerabilityException? {
        let c = context
        guard let spec = c.mapping(node, path: "spec", allowed: FieldTable.vulnerabilityException.names) else { return nil }
        var vulnerability: VulnerabilityID?
        if let n = spec.value("vulnerability") {
            if let text = c.string(n, path: "spec.vulnerability", expected: VulnerabilityID.expectation) {
                vulnerability = VulnerabilityID(text)
                if vulnerability == nil {
                    c.error(n, "spec.vulnerability: invalid id \(c.describe(n)); expected \(VulnerabilityID.expectation)")
                }
            }
        } else {
            spec.missing("vulnerability", expected: VulnerabilityID.expectation)
        }
        var repositories: [RepositoryPattern]?
        if let n = spec.value("repositories") {
            repositories = c.repositoryPatterns(n, path: "spec.repositories")
        } else {
            spec.missing("repositories", expected: "a list of repository names or globs")
        }
        let expires = expiry(spec, lapse: VulnerabilityException.lapse(of:))
        let reason = acceptanceReason(spec)
        let ownerName = spec.value("owner").flatMap { c.string($0, path: "spec.owner") }
        guard let vulnerability, let repositories, let expires, let reason else { return nil }
        return VulnerabilityException(metadata: metadata, source: owner.location, vulnerability: vulnerability,
                                      repositories: repositories, expires: expires, reason: reason, owner: ownerName)
    }
}

extension SpecDecoder {
    /// An exception's `expires`: an error once the exception has lapsed (`lapse` says when its date makes it lapse), a
    /// warning within 14 days of it.
    func expiry(_ spec: DecodeContext.Fields, lapse: (CalendarDate) -> Date) -> CalendarDate? {
        let c = context
        guard let n = spec.value("expires") else {
            spec.missing("expires", expected: "a date YYYY-MM-DD after which the exception no longer applies")
            return nil
        }
        guard let date = c.date(n, path: "spec.expires") else { return nil }
        let end = lapse(date)
        if end <= now {
            c.error(n, "spec.expires: this exception expired on \(date); remove it, or renew it with a later date and a fresh review")
        } else if end.timeIntervalSince(now) <= 14 * 86_400 {
            let days = Int((end.timeIntervalSince(now) / 86_400).rounded(.up))
            c.warning(n, "spec.expires: this exception expires in \(days) day\(days == 1 ? "" : "s") (\(date))")
        }
        return date
    }

    /// An exception's required, non-blank `reason`.
    func acceptanceReason(_ spec: DecodeContext.Fields) -> String? {
        let expected = "a non-empty explanation of why the risk is accepted"
        guard let n = spec.value("reason") else {
            spec.missing("reason", expected: expected)
            return nil
        }
        return context.nonEmptyString(n, path: "spec.reason", expected: expected)
    }
}

/// A light plausibility check for email addresses.
enum EmailRule {
    static func isPlausible(_ text: String) -> Bool {
        let parts = text.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."),
              !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              !text.contains(where: { $0.isWhitespace }) else { return false }
        return true
    }
}
