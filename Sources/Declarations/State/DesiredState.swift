/// Everything the declarations ask for, typed and resolved: every object by
/// kind, each list sorted by name.
///
/// When loading reported errors the state is partial (objects that could not
/// be decoded are missing) and must not be applied.
public struct DesiredState: Sendable, Equatable {
    public let tiers: [Tier]
    public let repositories: [Repository]
    public let roles: [Role]
    public let roleBindings: [RoleBinding]
    public let users: [User]
    public let teams: [Team]
    public let robotAccounts: [RobotAccount]
    public let signers: [Signer]
    public let vulnerabilityExceptions: [VulnerabilityException]
    public let secretRules: [SecretRule]
    public let secretExceptions: [SecretException]
    public let webhooks: [Webhook]

    let repositoryIndex: RepositoryIndex
    private let tierIndex: [String: Int]
    private let roleIndex: [String: Int]
    private let userIndex: [String: Int]
    private let teamIndex: [String: Int]
    private let robotIndex: [String: Int]
    private let signerIndex: [String: Int]
    private let secretRuleIndex: [String: Int]

    public init(tiers: [Tier] = [], repositories: [Repository] = [], roles: [Role] = [],
                roleBindings: [RoleBinding] = [], users: [User] = [], teams: [Team] = [],
                robotAccounts: [RobotAccount] = [], signers: [Signer] = [],
                vulnerabilityExceptions: [VulnerabilityException] = [], secretRules: [SecretRule] = [],
                secretExceptions: [SecretException] = [], webhooks: [Webhook] = []) {
        /// Sorted by name. Declarations usually arrive in order (files are read in path order), and the sort
        /// is stable: an ordered list is kept as it is rather than copied, object by object, into a new one.
        func byName<T>(_ values: [T], _ name: (T) -> String) -> [T] {
            let ordered = values.indices.dropFirst().allSatisfy { !(name(values[$0]) < name(values[$0 - 1])) }
            return ordered ? values : values.sorted { name($0) < name($1) }
        }
        self.tiers = byName(tiers) { $0.name }
        self.repositories = byName(repositories) { $0.name }
        self.roles = byName(roles) { $0.name }
        self.roleBindings = byName(roleBindings) { $0.name }
        self.users = byName(users) { $0.name }
        self.teams = byName(teams) { $0.name }
        self.robotAccounts = byName(robotAccounts) { $0.name }
        self.signers = byName(signers) { $0.name }
        self.vulnerabilityExceptions = byName(vulnerabilityExceptions) { $0.name }
        self.secretRules = byName(secretRules) { $0.name }
        self.secretExceptions = byName(secretExceptions) { $0.name }
        self.webhooks = byName(webhooks) { $0.name }

        func index(_ names: [String]) -> [String: Int] {
            var result: [String: Int] = [:]
            result.reserveCapacity(names.count)
            for (i, name) in names.enumerated() where result[name] == nil { result[name] = i }
            return result
        }
        repositoryIndex = RepositoryIndex(self.repositories)
        tierIndex = index(self.tiers.map(\.name))
        roleIndex = index(self.roles.map(\.name))
        userIndex = index(self.users.map(\.name))
        teamIndex = index(self.teams.map(\.name))
        robotIndex = index(self.robotAccounts.map(\.name))
        signerIndex = index(self.signers.map(\.name))
        secretRuleIndex = index(self.secretRules.map(\.name))
    }

    public static let empty = DesiredState()

    public static func == (lhs: DesiredState, rhs: DesiredState) -> Bool {
        lhs.tiers == rhs.tiers && lhs.repositories == rhs.repositories && lhs.roles == rhs.roles
            && lhs.roleBindings == rhs.roleBindings && lhs.users == rhs.users && lhs.teams == rhs.teams
            && lhs.robotAccounts == rhs.robotAccounts && lhs.signers == rhs.signers
            && lhs.vulnerabilityExceptions == rhs.vulnerabilityExceptions
            && lhs.secretRules == rhs.secretRules && lhs.secretExceptions == rhs.secretExceptions
            && lhs.webhooks == rhs.webhooks
    }

    public func tier(named name: String) -> Tier? { tierIndex[name].map { tiers[$0] } }
    public func role(named name: String) -> Role? { roleIndex[name].map { roles[$0] } }
    public func user(named name: String) -> User? { userIndex[name].map { users[$0] } }
    public func team(named name: String) -> Team? { teamIndex[name].map { teams[$0] } }
    public func robotAccount(named name: String) -> RobotAccount? { robotIndex[name].map { robotAccounts[$0] } }
    public func signer(named name: String) -> Signer? { signerIndex[name].map { signers[$0] } }
    public func secretRule(named name: String) -> SecretRule? { secretRuleIndex[name].map { secretRules[$0] } }

    /// True when an object of `kind` named `name` is declared (repositories
    /// by their exact pattern text).
    func declares(_ kind: DeclarationKind, named name: String) -> Bool {
        switch kind {
        case .tier: return tierIndex[name] != nil
        case .role: return roleIndex[name] != nil
        case .user: return userIndex[name] != nil
        case .team: return teamIndex[name] != nil
        case .robotAccount: return robotIndex[name] != nil
        case .signer: return signerIndex[name] != nil
        case .repository: return repositories.contains { $0.name == name }
        case .roleBinding: return roleBindings.contains { $0.name == name }
        case .vulnerabilityException: return vulnerabilityExceptions.contains { $0.name == name }
        case .secretRule: return secretRuleIndex[name] != nil
        case .secretException: return secretExceptions.contains { $0.name == name }
        case .webhook: return webhooks.contains { $0.name == name }
        }
    }

    /// The Repository declaration (exact name, else the most specific glob)
    /// that governs the concrete repository `name`; nil when none matches.
    public func repositoryDeclaration(governing name: String) -> Repository? {
        repositoryIndex.match(name)?.repository
    }

    /// The effective policy of the concrete repository `name`: tier settings
    /// merged field by field with the governing Repository declaration, each
    /// field with its origin. Nil when no declaration governs the name or its
    /// tier is not declared.
    public func effectivePolicy(for name: String) -> EffectivePolicy? {
        guard let match = repositoryIndex.match(name),
              let tier = tier(named: match.repository.tier) else { return nil }
        let exceptions = vulnerabilityExceptions
            .filter { exception in exception.repositories.contains { $0.matches(name) } }
            .map(\.name)
        let secretExceptions = secretExceptions
            .filter { exception in exception.repositories.contains { $0.matches(name) } }
            .map(\.name)
        return EffectivePolicy(repository: name, declaration: match.repository, tier: tier, exceptions: exceptions,
                               secretExceptions: secretExceptions)
    }
}
