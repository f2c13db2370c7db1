/// Checks that need every document: unique names, references between
/// declarations, glob ambiguity, and patterns that name nothing.
struct CrossValidator {
    /// One per file, in file order.
    let pending: [PendingChecks]
    var diagnostics: [Diagnostic] = []

    init(pending: [PendingChecks]) {
        self.pending = pending
    }

    mutating func finish() -> DesiredState {
        let state = buildUniqueState()
        checkReferences(state)
        checkGlobAmbiguity(state)
        checkPatternUses(state)
        return state
    }

    private struct Key: Hashable {
        var kind: DeclarationKind
        var name: String
    }

    /// Keeps the first declaration of each (kind, name); reports the others.
    private mutating func buildUniqueState() -> DesiredState {
        var first: [Key: DeclarationReference] = [:]
        first.reserveCapacity(pending.reduce(0) { $0 + $1.declarations.count })
        var tiers: [Tier] = [], repositories: [Repository] = [], roles: [Role] = []
        var bindings: [RoleBinding] = [], users: [User] = [], teams: [Team] = []
        var robots: [RobotAccount] = [], signers: [Signer] = [], exceptions: [VulnerabilityException] = []
        var secretRules: [SecretRule] = [], secretExceptions: [SecretException] = [], webhooks: [Webhook] = []
        for result in pending.lazy.flatMap(\.declarations) {
            let ref = result.reference
            let key = Key(kind: ref.kind, name: ref.name)
            if let earlier = first[key] {
                diagnostics.append(Diagnostic(
                    location: ref.location,
                    message: "duplicate \(ref.kind) name '\(ref.name)'; it is first declared at \(earlier.location) (names are unique per kind)"))
                continue
            }
            first[key] = ref
            switch result.declaration {
            case .tier(let x): tiers.append(x)
            case .repository(let x): repositories.append(x)
            case .role(let x): roles.append(x)
            case .roleBinding(let x): bindings.append(x)
            case .user(let x): users.append(x)
            case .team(let x): teams.append(x)
            case .robotAccount(let x): robots.append(x)
            case .signer(let x): signers.append(x)
            case .vulnerabilityException(let x): exceptions.append(x)
            case .secretRule(let x): secretRules.append(x)
            case .secretException(let x): secretExceptions.append(x)
            case .webhook(let x): webhooks.append(x)
            }
        }
        return DesiredState(tiers: tiers, repositories: repositories, roles: roles, roleBindings: bindings,
                            users: users, teams: teams, robotAccounts: robots, signers: signers,
                            vulnerabilityExceptions: exceptions, secretRules: secretRules,
                            secretExceptions: secretExceptions, webhooks: webhooks)
    }

    private mutating func checkReferences(_ state: DesiredState) {
        var namesByKind: [DeclarationKind: [String]] = [:]
        func names(_ kind: DeclarationKind) -> [String] {
            if let cached = namesByKind[kind] { return cached }
            let list: [String]
            switch kind {
            case .tier: list = state.tiers.map(\.name)
            case .repository: list = state.repositories.map(\.name)
            case .role: list = state.roles.map(\.name)
            case .roleBinding: list = state.roleBindings.map(\.name)
            case .user: list = state.users.map(\.name)
            case .team: list = state.teams.map(\.name)
            case .robotAccount: list = state.robotAccounts.map(\.name)
            case .signer: list = state.signers.map(\.name)
            case .vulnerabilityException: list = state.vulnerabilityExceptions.map(\.name)
            case .secretRule: list = state.secretRules.map(\.name)
            case .secretException: list = state.secretExceptions.map(\.name)
            case .webhook: list = state.webhooks.map(\.name)
            }
            namesByKind[kind] = list
            return list
        }
        for reference in pending.lazy.flatMap(\.references) {
            if state.declares(reference.kind, named: reference.name) { continue }
            // A SecretException may name a built-in rule as well as a declared SecretRule.
            let builtIn = reference.kind == .secretRule ? BuiltInSecretRules.ids : []
            if builtIn.contains(reference.name) { continue }
            let declared = names(reference.kind)
            var message = "\(reference.field) refers to \(reference.kind) '\(reference.name)', which is not declared"
            if !builtIn.isEmpty { message += " and is no built-in rule" }
            if declared.isEmpty {
                message += "; no \(reference.kind) is declared"
            } else if declared.count <= 8 {
                message += "; declared: \(declared.joined(separator: ", "))"
            }
            if !builtIn.isEmpty { message += "; built-in: \(builtIn.joined(separator: ", "))" }
            if let suggestion = Suggest.closest(to: reference.name, in: declared + builtIn) {
                message += " (did you mean '\(suggestion)'?)"
            }
            diagnostics.append(Diagnostic(location: reference.location, message: message))
        }
    }

    /// Globs of the same shape are equally specific; if two of them can
    /// match the same name and name different tiers, no rule can pick one.
    /// Without `**` two distinct patterns of the same shape never overlap
    /// (they differ in a literal component), so only `**` shapes are paired.
    private mutating func checkGlobAmbiguity(_ state: DesiredState) {
        // Group by shape, and by the literals before the first `**` and after
        // the last one: patterns that differ there cannot overlap, so only
        // the members of one group are compared pairwise.
        struct GroupKey: Hashable {
            var shape: [Int]
            var prefix: [RepositoryPattern.Segment]
            var suffix: [RepositoryPattern.Segment]
        }
        var groups: [GroupKey: [Repository]] = [:]
        for repository in state.repositories where !repository.pattern.isExact {
            let segments = repository.pattern.segments
            guard let first = segments.firstIndex(of: .anyDepth),
                  let last = segments.lastIndex(of: .anyDepth) else { continue }
            let key = GroupKey(shape: repository.pattern.shape,
                               prefix: Array(segments[..<first]),
                               suffix: Array(segments[(last + 1)...]))
            groups[key, default: []].append(repository)
        }
        for group in groups.values where group.count > 1 {
            let ordered = group.sorted { $0.source < $1.source }
            for j in 1..<ordered.count {
                for i in 0..<j {
                    let a = ordered[i], b = ordered[j]
                    guard a.pattern.overlaps(b.pattern) else { continue }
                    if a.tier != b.tier {
                        diagnostics.append(Diagnostic(
                            location: b.source,
                            message: "Repository glob '\(b.name)' (tier '\(b.tier)') and '\(a.name)' (tier '\(a.tier)', \(a.source)) are equally specific and can match the same repositories; make one more specific or give them the same tier"))
                    } else if a.retention != b.retention || a.immutableTags != b.immutableTags || a.quota != b.quota {
                        let winner = min(a.name, b.name)
                        diagnostics.append(Diagnostic(
                            location: b.source, severity: .warning,
                            message: "Repository glob '\(b.name)' and '\(a.name)' (\(a.source)) are equally specific, can match the same repositories and declare different overrides; '\(winner)' (first by name) is used where both match"))
                    }
                }
            }
        }
    }

    /// Warns about binding and exception patterns that match no declared
    /// repository: usually a typo.
    private mutating func checkPatternUses(_ state: DesiredState) {
        var cache: [String: Bool] = [:]
        for use in pending.lazy.flatMap(\.patternUses) {
            let text = use.pattern.text
            let found: Bool
            if let cached = cache[text] {
                found = cached
            } else {
                found = state.repositoryIndex.anyDeclaration(overlapping: use.pattern)
                cache[text] = found
            }
            if !found {
                diagnostics.append(Diagnostic(
                    location: use.location, severity: .warning,
                    message: "\(use.field): '\(text)' matches no declared Repository (exact name or glob)"))
            }
        }
    }
}
