import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Process-level behaviour of `berth serve` / `berth fsck`.
@Suite("berth process lifecycle", .timeLimit(.minutes(5)))
struct LifecycleTests {
    @Test("listening line parser")
    func parsesListeningLine() {
        let url = BerthProcess.parseListeningLine("some log\nlistening on http://127.0.0.1:41234\n")
        #expect(url?.port == 41234)
        #expect(url?.host == "127.0.0.1")
        #expect(BerthProcess.parseListeningLine("listening soon\n") == nil)
    }

    @Test("two servers on port 0 get distinct ports and answer GET /v2/")
    func twoServersAnswerV2() async throws {
        try await withTemporaryDirectory("ports") { tmp in
            try await withBerth(dataDirectory: tmp.url.appendingPathComponent("a"), logDirectory: tmp.url) { a in
                try await withBerth(dataDirectory: tmp.url.appendingPathComponent("b"), logDirectory: tmp.url) { b in
                    #expect(a.port != b.port)
                    for server in [a, b] {
                        try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                            let v2 = try await client.request(.GET, "/v2/")
                            #expect(v2.status == 200, "GET /v2/:\n\(v2)")
                        }
                    }
                }
            }
        }
    }

    @Test("SIGTERM shuts down cleanly (exit 0); data survives the restart; fsck is clean")
    func gracefulRestart() async throws {
        try await withTemporaryDirectory("restart") { tmp in
            let data = tmp.url.appendingPathComponent("data")
            let (layout, image) = try await Fixtures.singleArch(in: tmp)

            let first = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url)
            let skopeo = try Skopeo(workDirectory: tmp.url, server: first)
            try await skopeo.succeed(["copy", "--preserve-digests", "--dest-tls-verify=false",
                                      "oci:\(layout.path):v1", "docker://\(first.host)/team/app:v1"], "push")
            first.kill(signal: SIGTERM)
            let termination = await first.waitForExit(timeout: .seconds(15))
            #expect(termination != nil, "server did not exit within 15 s of SIGTERM\n\(first.logTail())")
            if let termination {
                #expect(!termination.signaled && termination.status == 0,
                        "SIGTERM should end the server cleanly, got \(termination)\n\(first.logTail())")
            }

            let fsck = try await runFsck(dataDirectory: data)
            #expect(fsck.succeeded, "fsck after a clean shutdown:\n\(fsck.summary)")

            try await withBerth(dataDirectory: data, logDirectory: tmp.url) { second in
                let skopeo = try Skopeo(workDirectory: tmp.url, server: second)
                let raw = try await skopeo.succeed(["inspect", "--raw", "--tls-verify=false",
                                                    "docker://\(second.host)/team/app:v1"], "inspect after restart")
                #expect(raw.stdout == image.manifestBytes)
                let out = tmp.url.appendingPathComponent("pulled")
                try await skopeo.succeed(["copy", "--src-tls-verify=false", "docker://\(second.host)/team/app:v1",
                                          "oci:\(out.path):v1"], "pull after restart")
                try expectSameImage(source: layout, sourceTag: "v1", copy: out, copyTag: "v1")
            }
        }
    }

    @Test("fsck detects a corrupted blob")
    func fsckDetectsCorruption() async throws {
        try await withTemporaryDirectory("fsck-corrupt") { tmp in
            let data = tmp.url.appendingPathComponent("data")
            let blob = randomData(count: 40_000)
            let digest = sha256Digest(blob)
            try await withBerth(dataDirectory: data, logDirectory: tmp.url) { server in
                try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await client.pushBlob(Array(blob), to: "team/fsck", mode: .postThenPut)
                }
            }
            let clean = try await runFsck(dataDirectory: data)
            #expect(clean.succeeded, "fsck of an intact store:\n\(clean.summary)")

            // Find the file that holds the blob's bytes, wherever the storage layout keeps it, and flip a byte.
            let hex = String(digest.dropFirst("sha256:".count))
            let candidates = try filesContaining(blob, under: data)
            try #require(!candidates.isEmpty,
                         "could not find the blob's bytes (\(hex)) stored verbatim under \(data.path)")
            for file in candidates {
                var bytes = try Data(contentsOf: file)
                bytes[bytes.startIndex + 1000] ^= 0xFF
                try bytes.write(to: file)
            }
            let corrupt = try await runFsck(dataDirectory: data)
            #expect(!corrupt.succeeded, """
                fsck passed although \(candidates.map(\.path)) (blob \(digest)) was corrupted:
                \(corrupt.summary)
                """)
            #expect(corrupt.stdoutString.contains(hex) || corrupt.stderrString.contains(hex),
                    "fsck's report should name the bad blob \(digest):\n\(corrupt.summary)")
        }
    }
}

/// Regular files under `root` whose contents equal `bytes`.
private func filesContaining(_ bytes: Data, under root: URL) throws -> [URL] {
    guard let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey,
                                                                                            .fileSizeKey]) else {
        return []
    }
    var found: [URL] = []
    for case let url as URL in walker {
        let values = try url.resourceValues(forKeys: [.isRegularFileKey, .fileSizeKey])
        guard values.isRegularFile == true, values.fileSize == bytes.count else { continue }
        if try Data(contentsOf: url) == bytes { found.append(url) }
    }
    return found
}
