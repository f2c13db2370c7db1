import Foundation

extension Duration {
    /// Seconds as a `TimeInterval`, for arithmetic with the `Date`s that callers pass in
    /// (time is always passed in, so tests never sleep).
    var timeInterval: TimeInterval {
        let (seconds, attoseconds) = components
        return TimeInterval(seconds) + TimeInterval(attoseconds) / 1e18
    }
}
