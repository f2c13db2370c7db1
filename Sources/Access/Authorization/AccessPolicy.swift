import Declarations

/// Who may do what to which repository, compiled from the live configuration.
///
/// Deny by default: a principal has exactly the permissions of the roles bound to it (directly or
/// through a team) on patterns that match the repository; `admin` implies every other permission; the
/// anonymous principal may pull only from repositories whose tier sets `anonymousPull`. The bootstrap
/// administrator may do everything.
public struct AccessPolicy: Sendable {
    struct Grant: Sendable {
        let pattern: RepositoryPattern
        let permissions: Set<Permission>
    }

    private let grants: [Principal: [Grant]]
    private let state: DesiredState

    public static let empty = AccessPolicy(state: .empty)

    public init(state: DesiredState) {
        self.state = state
        var teamsOfUser: [String: [String]] = [:]
        for team in state.teams {
            for member in team.members { teamsOfUser[member, default: []].append(team.name) }
        }
        var byTeam: [String: [Grant]] = [:]
        var byPrincipal: [Principal: [Grant]] = [:]
        for binding in state.roleBindings {
            guard let role = state.role(named: binding.role) else { continue }
            var permissions = Set(role.permissions)
            if permissions.contains(.admin) { permissions.formUnion(Permission.allCases) }
            let bound = binding.repositories.map { Grant(pattern: $0, permissions: permissions) }
            for subject in binding.subjects {
                switch subject {
                case .user(let name): byPrincipal[.user(name), default: []] += bound
                case .robot(let name): byPrincipal[.robot(name), default: []] += bound
                case .team(let name): byTeam[name, default: []] += bound
                }
            }
        }
        for user in state.users {
            let viaTeams = (teamsOfUser[user.name] ?? []).flatMap { byTeam[$0] ?? [] }
            if !viaTeams.isEmpty { byPrincipal[.user(user.name), default: []] += viaTeams }
        }
        // Only declared identities hold grants: a binding naming a user that is not declared grants nothing.
        grants = byPrincipal.filter { principal, _ in
            switch principal {
            case .user(let name): state.user(named: name) != nil
            case .robot(let name): state.robotAccount(named: name) != nil
            case .administrator, .anonymous: false
            }
        }
    }

    /// The permissions `principal` holds on the concrete repository `repository`.
    public func permissions(of principal: Principal, on repository: String) -> Set<Permission> {
        switch principal {
        case .administrator:
            return Set(Permission.allCases)
        case .anonymous:
            return allowsAnonymousPull(repository) ? [.pull] : []
        case .user, .robot:
            var held: Set<Permission> = allowsAnonymousPull(repository) ? [.pull] : []
            for grant in grants[principal] ?? [] where grant.pattern.matches(repository) {
                held.formUnion(grant.permissions)
            }
            return held
        }
    }

    /// `permissions(of:on:).contains(permission)`, deciding with the bindings first: the anonymous-pull check computes
    /// the repository's effective policy, which a console listing ten thousand repositories cannot afford per row.
    public func allows(_ principal: Principal, _ permission: Permission, on repository: String) -> Bool {
        switch principal {
        case .administrator:
            return true
        case .anonymous:
            return permission == .pull && allowsAnonymousPull(repository)
        case .user, .robot:
            if (grants[principal] ?? []).contains(where: { $0.permissions.contains(permission) && $0.pattern.matches(repository) }) { return true }
            return permission == .pull && allowsAnonymousPull(repository)
        }
    }

    /// Administrators of the whole registry (who may use the admin API): the bootstrap administrator and
    /// anyone holding `admin` through a binding on `**`.
    public func isAdministrator(_ principal: Principal) -> Bool {
        if principal == .administrator { return true }
        return (grants[principal] ?? []).contains { $0.pattern.text == "**" && $0.permissions.contains(.admin) }
    }

    /// The declared password hash of a user; nil when no such user is declared.
    public func passwordHash(ofUser name: String) -> String? {
        state.user(named: name)?.passwordHash.encoded
    }

    public func declaresRobot(_ name: String) -> Bool {
        state.robotAccount(named: name) != nil
    }

    public var robotAccounts: [RobotAccount] { state.robotAccounts }

    private func allowsAnonymousPull(_ repository: String) -> Bool {
        guard let declaration = state.repositoryDeclaration(governing: repository) else { return false }
        return state.tier(named: declaration.tier)?.anonymousPull ?? false
    }
}
