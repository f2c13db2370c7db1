import Reconciler
import Foundation
import Logging

import Storage
import Testing

@Suite struct ReconcileLoopTests {
    struct Rig {
        let repository: GitFixture
        let data: URL
        let admin: LocalAdmin
        let status = ReconcileStatusBoard()

        init() throws {
            repository = try GitFixture()
            try repository.copyExamples(from: DeclarationReaderTests.examples, into: "registry")
            try repository.commit("examples")
            data = FileManager.default.temporaryDirectory.appendingPathComponent("berth-loop-\(UUID().uuidString)")
            let metadata = try EmbeddedStores(dataDirectory: data).metadata
            admin = LocalAdmin(configuration: metadata, metadata: metadata)
        }

        func loop(reportOnly: Bool = false, allowDestroy: Bool = false, trust: CommitTrust? = nil) -> ReconcileLoop {
            var logger = Logger(label: "berth-test")
            logger.logLevel = .critical
            return ReconcileLoop(
                options: .init(source: .git(url: repository.path, ref: "main", path: "registry"), interval: .seconds(3600),
                               reportOnly: reportOnly, allowDestroy: allowDestroy, trust: trust),
                reader: DeclarationReader(cacheDirectory: data.appendingPathComponent("git-cache")),
                admin: admin, status: status, logger: logger)
        }

        func remove() {
            repository.remove()
            try? FileManager.default.removeItem(at: data)
        }
    }

    @Test func appliesTheHeadCommitThenStaysInSync() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let loop = rig.loop()
        await loop.reconcile()
        var status = await rig.status.current
        #expect(status.condition("Ready")?.status == "True")
        #expect(status.condition("Ready")?.reason == "Applied")
        #expect(status.lastAppliedCommit == (try rig.repository.git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)))
        let revisions = try await rig.admin.revisions(limit: 10)
        #expect(revisions.count == 1)
        #expect(revisions.first?.source.actor == "reconciler")
        #expect(revisions.first?.source.author == "Platform Team <platform@example.com>")

        // Same commit, no revision since: the fast path confirms the state without planning.
        await loop.reconcile()
        status = await rig.status.current
        #expect(status.condition("Ready")?.status == "True")
        #expect(status.reconciliations == 2)
        #expect(try await rig.admin.revisions(limit: 10).count == 1)

        // A fresh loop (as after a restart) has no fast path: it plans, finds nothing to do.
        let restarted = rig.loop()
        await restarted.reconcile()
        status = await rig.status.current
        #expect(status.condition("Ready")?.reason == "InSync")
        #expect(try await rig.admin.revisions(limit: 10).count == 1)
    }

    @Test func driftIsDetectedReportedAndReverted() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let loop = rig.loop()
        await loop.reconcile()
        let applied = try await rig.admin.liveState()
        let tier = try #require(applied.objects.first { $0.kind == "Tier" })
        _ = try await rig.admin.apply([.delete(kind: tier.kind, name: tier.name)], expectedFingerprint: nil,
                                      source: ConfigurationSource(actor: "admin-api", summary: "hand edit"))
        await loop.reconcile()
        let status = await rig.status.current
        #expect(status.driftDetections == 1)
        #expect(status.condition("Drifted")?.reason == "Reverted")
        #expect(status.condition("Drifted")?.message.contains("\(tier.kind)/\(tier.name)") == true)
        #expect(try await rig.admin.liveState().fingerprint == applied.fingerprint)
        #expect(status.condition("Ready")?.status == "True")
    }

    @Test func reportOnlyDetectsDriftButChangesNothing() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        await rig.loop().reconcile()
        let applied = try await rig.admin.liveState()
        let object = try #require(applied.objects.first { $0.kind == "Team" })
        let drifted = try await rig.admin.apply([.delete(kind: object.kind, name: object.name)], expectedFingerprint: nil,
                                                source: ConfigurationSource(actor: "admin-api", summary: "hand edit"))
        let reporter = rig.loop(reportOnly: true)
        await reporter.reconcile()
        var status = await rig.status.current
        #expect(status.condition("Drifted")?.status == "True")
        #expect(status.drift == ["\(object.kind)/\(object.name)"])
        #expect(status.condition("Ready")?.reason == "ChangesPending")
        #expect(try await rig.admin.liveState().fingerprint == drifted.fingerprintAfter)
        // Still reported at the next step, and counted once.
        await reporter.reconcile()
        status = await rig.status.current
        #expect(status.condition("Drifted")?.status == "True")
        #expect(status.driftDetections == 1)
    }

    @Test func anInvalidCommitChangesNothingAndTheLastGoodStateStays() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let loop = rig.loop()
        await loop.reconcile()
        let good = try await rig.admin.liveState().fingerprint
        try rig.repository.write("registry/broken.yaml", "apiVersion: berth.dev/v1alpha1\nkind: Team\nmetadata: {name: ghosts}\nspec: {members: [nobody]}\n")
        try rig.repository.commit("broken")
        await loop.reconcile()
        let status = await rig.status.current
        #expect(status.condition("Ready")?.status == "False")
        #expect(status.condition("Ready")?.reason == "ValidationFailed")
        #expect(status.condition("Ready")?.message.contains("registry/broken.yaml:4:") == true)
        #expect(status.failures == 1)
        #expect(try await rig.admin.liveState().fingerprint == good)
    }

    @Test func destructiveChangesWaitForAnExplicitOptIn() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        await rig.loop().reconcile()
        let before = try await rig.admin.liveState().fingerprint
        // Remove every binding: the plan then removes every admin.
        for file in try FileManager.default.subpathsOfDirectory(atPath: rig.repository.directory.appendingPathComponent("registry").path)
        where file.hasSuffix(".yaml") {
            let path = rig.repository.directory.appendingPathComponent("registry/\(file)")
            let text = try String(contentsOf: path, encoding: .utf8)
            let kept = text.components(separatedBy: "\n---").filter { !$0.contains("kind: RoleBinding") }
            try kept.joined(separator: "\n---").write(to: path, atomically: true, encoding: .utf8)
        }
        try rig.repository.commit("drop every binding")
        await rig.loop().reconcile()
        var status = await rig.status.current
        #expect(status.condition("Ready")?.reason == "ApplyFailed")
        #expect(status.condition("Ready")?.message.contains("--allow-destroy") == true)
        #expect(try await rig.admin.liveState().fingerprint == before)

        await rig.loop(allowDestroy: true).reconcile()
        status = await rig.status.current
        #expect(status.condition("Ready")?.reason == "Applied")
        #expect(try await rig.admin.liveState().objects.allSatisfy { $0.kind != "RoleBinding" })
    }

    @Test func unsignedCommitsAreRefusedWhenTrustIsRequired() async throws {
        let rig = try Rig()
        defer { rig.remove() }
        let keys = rig.data.appendingPathComponent("trusted")
        try "ci@example.com namespaces=\"git\" ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJ4GnWlTHRzMsYTahV7Ffqzlj4aE4WJGEYjZz/F0E0hW\n"
            .write(to: keys, atomically: true, encoding: .utf8)
        await rig.loop(trust: try CommitTrust(trustedKeysFile: keys.path)).reconcile()
        let status = await rig.status.current
        #expect(status.condition("SourceVerified")?.status == "False")
        #expect(status.condition("Ready")?.reason == "UntrustedCommit")
        #expect(status.condition("Ready")?.message.contains("is not signed") == true)
        #expect(try await rig.admin.liveState().objects.isEmpty)
    }
}
