/// What the reconcile loop found about changes made outside git, for the audit log.
public enum DriftEvent: Sendable, Hashable {
    /// Revisions by `by` (anyone but the reconciler) changed `objects` (as the plan that reverts them names them).
    case detected(objects: [String], by: [String], revisions: [Int64])
    /// The reconciler applied `commit` as `revision`, which changed `objects` back.
    case reverted(objects: [String], commit: String?, revision: Int64?)
}
