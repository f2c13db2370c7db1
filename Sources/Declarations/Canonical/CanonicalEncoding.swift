/// Typed declarations to canonical objects. The shape of each kind's spec is
/// documented in `spec/plan.md` ("Canonical objects").
extension DesiredState {
    /// Every declared object in canonical form, sorted by kind
    /// (``DeclarationKind`` order) then name.
    public func canonicalObjects() -> [CanonicalObject] {
        // Kind by kind in DeclarationKind order, each kind built on every core (50,000 bindings).
        let sections: [(count: Int, object: @Sendable (Int) -> CanonicalObject)] = [
            (tiers.count, { CanonicalObject(tiers[$0]) }),
            (repositories.count, { CanonicalObject(repositories[$0]) }),
            (roles.count, { CanonicalObject(roles[$0]) }),
            (roleBindings.count, { CanonicalObject(roleBindings[$0]) }),
            (users.count, { CanonicalObject(users[$0]) }),
            (teams.count, { CanonicalObject(teams[$0]) }),
            (robotAccounts.count, { CanonicalObject(robotAccounts[$0]) }),
            (signers.count, { CanonicalObject(signers[$0]) }),
            (vulnerabilityExceptions.count, { CanonicalObject(vulnerabilityExceptions[$0]) }),
            (secretRules.count, { CanonicalObject(secretRules[$0]) }),
            (secretExceptions.count, { CanonicalObject(secretExceptions[$0]) }),
            (webhooks.count, { CanonicalObject(webhooks[$0]) }),
        ]
        var result = ConcurrentMap.build(count: sections.reduce(0) { $0 + $1.count }) { index in
            var offset = index
            for section in sections {
                if offset < section.count { return section.object(offset) }
                offset -= section.count
            }
            preconditionFailure("index \(index) beyond the declared objects")
        }
        // Kinds are already grouped in order; names are sorted by String
        // comparison, which for these ASCII names equals byte order. Sort
        // anyway so the contract holds for any name, but only when needed:
        // the sort is stable, so an ordered array would come out unchanged.
        if result.indices.dropFirst().contains(where: { result[$0] < result[$0 - 1] }) {
            result.sort()
        }
        return result
    }
}

/// Builds an object value, leaving out absent fields.
private struct SpecBuilder {
    var fields: [String: ConfigValue] = [:]

    mutating func set(_ key: String, _ value: ConfigValue?) {
        if let value { fields[key] = value }
    }

    /// Sets a nested object only when it has at least one field.
    mutating func set(_ key: String, object: SpecBuilder) {
        if !object.fields.isEmpty { fields[key] = .object(object.fields) }
    }

    var value: ConfigValue { .object(fields) }
}

private func strings(_ values: [String]) -> ConfigValue {
    .array(values.map(ConfigValue.string))
}

/// Lists whose order carries no meaning: without repeats, sorted by UTF-8 bytes.
private func sortedStrings(_ values: [String]) -> ConfigValue {
    strings(Set(values).sorted { ConfigValue.keyPrecedes($0, $1) })
}

private func tagPatterns(_ patterns: [TagPattern]?) -> ConfigValue? {
    patterns.map { sortedStrings($0.map(\.text)) }
}

private func retention(_ policy: RetentionPolicy) -> SpecBuilder {
    var r = SpecBuilder()
    r.set("keepLast", policy.keepLast.map(ConfigValue.integer))
    r.set("keepPulledWithin", policy.keepPulledWithin.map { .string($0.description) })
    r.set("keepPushedWithin", policy.keepPushedWithin.map { .string($0.description) })
    r.set("protect", tagPatterns(policy.protect))
    return r
}

extension Subject {
    /// `{"user": name}`, `{"team": name}` or `{"robot": name}`.
    var canonicalValue: ConfigValue {
        switch self {
        case .user(let name): return .object(["user": .string(name)])
        case .team(let name): return .object(["team": .string(name)])
        case .robot(let name): return .object(["robot": .string(name)])
        }
    }
}

extension CanonicalObject {
    private init(_ metadata: ObjectMetadata, _ kind: DeclarationKind, _ spec: SpecBuilder) {
        self.init(kind: kind, name: metadata.name, labels: metadata.labels, annotations: metadata.annotations,
                  spec: spec.value)
    }

    public init(_ tier: Tier) {
        var s = SpecBuilder()
        s.set("description", tier.description.map(ConfigValue.string))
        s.set("anonymousPull", tier.anonymousPull.map(ConfigValue.bool))
        var vulnerabilities = SpecBuilder()
        let v = tier.scanning.vulnerabilities
        vulnerabilities.set("onPush", v.onPush.map { .string($0.rawValue) })
        vulnerabilities.set("onPull", v.onPull.map { .string($0.rawValue) })
        vulnerabilities.set("threshold", v.threshold.map { .string($0.rawValue) })
        vulnerabilities.set("rescanEvery", v.rescanEvery.map { .string($0.description) })
        var secrets = SpecBuilder()
        secrets.set("onPush", tier.scanning.secrets.onPush.map { .string($0.rawValue) })
        var scanning = SpecBuilder()
        scanning.set("vulnerabilities", object: vulnerabilities)
        scanning.set("secrets", object: secrets)
        s.set("scanning", object: scanning)
        if let signing = tier.signing {
            s.set("signing", .object([
                "requiredSigners": sortedStrings(signing.requiredSigners),
                "minimum": .integer(signing.minimum),
            ]))
        }
        s.set("retention", object: retention(tier.retention))
        s.set("immutableTags", tagPatterns(tier.immutableTags))
        s.set("quota", tier.quota.map { .string($0.text) })
        self.init(tier.metadata, .tier, s)
    }

    public init(_ repository: Repository) {
        var s = SpecBuilder()
        s.set("tier", .string(repository.tier))
        s.set("description", repository.description.map(ConfigValue.string))
        s.set("retention", object: retention(repository.retention))
        s.set("immutableTags", tagPatterns(repository.immutableTags))
        s.set("quota", repository.quota.map { .string($0.text) })
        self.init(repository.metadata, .repository, s)
    }

    public init(_ role: Role) {
        var s = SpecBuilder()
        s.set("description", role.description.map(ConfigValue.string))
        // In Permission order (pull, push, delete, admin), without repeats.
        s.set("permissions", .array(Set(role.permissions).sorted().map { .string($0.rawValue) }))
        self.init(role.metadata, .role, s)
    }

    public init(_ binding: RoleBinding) {
        var s = SpecBuilder()
        s.set("role", .string(binding.role))
        s.set("repositories", sortedStrings(binding.repositories.map(\.text)))
        // user, then team, then robot; by name within each.
        s.set("subjects", .array(Set(binding.subjects).sorted().map(\.canonicalValue)))
        self.init(binding.metadata, .roleBinding, s)
    }

    public init(_ user: User) {
        var s = SpecBuilder()
        s.set("passwordHash", .string(user.passwordHash.encoded))
        s.set("email", user.email.map(ConfigValue.string))
        self.init(user.metadata, .user, s)
    }

    public init(_ team: Team) {
        var s = SpecBuilder()
        s.set("description", team.description.map(ConfigValue.string))
        s.set("members", sortedStrings(team.members))
        self.init(team.metadata, .team, s)
    }

    public init(_ robot: RobotAccount) {
        var s = SpecBuilder()
        s.set("description", robot.description.map(ConfigValue.string))
        s.set("expiresIn", .string(robot.expiresIn.description))
        s.set("rotateEvery", robot.rotateEvery.map { .string($0.description) })
        s.set("deliverTo", .object(["recipientPublicKey": .string(robot.deliverTo.canonicalText)]))
        self.init(robot.metadata, .robotAccount, s)
    }

    public init(_ signer: Signer) {
        var s = SpecBuilder()
        s.set("description", signer.description.map(ConfigValue.string))
        s.set("publicKeys", signer.publicKeys.isEmpty ? nil : sortedStrings(signer.publicKeys.map(\.canonicalText)))
        s.set("certificates", signer.certificates.isEmpty ? nil : sortedStrings(signer.certificates.map(\.canonicalText)))
        self.init(signer.metadata, .signer, s)
    }

    public init(_ exception: VulnerabilityException) {
        var s = SpecBuilder()
        s.set("vulnerability", .string(exception.vulnerability.text))
        s.set("repositories", sortedStrings(exception.repositories.map(\.text)))
        s.set("expires", .string(exception.expires.description))
        s.set("reason", .string(exception.reason))
        s.set("owner", exception.owner.map(ConfigValue.string))
        self.init(exception.metadata, .vulnerabilityException, s)
    }

    public init(_ rule: SecretRule) {
        var s = SpecBuilder()
        s.set("description", rule.description.map(ConfigValue.string))
        s.set("regex", .string(rule.regex))
        s.set("keywords", sortedStrings(rule.keywords))
        s.set("entropy", rule.entropy.map { .string(SecretRule.canonicalEntropy($0)) })
        s.set("paths", rule.paths.map(sortedStrings))
        self.init(rule.metadata, .secretRule, s)
    }

    public init(_ exception: SecretException) {
        var s = SpecBuilder()
        s.set("rule", .string(exception.rule))
        s.set("repositories", sortedStrings(exception.repositories.map(\.text)))
        s.set("paths", exception.paths.map(sortedStrings))
        s.set("expires", .string(exception.expires.description))
        s.set("reason", .string(exception.reason))
        s.set("owner", exception.owner.map(ConfigValue.string))
        self.init(exception.metadata, .secretException, s)
    }

    /// `timeout` is always written, the default when not declared, so leaving it out and declaring `10s` are the same
    /// object.
    public init(_ webhook: Webhook) {
        var s = SpecBuilder()
        s.set("url", .string(webhook.url.absoluteString))
        s.set("events", sortedStrings(webhook.events.map(\.rawValue)))
        s.set("repositories", webhook.repositories.map { sortedStrings($0.map(\.text)) })
        s.set("secretRef", webhook.secretRef.canonicalValue)
        s.set("timeout", .string(webhook.timeout.description))
        self.init(webhook.metadata, .webhook, s)
    }
}

extension WebhookSecretRef {
    /// `{"env": name}` or `{"file": path}`.
    var canonicalValue: ConfigValue {
        switch self {
        case .environment(let name): return .object(["env": .string(name)])
        case .file(let path): return .object(["file": .string(path)])
        }
    }
}

extension SecretRule {
    /// Canonical objects hold no floating point (``ConfigValue``), so `entropy` is written as the shortest decimal
    /// that reads back to the same number: `3.5`, `4.0`.
    static func canonicalEntropy(_ entropy: Double) -> String { entropy.description }
}
