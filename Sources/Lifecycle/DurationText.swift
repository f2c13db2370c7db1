import Foundation

/// A duration in a reason, in the units declarations use: `45s`, `30m`, `24h`, `7d`.
enum DurationText {
    /// The largest unit that divides it exactly; a single day reads as `24h`, as grace periods are usually written.
    static func of(_ interval: TimeInterval) -> String {
        let seconds = Int(interval.rounded())
        if seconds >= 2 * 86_400 && seconds % 86_400 == 0 { return "\(seconds / 86_400)d" }
        if seconds >= 3_600 && seconds % 3_600 == 0 { return "\(seconds / 3_600)h" }
        if seconds >= 60 && seconds % 60 == 0 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
