/// A login as the throttle counts it: what one replica tells the others, so that a lock earned on one holds on all.
public enum LoginOutcome: Sendable, Hashable {
    /// `identity` is nil when the attempt named none.
    case failed(identity: String?, address: String)
    case succeeded(identity: String)
}
