/// How long to wait after a failed delivery before the next attempt: `initialDelay`, doubled after each further failure,
/// at most `maximumDelay`, less a random part so targets that failed together do not retry in step.
public struct WebhookRetryPolicy: Sendable, Hashable {
    public var initialDelay: Duration
    public var maximumDelay: Duration
    /// The largest fraction of a delay taken off at random, from 0 (none) to 1.
    public var jitter: Double

    public init(initialDelay: Duration = .seconds(1), maximumDelay: Duration = .seconds(300), jitter: Double = 0.2) {
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The wait after the `failures`th failure in a row (from 1). A receiver's `Retry-After` is waited out when longer,
    /// up to `maximumDelay`, since a delivery held back longer than that is retried anyway.
    public func delay(afterFailures failures: Int, retryAfter: Duration? = nil) -> Duration {
        let doublings = min(max(failures - 1, 0), 62)
        let backoff = min(Self.seconds(initialDelay) * Double(sign: .plus, exponent: doublings, significand: 1), Self.seconds(maximumDelay))
        let jittered = backoff * (1 - jitter * Double.random(in: 0..<1))
        let asked = retryAfter.map { min(Self.seconds($0), Self.seconds(maximumDelay)) } ?? 0
        return .seconds(max(jittered, asked))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
