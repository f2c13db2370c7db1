import AsyncHTTPClient
import Foundation
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Pushers hammer a real server, which is SIGKILLed mid-traffic; after a restart everything the server acknowledged
/// (201) must be there, intact, and `berth fsck` must find the store consistent. Three rounds on one data directory.
///
/// Environment knobs: `BERTH_CRASH_SEED` (reproduce a run), `BERTH_CRASH_WORKERS` (default 6),
/// `BERTH_CRASH_ROUNDS` (default 3).
@Suite("crash recovery", .timeLimit(.minutes(5)))
struct CrashRecoveryTests {
    /// With `collecting`, the server also collects garbage every second with a grace of 0, so blobs go while pushes
    /// that name them are in flight: a push may then fail cleanly (an upload answered 409, a manifest naming a blob
    /// just collected answered 400 `MANIFEST_BLOB_UNKNOWN`), but every manifest that got its 201 must still have all
    /// its blobs, after every SIGKILL.
    @Test("SIGKILL during concurrent pushes loses nothing acknowledged; fsck stays clean", arguments: [false, true])
    func killDuringPushes(collecting: Bool) async throws {
        let env = ProcessInfo.processInfo.environment
        let seed = env["BERTH_CRASH_SEED"].flatMap(UInt64.init) ?? UInt64.random(in: 1...UInt64.max)
        let workers = env["BERTH_CRASH_WORKERS"].flatMap(Int.init) ?? 6
        let rounds = env["BERTH_CRASH_ROUNDS"].flatMap(Int.init) ?? 3
        var rng = SplitMix64(seed: seed)
        let context = "seed \(seed) (rerun with BERTH_CRASH_SEED=\(seed))"
        let started = ContinuousClock.now

        try await withTemporaryDirectory("crash") { tmp in
            let data = tmp.url.appendingPathComponent("data")
            var ledger = Ledger()
            var collectedDuringTraffic = 0

            for round in 1...rounds {
                // 1. Traffic, then SIGKILL after a random delay.
                let collection = collecting ? ["--gc-interval", "1s", "--gc-grace", "0s"] : []
                let server = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url, extraArguments: collection)
                // Collection runs every second: a round long enough for it to run while pushes go on.
                let killDelay = collecting ? Int.random(in: 1500...3000, using: &rng) : Int.random(in: 200...1500, using: &rng)
                let stop = StopSignal()
                let roundSeed = rng.next()
                let reports = try await RegistryClient.with(baseURL: server.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await withThrowingTaskGroup(of: WorkerReport.self) { group in
                        for worker in 0..<workers {
                            group.addTask {
                                await pushLoop(client: client, worker: worker, round: round,
                                               seed: roundSeed &+ UInt64(worker) &* 0x9E37_79B9_7F4A_7C15, stop: stop, collecting: collecting)
                            }
                        }
                        // The random delay counts from the first acknowledgement, so a slow machine still
                        // kills mid-traffic rather than before anything was acknowledged.
                        let deadline = ContinuousClock.now + .seconds(60)
                        while stop.acknowledgements == 0, ContinuousClock.now < deadline {
                            try await Task.sleep(for: .milliseconds(20))
                        }
                        try await Task.sleep(for: .milliseconds(killDelay))
                        stop.markKilled()
                        server.kill(signal: SIGKILL)
                        var reports: [WorkerReport] = []
                        for try await report in group { reports.append(report) }
                        return reports
                    }
                }
                let termination = await server.waitForExit(timeout: .seconds(10))
                if server.logTail(lines: 100_000).contains("garbage collected") { collectedDuringTraffic += 1 }
                #expect(termination?.signaled == true && termination?.status == SIGKILL,
                        "round \(round): server should have died of SIGKILL, got \(String(describing: termination))")

                let roundAcks = reports.reduce(0) { $0 + $1.acks.count }
                let iterations = reports.reduce(0) { $0 + $1.iterations }
                let anomalies = reports.flatMap(\.anomalies)
                for anomaly in anomalies.prefix(5) {
                    Issue.record("round \(round), \(context): server misbehaved before the kill:\n\(anomaly)\n\(server.logTail())")
                }
                if anomalies.count > 5 { Issue.record("… and \(anomalies.count - 5) more anomalies") }
                // Collecting with no grace, a loaded machine may see every manifest of a round refused cleanly (its blob
                // collected before it was named); the uploads acknowledged meanwhile still raced the collection.
                #expect(roundAcks > 0 || (collecting && stop.acknowledgements > 0), """
                    round \(round): no request was acknowledged within \(killDelay) ms — the test proved nothing
                    \(server.logTail())
                    """)
                ledger.add(reports, round: round)
                print("crash round \(round): killed after \(killDelay) ms, \(iterations) iterations, \(roundAcks) acks " +
                      "(\(ledger.blobs.count) blobs, \(ledger.manifests.count) manifests, \(ledger.deleted.count) deletions so far), \(context)")

                // 2. Restart on the same data and check every acknowledgement of every round so far.
                let restarted: BerthProcess
                do {
                    restarted = try await BerthProcess.start(dataDirectory: data, logDirectory: tmp.url, extraArguments: collection)
                } catch {
                    Issue.record("round \(round), \(context): server failed to restart after SIGKILL:\n\(error)")
                    throw error
                }
                let problems = try await RegistryClient.with(baseURL: restarted.baseURL, authorization: TestEnvironment.adminAuthorization) { client in
                    try await verify(ledger, client: client)
                }
                for problem in problems.prefix(10) {
                    Issue.record("round \(round), \(context): acknowledged data damaged after SIGKILL + restart:\n\(problem)")
                }
                if problems.count > 10 { Issue.record("… and \(problems.count - 10) more lost or damaged items") }
                if !problems.isEmpty { Issue.record("server log after restart:\n\(restarted.logTail())") }

                // 3. Offline consistency check.
                let stopped = await restarted.stop()
                #expect(stopped != nil, "round \(round): restarted server did not stop")
                let fsck = try await runFsck(dataDirectory: data)
                #expect(fsck.succeeded, "round \(round), \(context): fsck after crash + restart:\n\(fsck.summary)")
                // 4. The audit chain survived the kill, and every acknowledged push has its record.
                let verified = try await runCommand(TestEnvironment.berthBinary, ["audit", "verify", "--data", data.path])
                #expect(verified.succeeded, "round \(round), \(context): audit chain after SIGKILL:\n\(verified.summary)")
                let pushes = try await runCommand(TestEnvironment.berthBinary, ["audit", "export", "--data", data.path, "--action", "manifest-push"])
                let recorded = Set(pushes.stdoutString.split(separator: "\n").compactMap { line -> String? in
                    guard let record = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                          let repository = record["repository"] as? String, let tag = record["object"] as? String else { return nil }
                    return "\(repository):\(tag)"
                })
                let unrecorded = ledger.manifests.keys.filter { !recorded.contains($0) }.sorted()
                #expect(unrecorded.isEmpty, "round \(round), \(context): acknowledged pushes with no audit record: \(unrecorded.prefix(10))")
                if !problems.isEmpty || !fsck.succeeded { break }
            }
            if collecting {
                #expect(collectedDuringTraffic > 0, "no collection deleted anything while pushes went on: the test proved nothing")
                // The bytes of deleted images are reclaimed: a last collection leaves no blob that nothing links.
                let collected = try await runCommand(TestEnvironment.berthBinary, ["gc", "--data", data.path, "--grace", "0s"])
                #expect(collected.succeeded, "\(collected.summary)")
                let left = try await runCommand(TestEnvironment.berthBinary, ["gc", "--data", data.path, "--grace", "0s", "--dry-run"])
                #expect(left.stdoutString.contains("would delete 0 blobs"), "\(left.summary)")
                let fsck = try await runFsck(dataDirectory: data)
                #expect(fsck.succeeded, "fsck after the last collection, \(context):\n\(fsck.summary)")
            }
            print("crash test (collecting: \(collecting)) finished in \(ContinuousClock.now - started), \(context)")
        }
    }
}

// MARK: - Bookkeeping

/// Set once the kill is about to be sent; any transport error seen before that is the server's fault.
private final class StopSignal: @unchecked Sendable {
    private let lock = NSLock()
    private var killed = false

    private var acknowledged = 0
    func markKilled() { lock.withLock { killed = true } }
    var isKilled: Bool { lock.withLock { killed } }
    func noteAcknowledged() { lock.withLock { acknowledged += 1 } }
    var acknowledgements: Int { lock.withLock { acknowledged } }
}

private enum Ack: Sendable {
    case blob(repository: String, digest: String, size: Int)
    case manifest(repository: String, tag: String, bytes: Data, mediaType: String)
    /// DELETE of an acknowledged manifest answered 202: it must stay gone, by digest and by tag.
    case deleted(repository: String, tag: String, digest: String)
    /// DELETE in flight when the server died: the manifest may or may not exist afterwards.
    case maybeDeleted(repository: String, tag: String)
    /// A tag rewritten on every iteration: after a crash it must hold the last acknowledged value, or the
    /// value whose PUT was in flight when the server died — never anything else.
    /// `acknowledged` is nil when no PUT of this tag was acknowledged in the round.
    case movingTag(repository: String, tag: String, acknowledged: Data?, inFlight: Data?)
}

private struct WorkerReport: Sendable {
    var acks: [Ack] = []
    var anomalies: [String] = []
    var iterations = 0
}

private struct Ledger {
    var blobs: [String: (repository: String, size: Int)] = [:]   // key: repository@digest
    var manifests: [String: (repository: String, tag: String, bytes: Data, mediaType: String)] = [:]  // repo:tag
    var deleted: [(repository: String, tag: String, digest: String)] = []
    /// acknowledged == nil: the tag may legitimately be absent.
    var movingTags: [String: (repository: String, tag: String, acknowledged: Data?, inFlight: Data?)] = [:]

    mutating func add(_ reports: [WorkerReport], round: Int) {
        for ack in reports.flatMap(\.acks) {
            switch ack {
            case let .blob(repository, digest, size):
                blobs["\(repository)@\(digest)"] = (repository, size)
            case let .manifest(repository, tag, bytes, mediaType):
                manifests["\(repository):\(tag)"] = (repository, tag, bytes, mediaType)
            case let .deleted(repository, tag, digest):
                manifests["\(repository):\(tag)"] = nil
                deleted.append((repository, tag, digest))
            case let .maybeDeleted(repository, tag):
                manifests["\(repository):\(tag)"] = nil
            case let .movingTag(repository, tag, acknowledged, inFlight):
                let key = "\(repository):\(tag)"
                // A round without an acknowledged PUT leaves the earlier round's value as the acknowledged one.
                let previous = movingTags[key]?.acknowledged
                movingTags[key] = (repository, tag, acknowledged ?? previous, inFlight)
            }
        }
    }
}

// MARK: - Pushing

private func pushLoop(client: RegistryClient, worker: Int, round: Int, seed: UInt64,
                      stop: StopSignal, collecting: Bool) async -> WorkerReport {
    var rng = SplitMix64(seed: seed)
    var report = WorkerReport()
    let ownRepository = "crash/worker-\(worker)"
    let movingTag = "moving-w\(worker)"
    var lastMoving: Data?
    var movingInFlight: Data?

    /// While garbage is collected with no grace, a blob may go between its upload and the manifest naming it.
    func collectedMeanwhile(_ error: any Error) -> Bool {
        guard collecting, let unexpected = error as? UnexpectedResponse else { return false }
        return unexpected.response.errorCode == "MANIFEST_BLOB_UNKNOWN"
            || (unexpected.response.status == 409 && unexpected.response.errorCode == "BLOB_UPLOAD_INVALID")
    }

    func fail(_ error: any Error) {
        if let unexpected = error as? UnexpectedResponse {
            // A complete HTTP response came back, so the server was alive when it answered.
            report.anomalies.append("worker \(worker): \(unexpected)")
        } else if !stop.isKilled {
            report.anomalies.append("worker \(worker): transport error before the kill: \(error)")
        }
    }

    for iteration in 0..<10_000 {
        if stop.isKilled || Task.isCancelled { break }
        report.iterations += 1
        // Half the workers share one repository, so pushes race on the same repository too.
        let repository = worker % 2 == 0 ? ownRepository : "crash/shared"
        do {
            // Layer: random size and upload flow. Every fourth layer comes from a small pool shared by all
            // workers, so identical blobs are uploaded concurrently.
            let layer: Data
            if iteration % 4 == 3 {
                var poolRng = SplitMix64(seed: UInt64(round * 100 + Int.random(in: 0..<6, using: &rng)))
                layer = randomData(count: 20_000 + Int.random(in: 0..<20_000, using: &poolRng), using: &poolRng)
            } else {
                let roll = Int.random(in: 0..<100, using: &rng)
                let size = roll < 70 ? Int.random(in: 1...32 << 10, using: &rng)
                    : roll < 95 ? Int.random(in: (32 << 10)...(256 << 10), using: &rng)
                    : Int.random(in: (256 << 10)...(1 << 20), using: &rng)
                layer = randomData(count: size, using: &rng)
            }
            let mode = UploadMode.allCases[Int.random(in: 0..<UploadMode.allCases.count, using: &rng)]
            let chunk = Int.random(in: (4 << 10)...(96 << 10), using: &rng)
            try await client.pushBlob(Array(layer), to: repository, mode: mode, chunkSize: chunk)
            let layerDigest = sha256Digest(layer)
            // Collected blobs may legitimately go: then only the manifests' blobs are checked.
            if !collecting { report.acks.append(.blob(repository: repository, digest: layerDigest, size: layer.count)) }
            stop.noteAcknowledged()

            let configBytes = Data("""
                {"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["\(layerDigest)"]},\
                "config":{"Labels":{"round":"\(round)","worker":"\(worker)","iteration":"\(iteration)"}}}
                """.utf8)
            try await client.pushBlob(Array(configBytes), to: repository,
                                      mode: Bool.random(using: &rng) ? .singlePost : .postThenPut)
            if !collecting {
                report.acks.append(.blob(repository: repository, digest: sha256Digest(configBytes), size: configBytes.count))
            }

            let manifest = ImageManifest(
                mediaType: MediaType.ociManifest,
                config: Descriptor(mediaType: MediaType.ociConfig, data: configBytes),
                layers: [Descriptor(mediaType: MediaType.ociLayerTar, data: layer)],
                annotations: ["berth.test/round": "\(round)", "berth.test/iteration": "\(iteration)"])
            let manifestBytes = try encodeJSON(manifest)
            let tag = "r\(round)-w\(worker)-\(iteration)"
            try await client.pushManifest(Array(manifestBytes), mediaType: MediaType.ociManifest, to: repository,
                                          reference: tag)
            report.acks.append(.manifest(repository: repository, tag: tag, bytes: manifestBytes,
                                         mediaType: MediaType.ociManifest))
            // Pulls go on with the pushes: their audit records are batched, and must never break the chain.
            _ = try await client.getManifest(repository, reference: tag)
            // A manifest deleted below may take its blobs with it at the next collection.
            if collecting && !(repository == ownRepository && iteration % 5 == 4) {
                report.acks.append(.blob(repository: repository, digest: layerDigest, size: layer.count))
                report.acks.append(.blob(repository: repository, digest: sha256Digest(configBytes), size: configBytes.count))
            }

            if repository == ownRepository && iteration % 5 == 4 {
                // Delete every fifth manifest again; an acknowledged delete must survive the crash too.
                let digest = sha256Digest(manifestBytes)
                do {
                    let delete = try await client.request(.DELETE, "/v2/\(repository)/manifests/\(digest)")
                    guard delete.status == 202 else {
                        throw UnexpectedResponse(step: "DELETE manifest", expected: "202", response: delete)
                    }
                } catch {
                    report.acks.append(.maybeDeleted(repository: repository, tag: tag))
                    throw error
                }
                report.acks.append(.deleted(repository: repository, tag: tag, digest: digest))
            } else if repository == ownRepository {
                // Re-point a per-worker tag at this manifest (its own repository only: one writer per tag).
                movingInFlight = manifestBytes
                try await client.pushManifest(Array(manifestBytes), mediaType: MediaType.ociManifest,
                                              to: repository, reference: movingTag)
                lastMoving = manifestBytes
                movingInFlight = nil
            }
        } catch {
            if collectedMeanwhile(error) { continue }
            fail(error)
            break
        }
    }
    if lastMoving != nil || movingInFlight != nil {
        report.acks.append(.movingTag(repository: ownRepository, tag: movingTag, acknowledged: lastMoving,
                                      inFlight: movingInFlight))
    }
    return report
}

// MARK: - Verification

/// Returns one message per acknowledged item that is missing or different.
private enum Check: Sendable {
    case blob(repository: String, digest: String, size: Int)
    case manifest(repository: String, tag: String, bytes: Data, mediaType: String)
    case deleted(repository: String, tag: String, digest: String)
    case moving(repository: String, tag: String, acknowledged: Data?, inFlight: Data?)
}

/// Returns one message per acknowledged item that is missing or different.
private func verify(_ ledger: Ledger, client: RegistryClient) async throws -> [String] {
    var checks: [Check] = ledger.blobs.map { key, value in
        .blob(repository: value.repository, digest: String(key.split(separator: "@").last!), size: value.size)
    }
    checks += ledger.deleted.map { .deleted(repository: $0.repository, tag: $0.tag, digest: $0.digest) }
    checks += ledger.manifests.values.map {
        .manifest(repository: $0.repository, tag: $0.tag, bytes: $0.bytes, mediaType: $0.mediaType)
    }
    checks += ledger.movingTags.values.map {
        .moving(repository: $0.repository, tag: $0.tag, acknowledged: $0.acknowledged, inFlight: $0.inFlight)
    }

    // Bounded concurrency: 8 requests at a time.
    var problems: [String] = []
    try await withThrowingTaskGroup(of: String?.self) { group in
        var iterator = checks.makeIterator()
        for _ in 0..<8 {
            guard let check = iterator.next() else { break }
            group.addTask { await runCheck(check, client: client) }
        }
        while let result = try await group.next() {
            if let result { problems.append(result) }
            if let check = iterator.next() { group.addTask { await runCheck(check, client: client) } }
        }
    }
    return problems
}

private func runCheck(_ check: Check, client: RegistryClient) async -> String? {
    do {
        switch check {
        case let .blob(repository, digest, size):
            let get = try await client.getBlob(repository, digest: digest)
            if get.status != 200 { return "acknowledged blob \(repository)@\(digest) is gone:\n\(get)" }
            if get.body.count != size || sha256Digest(get.body) != digest {
                return "blob \(repository)@\(digest): got \(get.body.count) bytes hashing to \(sha256Digest(get.body)), expected \(size) bytes"
            }
        case let .manifest(repository, tag, bytes, mediaType):
            let get = try await client.getManifest(repository, reference: tag)
            if get.status != 200 { return "acknowledged manifest \(repository):\(tag) is gone:\n\(get)" }
            if Data(get.body) != bytes {
                return "manifest \(repository):\(tag) changed:\n\(get)\nexpected: \(String(decoding: bytes, as: UTF8.self))"
            }
            if let type = get.header("Content-Type"), type != mediaType {
                return "manifest \(repository):\(tag) served as \(type), pushed as \(mediaType)"
            }
            let byDigest = try await client.getManifest(repository, reference: sha256Digest(bytes))
            if byDigest.status != 200 || Data(byDigest.body) != bytes {
                return "manifest \(repository)@\(sha256Digest(bytes)) (tag \(tag)) by digest:\n\(byDigest)"
            }
        case let .deleted(repository, tag, digest):
            for reference in [digest, tag] {
                let get = try await client.getManifest(repository, reference: reference)
                if get.status != 404 {
                    return "manifest \(repository)@\(digest) was deleted (202) but \(reference) answers:\n\(get)"
                }
            }
        case let .moving(repository, tag, acknowledged, inFlight):
            let get = try await client.getManifest(repository, reference: tag)
            if get.status == 404 && acknowledged == nil { return nil }
            if get.status != 200 { return "moving tag \(repository):\(tag) is gone:\n\(get)" }
            if Data(get.body) != acknowledged && Data(get.body) != inFlight {
                return """
                    moving tag \(repository):\(tag) holds neither the last acknowledged manifest \
                    (\(acknowledged.map(sha256Digest) ?? "none")) nor the one in flight \
                    (\(inFlight.map(sha256Digest) ?? "none")):
                    \(get)
                    """
            }
        }
        return nil
    } catch {
        return "verification request failed: \(error)"
    }
}

// MARK: - Deterministic randomness

func randomData<G: RandomNumberGenerator>(count: Int, using generator: inout G) -> Data {
    var data = Data(count: count)
    data.withUnsafeMutableBytes { raw in
        var offset = 0
        while offset < count {
            var word = generator.next()
            let n = min(8, count - offset)
            withUnsafeBytes(of: &word) { wordBytes in
                raw.baseAddress!.advanced(by: offset).copyMemory(from: wordBytes.baseAddress!, byteCount: n)
            }
            offset += n
        }
    }
    return data
}
