import Foundation

/// The untagged grace at one instant.
struct GraceClock {
    let now: Date
    let grace: TimeInterval

    /// Strictly longer than the grace: a manifest exactly at the grace still has it.
    func isPast(_ date: Date) -> Bool { now.timeIntervalSince(date) > grace }

    var untaggedText: String { "untagged for more than \(DurationText.of(grace))" }
}
