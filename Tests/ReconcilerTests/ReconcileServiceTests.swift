import Foundation
import Logging
import Reconciler
import ServiceLifecycle
import Storage
import Testing

/// The reconcile loop as a service: a graceful shutdown ends the wait between steps, never a step.
@Suite struct ReconcileServiceTests {
    /// An admin endpoint whose `apply` holds until the test lets it go, and says when it started. Holding is
    /// cancellation-aware, so an apply cut off by the shutdown would end without writing.
    final class HeldApply: AdminEndpoint {
        let inner: LocalAdmin
        let started: AsyncStream<Void>
        private let startedContinuation: AsyncStream<Void>.Continuation
        private let release: AsyncStream<Void>
        let releaseContinuation: AsyncStream<Void>.Continuation

        init(_ inner: LocalAdmin) {
            self.inner = inner
            (started, startedContinuation) = AsyncStream.makeStream()
            (release, releaseContinuation) = AsyncStream.makeStream()
        }

        func liveState() async throws -> LiveState { try await inner.liveState() }
        func configurationFingerprint() async throws -> String { try await inner.configurationFingerprint() }
        func revisions(limit: Int) async throws -> [ConfigurationRevision] { try await inner.revisions(limit: limit) }
        func consequences(of changes: [ConfigurationChange]) async throws -> PlanConsequences { try await inner.consequences(of: changes) }

        func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource,
                   pruning: [String]) async throws -> ConfigurationRevision {
            startedContinuation.yield()
            var iterator = release.makeAsyncIterator()
            guard await iterator.next() != nil else { throw CancellationError() }
            return try await inner.apply(changes, expectedFingerprint: expectedFingerprint, source: source, pruning: pruning)
        }
    }

    @Test func aGracefulShutdownLetsTheApplyInProgressFinish() async throws {
        let rig = try ReconcileLoopTests.Rig()
        defer { rig.remove() }
        let held = HeldApply(rig.admin)
        var logger = Logger(label: "berth-test")
        logger.logLevel = .critical
        let loop = ReconcileLoop(
            options: .init(source: .git(url: rig.repository.path, ref: "main", path: "registry"), interval: .seconds(3600)),
            reader: DeclarationReader(cacheDirectory: rig.data.appendingPathComponent("git-cache")),
            admin: held, status: rig.status, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [loop], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            var started = held.started.makeAsyncIterator()
            _ = await started.next()
            await group.triggerGracefulShutdown()
            held.releaseContinuation.yield()
            try await tasks.waitForAll()
        }
        #expect(try await rig.admin.revisions(limit: 10).count == 1, "the apply in progress at shutdown landed")
        let status = await rig.status.current
        #expect(status.condition("Ready")?.reason == "Applied", "\(status)")
        #expect(status.reconciliations == 1, "no step started after the shutdown")
    }
}
