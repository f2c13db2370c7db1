import Declarations
import Foundation

/// Computes a plan: the diff between the declared and the live objects,
/// ordered by dependency, with destructive changes marked.
///
/// Pure: no I/O, no clock (`now` is passed), no cryptography (fingerprints
/// are computed by the caller, see `ConfigurationObject.fingerprint(of:)` in the Storage module and spec/admin-api.md).
/// The desired objects are assumed to have passed validation; the planner
/// does not repeat it.
public enum Planner {
    /// The order creates and updates are applied in, so that every object is
    /// written after the objects it refers to: signers before the tiers
    /// that require them, tiers before repositories, roles, users, teams and
    /// robots before bindings, secret rules before the secret exceptions that
    /// name them. Webhooks refer to nothing and come last. Deletes run after
    /// every create and update, in the reverse order.
    public static let applyOrder: [DeclarationKind] = [
        .signer, .tier, .role, .user, .team, .robotAccount, .repository, .roleBinding, .vulnerabilityException,
        .secretRule, .secretException, .webhook,
    ]

    static let rank: [DeclarationKind: Int] = Dictionary(
        uniqueKeysWithValues: applyOrder.enumerated().map { ($1, $0) })

    public enum Reason {
        public static let create = "declared in git but absent from the registry"
        public static let delete = "not declared in git (would be pruned)"
        public static let removesEveryAdmin = "removes every admin: after this plan no RoleBinding grants a role with the admin permission to anyone"

        /// `field changed in git: retention.keepLast`
        public static func update(_ paths: [String]) -> String {
            let shown = paths.prefix(5).joined(separator: ", ")
            let more = paths.count > 5 ? " and \(paths.count - 5) more" : ""
            return "\(paths.count == 1 ? "field" : "fields") changed in git: \(shown)\(more)"
        }
    }

    private struct Key: Hashable {
        var kind: DeclarationKind
        var name: String
    }

    public static func plan(desired: [CanonicalObject], live: [CanonicalObject], facts: LiveFacts,
                            liveFingerprint: String, desiredFingerprint: String, source: PlanSource,
                            now: Date) -> Plan {
        var liveByKey: [Key: CanonicalObject] = [:]
        liveByKey.reserveCapacity(live.count)
        for object in live { liveByKey[Key(kind: object.kind, name: object.name)] = object }
        var desiredKeys = Set<Key>()
        desiredKeys.reserveCapacity(desired.count)

        var upserts: [Change] = []
        for object in desired {
            let key = Key(kind: object.kind, name: object.name)
            guard desiredKeys.insert(key).inserted else { continue }
            if let current = liveByKey[key] {
                guard current != object else { continue }
                let fields = FieldDiff.changes(before: current, after: object)
                upserts.append(Change(action: .update, kind: object.kind, name: object.name, fields: fields,
                                      reasons: [Reason.update(fields.map(\.path))], after: object))
            } else {
                upserts.append(Change(action: .create, kind: object.kind, name: object.name,
                                      fields: FieldDiff.changes(before: nil, after: object),
                                      reasons: [Reason.create], after: object))
            }
        }
        var deletes: [Change] = []
        var deletedKeys = Set<Key>()
        for object in live {
            let key = Key(kind: object.kind, name: object.name)
            guard !desiredKeys.contains(key), deletedKeys.insert(key).inserted else { continue }
            deletes.append(Change(action: .delete, kind: object.kind, name: object.name,
                                  fields: FieldDiff.changes(before: object, after: nil),
                                  reasons: [Reason.delete], after: nil))
        }

        DestructiveRules.markRepositoryDeletions(&deletes, desired: desired, facts: facts)
        DestructiveRules.markAdminRemoval(upserts: &upserts, deletes: &deletes, desired: desired, live: live)

        func precedes(_ a: Change, _ b: Change, reversed: Bool) -> Bool {
            let ra = rank[a.kind]!, rb = rank[b.kind]!
            if ra != rb { return reversed ? ra > rb : ra < rb }
            return ConfigValue.keyPrecedes(a.name, b.name)
        }
        upserts.sort { precedes($0, $1, reversed: false) }
        deletes.sort { precedes($0, $1, reversed: true) }

        let createdAt = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down))
        return Plan(createdAt: createdAt, source: source, liveFingerprint: liveFingerprint,
                    desiredFingerprint: desiredFingerprint, changes: upserts + deletes)
    }
}
