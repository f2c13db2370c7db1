import Foundation
import ArgumentParser
import AsyncHTTPClient
import Crypto
import NIOCore
import WireFormats

@main
struct BerthBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "berth-bench",
        abstract: "Load client for OCI Distribution v1.1 registries (Berth vs. the CNCF reference registry).",
        discussion: """
            Every subcommand prints exactly one JSON result line on stdout. Errors (including any \
            unexpected HTTP status, printed with its body) go to stderr and exit non-zero.
            """,
        subcommands: [
            PushBlob.self, PullBlob.self, SmallBlobs.self, Manifests.self, ManifestLatency.self, PrepareHot.self, ScanLayer.self,
            VulnDBImport.self, VulnDBMatch.self, Rescan.self, AuditAppend.self, SeedConsole.self,
        ]
    )
}

// MARK: - Shared plumbing

struct CommonOptions: ParsableArguments {
    @Option(help: "Registry base URL, e.g. http://127.0.0.1:5000")
    var url: String

    @Option(help: "Repository name, e.g. bench/blobs")
    var repo: String

    @Option(help: "USER:PASSWORD sent with HTTP Basic on every request")
    var credentials: String?
}

/// One result line.
struct BenchResult {
    var scenario: String
    var seconds: Double
    var bytes: Int64
    var ops: Int
    /// Extra fields, values already JSON-encoded.
    var extra: [(String, String)] = []

    func json() -> String {
        let s = max(seconds, 1e-9)
        var fields: [(String, String)] = [
            ("scenario", jsonString(scenario)),
            ("seconds", num(seconds)),
            ("bytes", String(bytes)),
            ("ops", String(ops)),
            ("ops_per_sec", num(Double(ops) / s)),
            ("mib_per_sec", num(Double(bytes) / s / 1_048_576)),
            ("mb_per_sec", num(Double(bytes) / s / 1_000_000)),
        ]
        fields += extra
        return "{" + fields.map { "\(jsonString($0.0)):\($0.1)" }.joined(separator: ",") + "}"
    }

    func emit() { print(json()) }
}

func num(_ x: Double) -> String {
    guard x.isFinite else { return "null" }
    return String((x * 1000).rounded() / 1000)
}

func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
        switch u {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            if u.value < 0x20 {
                out += "\\u00" + Hex.string([UInt8(u.value)])
            } else {
                out.unicodeScalars.append(u)
            }
        }
    }
    return out + "\""
}

/// Runs `body` with a registry client whose pool allows `connections` concurrent HTTP/1.1
/// connections to the host; always shuts the client down.
func withRegistry<T: Sendable>(
    _ options: CommonOptions, connections: Int = 4, _ body: (RegistryClient) async throws -> T
) async throws -> T {
    var config = HTTPClient.Configuration(
        redirectConfiguration: .follow(max: 5, allowCycles: false),
        timeout: .init(connect: .seconds(10), read: .seconds(300))
    )
    config.connectionPool = .init(
        idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: max(connections, 1))
    config.httpVersion = .http1Only
    config.decompression = .disabled
    let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: config)
    let registry = RegistryClient(http: http, base: options.url, repo: options.repo,
                                  authorization: options.credentials.map { "Basic " + Data($0.utf8).base64EncodedString() })
    do {
        let result = try await body(registry)
        try await http.shutdown()
        return result
    } catch {
        try? await http.shutdown()
        throw error
    }
}

/// Wall-clock seconds taken by `body`.
func timed(_ body: () async throws -> Void) async rethrows -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    try await body()
    let d = clock.now - start
    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
}

/// Runs `op(0..<count)` with `concurrency` workers (worker w takes w, w+N, w+2N, …).
func runConcurrently(
    count: Int, concurrency: Int, _ op: @escaping @Sendable (Int) async throws -> Void
) async throws {
    let workers = max(1, min(concurrency, count))
    try await withThrowingTaskGroup(of: Void.self) { group in
        for w in 0..<workers {
            group.addTask {
                var i = w
                while i < count {
                    try await op(i)
                    i += workers
                }
            }
        }
        try await group.waitForAll()
    }
}

/// Fast, seedable PRNG for bulk random payloads (not for security).
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    init() {
        var sys = SystemRandomNumberGenerator()
        state = sys.next()
    }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

func randomBytes(_ count: Int, using rng: inout SplitMix64) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { raw in
        var i = 0
        while i < count {
            var v = rng.next()
            let n = min(8, count - i)
            withUnsafeBytes(of: &v) { src in
                raw.baseAddress!.advanced(by: i).copyMemory(from: src.baseAddress!, byteCount: n)
            }
            i += n
        }
    }
    return out
}

func randomToken() -> String {
    var rng = SystemRandomNumberGenerator()
    return Hex.string(withUnsafeBytes(of: rng.next() as UInt64) { Array($0) })
}

// MARK: - push-blob

struct PushBlob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push-blob",
        abstract: "Push a large file as one blob (monolithic POST+PUT, or chunked PATCHes + PUT).",
        discussion: "The digest is computed in a first pass before the timer starts; only the upload is timed."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "File to upload (streamed, never loaded in memory)")
    var file: String

    @Option(help: "Chunk size in bytes; if set, upload with PATCH chunks then PUT ?digest= with an empty body")
    var chunkSize: Int64?

    @Option(help: "Replace the first 32 bytes with SHA-256(salt) so each run pushes a distinct blob")
    var salt: String?

    func validate() throws {
        if let chunkSize, chunkSize <= 0 { throw ValidationError("--chunk-size must be positive") }
    }

    func run() async throws {
        let blob = try FileBlob(path: file, salt: salt)
        guard blob.size > 0 else { throw BenchError("\(file) is empty") }
        let digest = try await blob.digest()
        let chunkSize = self.chunkSize
        var requests = 0
        let seconds = try await withRegistry(common) { registry in
            var reqs = 0
            let s = try await timed {
                var location = try await registry.startUpload()
                reqs += 1
                if let chunkSize {
                    var offset: Int64 = 0
                    while offset < blob.size {
                        let length = min(chunkSize, blob.size - offset)
                        location = try await registry.patchChunk(
                            location: location, start: offset,
                            body: .stream(blob.chunks(offset: offset, length: length), length: .known(length)),
                            length: length)
                        reqs += 1
                        offset += length
                    }
                    try await registry.finishUpload(location: location, digest: digest, body: nil)
                } else {
                    try await registry.finishUpload(
                        location: location, digest: digest,
                        body: .stream(blob.chunks(offset: 0, length: blob.size), length: .known(blob.size)))
                }
                reqs += 1
            }
            // Untimed sanity check: the registry now has the blob with the right size.
            var head = HTTPClientRequest(url: "\(registry.repoURL)/blobs/\(digest)")
            head.method = .HEAD
            let resp = try await registry.execute(head, expect: [200])
            if let len = resp.headers.first(name: "Content-Length"), Int64(len) != blob.size {
                throw BenchError("HEAD \(head.url): Content-Length \(len), expected \(blob.size)")
            }
            requests = reqs
            return s
        }
        BenchResult(
            scenario: chunkSize == nil ? "push-blob" : "push-blob-chunked",
            seconds: seconds, bytes: blob.size, ops: 1,
            extra: [
                ("digest", jsonString(digest)),
                ("requests", String(requests)),
                ("chunk_size", chunkSize.map(String.init) ?? "null"),
            ]
        ).emit()
    }
}

// MARK: - pull-blob

struct PullBlob: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull-blob",
        abstract: "GET a blob, hash it while streaming it to nowhere, verify the digest."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Blob digest, sha256:<hex>")
    var digest: String

    func validate() throws {
        guard digest.hasPrefix("sha256:"), digest.count == 71 else {
            throw ValidationError("--digest must be sha256:<64 hex digits>")
        }
    }

    func run() async throws {
        let digest = self.digest
        let (seconds, bytes) = try await withRegistry(common) { registry in
            var total: Int64 = 0
            var computed = ""
            let pull = SocketBlobPull(url: "\(registry.repoURL)/blobs/\(digest)", authorization: registry.authorization)
            let s = try await timed {
                (total, computed) = try await pull.run()
            }
            guard computed == digest else {
                throw BenchError("pulled \(total) bytes with digest \(computed), expected \(digest)")
            }
            return (s, total)
        }
        BenchResult(
            scenario: "pull-blob", seconds: seconds, bytes: bytes, ops: 1,
            extra: [("digest", jsonString(digest))]
        ).emit()
    }
}

// MARK: - small-blobs

struct SmallBlobs: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "small-blobs",
        abstract: "Push COUNT distinct random blobs (POST + PUT ?digest each) with CONCURRENCY in flight.",
        discussion: "Payloads and digests are generated before the timer starts. One op = one POST + one PUT."
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of blobs") var count: Int = 2000
    @Option(help: "Concurrent uploads") var concurrency: Int = 16
    @Option(help: "Blob size in bytes") var size: Int = 4096

    func validate() throws {
        guard count > 0, concurrency > 0, size > 0 else {
            throw ValidationError("--count, --concurrency and --size must be positive")
        }
    }

    func run() async throws {
        var rng = SplitMix64()
        var blobs: [(ByteBuffer, String)] = []
        blobs.reserveCapacity(count)
        for _ in 0..<count {
            let bytes = randomBytes(size, using: &rng)
            blobs.append((ByteBuffer(bytes: bytes), sha256Digest(bytes)))
        }
        let payloads = blobs
        let (count, concurrency) = (self.count, self.concurrency)
        let seconds = try await withRegistry(common, connections: concurrency) { registry in
            try await timed {
                try await runConcurrently(count: count, concurrency: concurrency) { i in
                    try await registry.pushBlob(payloads[i].0, digest: payloads[i].1)
                }
            }
        }
        BenchResult(
            scenario: "small-blobs", seconds: seconds, bytes: Int64(count) * Int64(size), ops: count,
            extra: [("concurrency", String(concurrency)), ("size", String(size))]
        ).emit()
    }
}

// MARK: - manifests

struct Manifests: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifests",
        abstract: "PUT COUNT distinct OCI image manifests to tag-<i>, each followed by a GET by tag.",
        discussion: """
            A config blob and a layer blob are pushed first (untimed). Each manifest differs by an \
            annotation. One op = PUT /v2/R/manifests/tag-i + GET of the same tag, bytes compared.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of manifests") var count: Int = 2000
    @Option(help: "Concurrent PUT+GET pairs") var concurrency: Int = 16

    func validate() throws {
        guard count > 0, concurrency > 0 else { throw ValidationError("--count and --concurrency must be positive") }
    }

    func run() async throws {
        let parts = ImageParts()
        let run = randomToken()
        let manifests = (0..<count).map { i in
            parts.manifest(annotations: [("org.berth.bench.run", run), ("org.berth.bench.index", String(i))])
        }
        let totalBytes = manifests.reduce(Int64(0)) { $0 + Int64($1.0.readableBytes) }
        let (count, concurrency) = (self.count, self.concurrency)
        let seconds = try await withRegistry(common, connections: concurrency) { registry in
            try await parts.push(to: registry)
            return try await timed {
                try await runConcurrently(count: count, concurrency: concurrency) { i in
                    let (body, digest) = manifests[i]
                    let tag = "tag-\(i)"
                    try await registry.putManifest(reference: tag, body: body, digest: digest)
                    let got = try await registry.getManifest(reference: tag)
                    guard got == body else {
                        throw BenchError(
                            "GET \(registry.repoURL)/manifests/\(tag) returned \(got.readableBytes) bytes that differ from the \(body.readableBytes) bytes PUT"
                        )
                    }
                }
            }
        }
        BenchResult(
            scenario: "manifests", seconds: seconds, bytes: totalBytes * 2, ops: count,
            extra: [("concurrency", String(concurrency))]
        ).emit()
    }
}

// MARK: - prepare-hot

struct PrepareHot: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prepare-hot",
        abstract: "Push config + layer + one manifest tagged TAG and print the manifest digest (for wrk).",
        discussion: #"Prints {"scenario":"prepare-hot","digest":"sha256:…","tag":…,"path":"/v2/R/manifests/sha256:…"}"#
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Tag for the manifest") var tag: String = "hot"

    func run() async throws {
        let parts = ImageParts()
        let (body, digest) = parts.manifest(annotations: [("org.berth.bench.hot", randomToken())])
        let tag = self.tag
        let repo = common.repo
        let seconds = try await withRegistry(common) { registry in
            try await parts.push(to: registry)
            return try await timed {
                try await registry.putManifest(reference: tag, body: body, digest: digest)
                for reference in [tag, digest] {
                    let got = try await registry.getManifest(reference: reference)
                    guard got == body else { throw BenchError("GET manifest \(reference): bytes differ from PUT") }
                }
            }
        }
        BenchResult(
            scenario: "prepare-hot", seconds: seconds, bytes: Int64(body.readableBytes), ops: 1,
            extra: [
                ("digest", jsonString(digest)),
                ("tag", jsonString(tag)),
                ("path", jsonString("/v2/\(repo)/manifests/\(digest)")),
            ]
        ).emit()
    }
}
