import Console
import Declarations
import Foundation
import Reconciler
import Storage

/// Every repository in brief, with its size and tier: what the overview and the repository list filter per viewer.
/// Reading it from the store takes tens of milliseconds at ten thousand repositories, so it is kept here and read
/// again in the background once it is older than ``maximumAge``: a page shows a push within seconds, and no page waits
/// for the store but the very first.
actor ConsoleCatalog {
    struct Entry: Sendable {
        var summary: RepositorySummary
        var bytes: Int64
        var tier: String?
    }

    static let maximumAge: TimeInterval = 5

    private let admin: LocalAdmin
    private var entries: [Entry]?
    private var readAt = Date.distantPast
    private var reading: Task<[Entry], any Error>?

    init(admin: LocalAdmin) { self.admin = admin }

    func current(now: Date = Date()) async throws -> [Entry] {
        if let entries {
            if now.timeIntervalSince(readAt) > Self.maximumAge, reading == nil { startReading() }
            return entries
        }
        return try await (reading ?? startReading()).value
    }

    @discardableResult
    private func startReading() -> Task<[Entry], any Error> {
        let admin = self.admin
        let task = Task {
            let declarations = try await admin.liveDeclarations()
            let usage = try await admin.metadata.usage()
            return try await admin.metadata.repositorySummaries().map { summary in
                Entry(summary: summary, bytes: usage[summary.name] ?? 0, tier: declarations.effectivePolicy(for: summary.name.value)?.tier.name)
            }
        }
        reading = task
        Task {
            let result = try? await task.value
            self.finishedReading(result)
        }
        return task
    }

    private func finishedReading(_ result: [Entry]?) {
        if let result {
            entries = result
            readAt = Date()
        }
        reading = nil
    }
}
