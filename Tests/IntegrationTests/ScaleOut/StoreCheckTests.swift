import Foundation
import S3Storage
import TestSupport
import Testing

/// `berth serve` on a bucket it cannot use stops at once, in S3's own words, instead of starting and failing every push.
@Suite("scale-out stores checked at start", .timeLimit(.minutes(5)))
struct StoreCheckTests {
    @Test("a missing bucket, then a wrong secret, stop the start with S3's answer and never the secret")
    func unusableBucketsStopTheStart() async throws {
        try await withTemporaryDirectory("store-check") { tmp in
            let cluster = try await ScaleOutCluster.make(in: tmp.url, creatingBucket: false)
            func serve(_ credentialsFile: URL) async throws -> (result: CommandResult, output: String) {
                let arguments = ["serve", "--listen", "127.0.0.1:0", "--data", tmp.url.appendingPathComponent("data").path,
                                 "--metadata", cluster.metadata, "--blobs", cluster.blobs, "--blobs-credentials-file", credentialsFile.path]
                let result = try await runCommand(TestEnvironment.berthBinary, arguments, environment: ["BERTH_ADMIN_PASSWORD": "unused"],
                                                  timeout: .seconds(90))
                return (result, String(decoding: result.stdout + result.stderr, as: UTF8.self))
            }

            let missing = try await serve(cluster.credentialsFile)
            #expect(!missing.result.succeeded && !missing.result.signaled, "\(missing.output)")
            #expect(missing.output.contains("NoSuchBucket") && missing.output.contains(cluster.blobs.prefix { $0 != "?" }), "\(missing.output)")

            let s3 = try await RealServers.s3()
            let store = try S3BlobStore(address: try S3Address(cluster.blobs), credentials: S3Credentials(accessKeyID: s3.accessKey, secretAccessKey: s3.secretKey))
            try await store.createBucketIfMissing()
            try await store.shutdown()
            let wrongSecret = "wrong-\(UUID().uuidString)"
            let wrongFile = tmp.url.appendingPathComponent("wrong-credentials")
            try Data("access_key_id=\(s3.accessKey)\nsecret_access_key=\(wrongSecret)\n".utf8).write(to: wrongFile)
            let refused = try await serve(wrongFile)
            #expect(!refused.result.succeeded && !refused.result.signaled, "\(refused.output)")
            #expect(refused.output.contains("SignatureDoesNotMatch"), "\(refused.output)")
            #expect(!refused.output.contains(wrongSecret))
            #expect(!refused.output.contains(s3.secretKey))
        }
    }
}
