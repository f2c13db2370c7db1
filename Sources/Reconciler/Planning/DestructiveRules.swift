import Declarations

/// The rules that mark a change destructive (see `spec/plan.md`,
/// "Destructive changes"). What validation already refuses (deleting a
/// Signer a Tier still requires, a Tier a Repository still uses) is not
/// checked again.
enum DestructiveRules {
    /// At most this many repositories are named in one reason.
    static let maxListed = 10

    // MARK: Repositories holding images

    /// A deleted Repository declaration is destructive when its pattern
    /// matches repositories that hold images and that no Repository
    /// declaration in git matches any more: their images lose every policy
    /// and owner. Images that another declaration still governs are only
    /// noted.
    static func markRepositoryDeletions(_ deletes: inout [Change], desired: [CanonicalObject], facts: LiveFacts) {
        let held = facts.imageCounts.filter { $0.value > 0 }
        guard !held.isEmpty, deletes.contains(where: { $0.kind == .repository }) else { return }
        let governance = Governance(desired.filter { $0.kind == .repository }.map(\.name))
        for index in deletes.indices where deletes[index].kind == .repository {
            let name = deletes[index].name
            var matched: [(name: String, count: Int)] = []
            if let pattern = RepositoryPattern(name), !pattern.isExact {
                for (repository, count) in held where pattern.matches(repository) {
                    matched.append((repository, count))
                }
            } else if let count = held[name] {
                matched.append((name, count))
            }
            guard !matched.isEmpty else { continue }
            matched.sort { ConfigValue.keyPrecedes($0.name, $1.name) }
            let orphaned = matched.filter { !governance.governs($0.name) }
            let kept = matched.filter { governance.governs($0.name) }
            if !orphaned.isEmpty {
                deletes[index].destructive = true
                deletes[index].reasons.append(
                    "holds \(images(orphaned)) in \(list(orphaned)), which no other Repository declaration governs")
            }
            if !kept.isEmpty {
                deletes[index].reasons.append(
                    "\(images(kept)) in \(list(kept)) stay governed by another Repository declaration in git")
            }
        }
    }

    static func images(_ repositories: [(name: String, count: Int)]) -> String {
        let total = repositories.reduce(0) { $0 + $1.count }
        return total == 1 ? "1 image" : "\(total) images"
    }

    /// `payments/api (7), payments/web (5)`; a single repository without its
    /// count (the total says it).
    static func list(_ repositories: [(name: String, count: Int)]) -> String {
        if repositories.count == 1 { return repositories[0].name }
        let shown = repositories.prefix(maxListed).map { "\($0.name) (\($0.count))" }.joined(separator: ", ")
        let more = repositories.count - maxListed
        return more > 0 ? "\(shown) and \(more) more repositories" : shown
    }

    /// Whether any declared pattern matches a concrete repository name.
    struct Governance {
        var exact: Set<String> = []
        var globs: [RepositoryPattern] = []

        init(_ names: [String]) {
            for name in names {
                if let pattern = RepositoryPattern(name), !pattern.isExact {
                    globs.append(pattern)
                } else {
                    exact.insert(name)
                }
            }
        }

        func governs(_ repository: String) -> Bool {
            exact.contains(repository) || globs.contains { $0.matches(repository) }
        }
    }

    // MARK: The last admin

    /// When the live state grants a role with the `admin` permission to
    /// someone and the desired state grants it to no one, every update or
    /// delete that takes part in removing those grants is destructive: the
    /// admin RoleBindings, their roles, and their teams.
    ///
    /// A binding grants to someone when it names a user, a robot, or a team
    /// with at least one member.
    static func markAdminRemoval(upserts: inout [Change], deletes: inout [Change],
                                 desired: [CanonicalObject], live: [CanonicalObject]) {
        let before = AdminGrants(live)
        guard !before.bindings.isEmpty, AdminGrants(desired).bindings.isEmpty else { return }
        func involved(_ change: Change) -> Bool {
            switch change.kind {
            case .roleBinding: return before.bindings.contains(change.name)
            case .role: return before.roles.contains(change.name)
            case .team: return before.teams.contains(change.name)
            default: return false
            }
        }
        // Some binding that granted admin is deleted or updated, or its
        // role or team is: at least one change is always marked.
        for index in upserts.indices where upserts[index].action == .update && involved(upserts[index]) {
            upserts[index].destructive = true
            upserts[index].reasons.append(Planner.Reason.removesEveryAdmin)
        }
        for index in deletes.indices where involved(deletes[index]) {
            deletes[index].destructive = true
            deletes[index].reasons.append(Planner.Reason.removesEveryAdmin)
        }
    }

    /// The admin grants of one state.
    struct AdminGrants {
        /// Bindings that grant an admin role to someone.
        var bindings: Set<String> = []
        /// Roles with the admin permission used by those bindings.
        var roles: Set<String> = []
        /// Teams with members named by those bindings.
        var teams: Set<String> = []

        init(_ objects: [CanonicalObject]) {
            var adminRoles = Set<String>()
            var populatedTeams = Set<String>()
            for object in objects {
                switch object.kind {
                case .role:
                    if object.spec["permissions"]?.arrayValue?.contains(.string("admin")) == true {
                        adminRoles.insert(object.name)
                    }
                case .team:
                    if let members = object.spec["members"]?.arrayValue, !members.isEmpty {
                        populatedTeams.insert(object.name)
                    }
                default: break
                }
            }
            guard !adminRoles.isEmpty else { return }
            for object in objects where object.kind == .roleBinding {
                guard let role = object.spec["role"]?.stringValue, adminRoles.contains(role) else { continue }
                var grants = false
                for subject in object.spec["subjects"]?.arrayValue ?? [] {
                    guard let entry = subject.objectValue, let (key, value) = entry.first,
                          let name = value.stringValue else { continue }
                    if key == "team" {
                        if populatedTeams.contains(name) {
                            grants = true
                            teams.insert(name)
                        }
                    } else {
                        grants = true
                    }
                }
                if grants {
                    bindings.insert(object.name)
                    roles.insert(role)
                }
            }
        }
    }
}
