import Foundation
import OCI
import TestSupport
import Testing

/// `berth migrate` moves an embedded registry onto PostgreSQL and S3: a replica on the copy serves the same images, with
/// the same audit chain, byte for byte.
@Suite("berth migrate", .timeLimit(.minutes(5)))
struct MigrateTests {
    @Test("a migrated registry serves the same images and the same audit chain from PostgreSQL and S3")
    func migratedRegistryServesTheSame() async throws {
        try await withTemporaryDirectory("migrate") { tmp in
            let cluster = try await ScaleOutCluster.make(in: tmp.url, creatingBucket: false)
            try cluster.declare(immutableTags: ["v*"])
            let data = tmp.url.appendingPathComponent("embedded")
            var pushed: [(repository: String, tag: String, manifest: [UInt8], layer: [UInt8])] = []
            let embedded = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url,
                                                        extraArguments: ["--declarations", cluster.declarations.path, "--interval", "1s"])
            let chainBefore: [UInt8]
            do {
                try await RegistryClient.with(baseURL: embedded.baseURL, authorization: embedded.adminAuthorization) { client in
                    for (repository, tag) in [("team/app", "v1"), ("team/app", "latest"), ("team/other", "v2")] {
                        let layer = randomLayer(64 << 10)
                        let image = try await client.pushImage(repository, tag: tag, layer: layer)
                        pushed.append((repository, tag, image.bytes, layer))
                    }
                }
                chainBefore = try await auditChain(of: embedded)
                await embedded.stop()
            } catch {
                await embedded.stop()
                throw error
            }

            let migrate = try await runCommand(TestEnvironment.berthBinary, ["migrate", "--from", data.path, "--to-metadata", cluster.metadata,
                                                                             "--to-blobs", cluster.blobs, "--blobs-credentials-file",
                                                                             cluster.credentialsFile.path])
            let output = String(decoding: migrate.stdout, as: UTF8.self) + String(decoding: migrate.stderr, as: UTF8.self)
            try #require(migrate.succeeded, "berth migrate: \(output)")
            #expect(output.contains("fsck of the copy") && output.contains(": clean"), "\(output)")
            let again = try await runCommand(TestEnvironment.berthBinary, ["migrate", "--from", data.path, "--to-metadata", cluster.metadata,
                                                                           "--to-blobs", cluster.blobs, "--blobs-credentials-file",
                                                                           cluster.credentialsFile.path])
            #expect(!again.succeeded && String(decoding: again.stderr, as: UTF8.self).contains("migrate into empty stores only"),
                    "a second migration into the same stores is refused")

            let replica = try await BerthProcess.start(dataDirectory: tmp.url.appendingPathComponent("replica"), logDirectory: tmp.url,
                                                       extraArguments: cluster.storeArguments)
            do {
                try await RegistryClient.with(baseURL: replica.baseURL, authorization: replica.adminAuthorization) { client in
                    for image in pushed {
                        let manifest = try await client.getManifest(image.repository, reference: image.tag)
                        #expect(manifest.status == 200 && manifest.body == image.manifest, "\(image.repository):\(image.tag) served from the copy")
                        let layer = try await client.getBlob(image.repository, digest: Digest.compute(image.layer).description)
                        #expect(layer.status == 200 && layer.body == image.layer, "\(image.repository) layer served from S3")
                    }
                    // The configuration came along: v* tags are still immutable.
                    let moved = try await client.request(.PUT, "/v2/team/app/manifests/v1", headers: [("Content-Type", MediaType.ociManifest)],
                                                         body: pushed[1].manifest)
                    #expect(moved.status == 403, "the migrated tier still fixes v1: \(moved.status)")
                }
                // The copied chain is the embedded one, line for line, continued by the replica's own records.
                let chainAfter = try await auditChain(of: replica)
                #expect(Array(chainAfter.prefix(chainBefore.count)) == chainBefore, "the audit chain was copied byte for byte")
                #expect(chainAfter.count > chainBefore.count, "the replica continues the chain")
                await replica.stop()
                try await verifySharedChain(cluster)
            } catch {
                Issue.record("replica log:\n\(replica.logTail())")
                await replica.stop()
                throw error
            }
        }
    }

    /// `berth audit verify` on the shared stores finds the chain intact, its checkpoints signed by the shared key; after
    /// one record is edited in PostgreSQL behind Berth's back, it names the chain broken.
    private func verifySharedChain(_ cluster: ScaleOutCluster) async throws {
        let verify = ["audit", "verify"] + cluster.storeArguments
        let intact = try await runCommand(TestEnvironment.berthBinary, verify)
        let intactOutput = String(decoding: intact.stdout + intact.stderr, as: UTF8.self)
        #expect(intact.succeeded && intactOutput.contains("audit log intact") && !intactOutput.contains(" 0 checkpoint(s)"), "\(intactOutput)")

        let schema = try #require(URLComponents(string: cluster.metadata)?.queryItems?.first { $0.name == "schema" }?.value)
        let postgres = try await RealServers.postgres()
        let edit = try await runCommand(URL(fileURLWithPath: "/usr/bin/psql"), [postgres.url, "-v", "ON_ERROR_STOP=1", "-c", """
            UPDATE "\(schema)".audit_records SET line = convert_to(replace(convert_from(line, 'UTF8'), 'team/app', 'team/apq'), 'UTF8')
            WHERE sequence = (SELECT min(sequence) FROM "\(schema)".audit_records WHERE convert_from(line, 'UTF8') LIKE '%team/app%')
            """])
        try #require(edit.succeeded, "psql: \(String(decoding: edit.stderr, as: UTF8.self))")
        let broken = try await runCommand(TestEnvironment.berthBinary, verify)
        let brokenOutput = String(decoding: broken.stdout + broken.stderr, as: UTF8.self)
        #expect(broken.status == 1 && !broken.signaled && brokenOutput.contains("audit log NOT intact"), "\(brokenOutput)")
    }

    /// Every audit line the server holds, as stored (the admin API answers lines exactly as stored).
    private func auditChain(of server: BerthProcess) async throws -> [UInt8] {
        try await RegistryClient.with(baseURL: server.baseURL, authorization: server.adminAuthorization) { client in
            let answer = try await client.request(.GET, "/admin/v1/audit?since=0&limit=10000")
            try #require(answer.status == 200)
            return answer.body
        }
    }
}
