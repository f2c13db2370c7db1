import Declarations
import Foundation
import Storage

/// The glue between declarations, plans and the live configuration: how a canonical object is stored,
/// how a plan is computed against a live state, and which change set applying it means.
public enum Reconciliation {
    /// Live objects store the whole canonical object as canonical JSON, so equal objects are equal bytes.
    public static func configurationObject(_ object: CanonicalObject) -> ConfigurationObject {
        ConfigurationObject(kind: object.kind.rawValue, name: object.name, spec: object.canonicalJSONString)
    }

    /// A stored object read back as strictly as YAML is loaded; `validatingSpec: false` leaves the spec to a decode of
    /// the whole configuration that follows.
    public static func canonicalObject(_ object: ConfigurationObject, keyChecks: KeyChecks = .structural,
                                       validatingSpec: Bool = true) throws -> CanonicalObject {
        try CanonicalObject(kind: object.kind, name: object.name, canonicalJSON: object.spec, keyChecks: keyChecks,
                            validatingSpec: validatingSpec)
    }

    public static func fingerprint(of desired: DesiredState) -> String {
        ConfigurationObject.fingerprint(of: desired.canonicalObjects().concurrentMap { configurationObject($0) })
    }

    /// The plan that would make the live state match `desired`.
    public static func plan(desired: DesiredState, provenance: Provenance, path: String? = nil, live: LiveState, now: Date = Date()) throws -> Plan {
        let desiredObjects = desired.canonicalObjects()
        let desiredStored = desiredObjects.concurrentMap { configurationObject($0) }
        let desiredFingerprint = ConfigurationObject.fingerprint(of: desiredStored)
        let source = PlanSource(commit: provenance.commit, author: provenance.author, ref: provenance.reference, path: path)
        // Equal fingerprints mean equal objects, byte for byte: nothing to diff.
        if desiredFingerprint == live.fingerprint {
            var plan = Plan(createdAt: Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.down)), source: source,
                            liveFingerprint: live.fingerprint, desiredFingerprint: desiredFingerprint, changes: [])
            plan.expiringExceptions = ExpiringException.within(desired, now: now)
            return plan
        }
        var desiredIndex: [String: Int] = [:]
        desiredIndex.reserveCapacity(desiredStored.count)
        for (index, object) in desiredStored.enumerated() { desiredIndex["\(object.kind)/\(object.name)"] = index }
        // A live object stored with the same bytes as its declaration is that declaration: reuse it rather
        // than decode it, so an unchanged registry costs a string comparison per object.
        var unreadable: [String: String] = [:]
        let liveObjects = try live.objects.map { object in
            if let index = desiredIndex["\(object.kind)/\(object.name)"], desiredStored[index].spec == object.spec {
                return desiredObjects[index]
            }
            do {
                return try canonicalObject(object)
            } catch {
                // Stored, but not readable as strictly as declarations load (stored before reads were strict, or edited
                // in the database). The plan compares what is stored: it rewrites the object from its declaration, or
                // prunes it. The stand-in's spec is no object, so it never equals a declaration.
                guard let kind = DeclarationKind(rawValue: object.kind) else {
                    throw ReconciliationError("live object \(object.kind)/\(object.name) is of no known kind")
                }
                unreadable["\(object.kind)/\(object.name)"] = "\(error)"
                return CanonicalObject(kind: kind, name: object.name, spec: .string("unreadable"))
            }
        }
        var plan = Planner.plan(
            desired: desiredObjects, live: liveObjects, facts: LiveFacts(imageCounts: live.imageCounts),
            liveFingerprint: live.fingerprint, desiredFingerprint: desiredFingerprint, source: source, now: now)
        for index in plan.changes.indices {
            if let problem = unreadable[plan.changes[index].id] {
                plan.changes[index].reasons.append("the stored object cannot be read back: \(problem)")
            }
        }
        plan.expiringExceptions = ExpiringException.within(desired, now: now)
        return plan
    }

    /// The plan with what it would do to stored images, as the registry behind `admin` computes it.
    public static func withConsequences(_ plan: Plan, from admin: any AdminEndpoint) async throws -> Plan {
        guard !plan.isEmpty else { return plan }
        var plan = plan
        let consequences = try await admin.consequences(of: changes(of: plan))
        plan.consequences = consequences.images
        plan.quotaWarnings = consequences.quotas
        plan.retention = consequences.retention
        plan.unmatchedExceptions = consequences.unmatchedExceptions
        return plan
    }

    /// The change set that applies `plan`, in the plan's order.
    public static func changes(of plan: Plan) -> [ConfigurationChange] {
        plan.changes.compactMap { change in
            switch change.action {
            case .create, .update: change.after.map { .put(configurationObject($0)) }
            case .delete: .delete(kind: change.kind.rawValue, name: change.name)
            }
        }
    }

    /// Applies a plan through the admin endpoint. Refused when the live state is no longer the one the plan was
    /// made against, or when it is destructive and `allowDestroy` is false; in both cases nothing changes.
    public static func apply(_ plan: Plan, through admin: any AdminEndpoint, allowDestroy: Bool, actor: String = "reconciler") async throws -> ConfigurationRevision? {
        guard !plan.isEmpty else { return nil }
        if plan.hasDestructiveChanges, !allowDestroy {
            throw ReconciliationError(
                "the plan has destructive changes (\(plan.destructiveChanges.map(\.id).joined(separator: ", "))); re-run with --allow-destroy to apply them")
        }
        let summary = "\(plan.summary.create) to create, \(plan.summary.update) to update, \(plan.summary.delete) to delete"
        // A destructive Repository deletion (allowed above) takes the images no other declaration governs with it.
        let pruning = plan.changes.filter { $0.kind == .repository && $0.action == .delete && $0.destructive }.map(\.name)
        return try await admin.apply(
            changes(of: plan), expectedFingerprint: plan.liveFingerprint,
            source: ConfigurationSource(actor: actor, commit: plan.source.commit, author: plan.source.author, summary: summary,
                                        plan: PlanRenderer.text(plan)),
            pruning: pruning)
    }
}

public struct ReconciliationError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// A change set refused before anything was written: applying it would leave a configuration the registry cannot
/// read back. The admin API answers it with 400.
public struct InvalidChangeSet: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}
