import CSystemCalls
import ContentAnalysis
import CoreMetrics
import Foundation
import OCI
import Storage
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Reads every pushed layer once, as a stream, and keeps what it found by the layer's digest (in memory and in the
/// store), so a base layer shared by a thousand images is scanned once and a restart scans nothing twice.
///
/// A blob is scanned as soon as its upload is committed, before any manifest names it: the scan sniffs compression and
/// tar magic, so configs and other blobs cost nothing. A manifest then waits only for layers still in progress. A layer
/// the sniff did not take for one (or that no upload announced, such as a mounted blob) is scanned when a manifest
/// declares it a layer, as that media type says.
///
/// Secret scanning is a push-time policy: a push is judged by the rules of its time (`current`), and a layer scanned
/// under rules declared since is scanned again when an image naming it is pushed. Stored images keep the scan they were
/// pushed under.
public final class LayerScans: Sendable {
    private struct State {
        var scanned: [Digest: ScannedLayer] = [:]
        var running: [Digest: Task<ScannedLayer?, Never>] = [:]
        var listener: (@Sendable (Digest) async -> Void)?

        /// Keeps a report in memory, within `rememberedReports`: the store holds them all, so what is dropped is only
        /// read from there again. A blob the sniff found not to be a layer is not kept (sniffing it again reads a
        /// few hundred bytes).
        mutating func remember(_ digest: Digest, _ scanned: ScannedLayer) {
            guard scanned.report.outcome != .notALayer else {
                self.scanned[digest] = nil
                return
            }
            if self.scanned.count >= LayerScans.rememberedReports {
                for key in self.scanned.keys.prefix(LayerScans.rememberedReports / 2) { self.scanned[key] = nil }
            }
            self.scanned[digest] = scanned
        }
    }

    static let rememberedReports = 10_000

    private let scanner: Mutex<LayerScanner>
    private let limits: ScanLimits
    private let blobs: any BlobStore
    private let store: any LayerScanStore
    private let slots: ScanSlots
    private let state = Mutex(State())
    private let scansCounter: Counter
    private let clock: @Sendable () -> Date

    /// `workers`: how many layers are read at once. Scans use the built-in secret patterns until a configuration
    /// declares more (``use(patterns:)``).
    public init(limits: ScanLimits, blobs: any BlobStore, store: any LayerScanStore, workers: Int,
                metrics: any MetricsFactory = NOOPMetricsHandler.instance, clock: @escaping @Sendable () -> Date = Date.init) {
        self.scanner = Mutex(LayerScanner(patterns: SecretPattern.builtIn, limits: limits))
        self.limits = limits
        self.blobs = blobs
        self.store = store
        self.slots = ScanSlots(limit: workers)
        self.scansCounter = Counter(label: "berth_layer_scans_total", factory: metrics)  // layers read, not blobs sniffed
        self.clock = clock
    }

    /// Scans from now on look for `patterns` (the rules of a new configuration).
    func use(patterns: [SecretPattern]) {
        let scanner = LayerScanner(patterns: patterns, limits: limits)
        self.scanner.withLock { $0 = scanner }
    }

    /// Tells `listener` of every layer whose scan finished (the policy recomputes the verdicts waiting for it).
    func whenScanned(_ listener: @escaping @Sendable (Digest) async -> Void) {
        state.withLock { $0.listener = listener }
    }

    /// An upload was committed: scan it now if it looks like a layer.
    public func blobCommitted(_ digest: Digest) {
        _ = start(digest, mediaType: nil)
    }

    /// What is known of `layer` now, without waiting: nil while it has not been scanned as the layer it is declared
    /// (under the current rules, when `current`).
    func known(_ layer: Descriptor, current: Bool = false) async -> ScannedLayer? {
        let fingerprint = scanner.withLock { $0.fingerprint }
        // A report of an engine before inventories (scanned, but no inventory) answers no question asked now.
        func usable(_ scanned: ScannedLayer) -> Bool {
            scanned.report.outcome != .notALayer && (!current || scanned.scanner == fingerprint)
                && (scanned.report.inventory != nil || scanned.report.outcome != .scanned)
        }
        guard LayerScanner.isLayerMediaType(layer.mediaType) else { return refused(layer) }
        if let scanned = state.withLock({ $0.scanned[layer.digest] }), usable(scanned) { return scanned }
        guard let scanned = await kept(layer.digest, by: current ? fingerprint : nil, asLayer: true) else { return nil }
        state.withLock { $0.remember(layer.digest, scanned) }
        return scanned
    }

    /// The store's scan of `digest` by `scanner` (nil: the newest by any), if it answers the question asked: any report
    /// for a sniff, a layer's report when `asLayer`.
    private func kept(_ digest: Digest, by scanner: String?, asLayer: Bool) async -> ScannedLayer? {
        guard let stored = try? await store.layerScan(of: digest, scanner: scanner),
              let scanned = try? JSONDecoder().decode(ScannedLayer.self, from: Data(stored.report)),
              !asLayer || scanned.report.outcome != .notALayer else { return nil }
        return scanned
    }

    /// Starts the scans `layers` still need, without waiting for them.
    func request(_ layers: [Descriptor]) async {
        for layer in layers where await known(layer) == nil {
            Task { _ = await scanned(as: layer) }
        }
    }

    /// The reports of `layers`, waiting up to `wait` for those in progress (and starting those not yet scanned). Layers
    /// still unscanned when the wait runs out are missing from the answer.
    func reports(for layers: [Descriptor], waitingUpTo wait: Duration) async -> [Digest: ScannedLayer] {
        var found: [Digest: ScannedLayer] = [:]
        var pending: [(Digest, Task<ScannedLayer?, Never>)] = []
        for layer in layers {
            if let scanned = await known(layer, current: true) {
                found[layer.digest] = scanned
            } else {
                pending.append((layer.digest, Task { await scanned(as: layer) }))
            }
        }
        let deadline = ContinuousClock.now + wait
        for (digest, task) in pending {
            if let scanned = await Self.value(of: task, until: deadline) { found[digest] = scanned }
        }
        return found
    }

    /// `layer` scanned as the layer it is declared, under the current rules: a sniffing scan that took it for something
    /// else is followed by a scan as the declared type, which reports it unscannable.
    private func scanned(as layer: Descriptor) async -> ScannedLayer? {
        guard let first = await start(layer.digest, mediaType: layer.mediaType).value else { return nil }
        if first.report.outcome != .notALayer { return first }
        return await start(layer.digest, mediaType: layer.mediaType).value
    }

    /// The running scan of `digest`, or a new one. A sniffing scan (`mediaType` nil) that finds no layer is followed by
    /// a scan as the declared type when a manifest asks.
    private func start(_ digest: Digest, mediaType: String?) -> Task<ScannedLayer?, Never> {
        state.withLock { state in
            if let running = state.running[digest] { return running }
            let fingerprint = scanner.withLock { $0.fingerprint }
            if let scanned = state.scanned[digest], scanned.scanner == fingerprint, mediaType == nil || scanned.report.outcome != .notALayer {
                return Task { scanned }
            }
            let task = Task { await self.scan(digest, mediaType: mediaType) }
            state.running[digest] = task
            return task
        }
    }

    private func scan(_ digest: Digest, mediaType: String?) async -> ScannedLayer? {
        let scanner = self.scanner.withLock { $0 }
        // A blob uploaded again (to another repository, after a restart) was read before: the store has its report.
        let kept = await kept(digest, by: scanner.fingerprint, asLayer: mediaType != nil)
        var scanned = kept
        if kept == nil {
            await slots.acquire()
            let report = await read(digest, mediaType: mediaType, with: scanner)
            await slots.release()
            scanned = report.map { ScannedLayer(report: $0, scannedAt: clock(), scanner: scanner.fingerprint) }
        }
        let listener = state.withLock { state in
            state.running[digest] = nil
            if let scanned { state.remember(digest, scanned) }
            return state.listener
        }
        guard let scanned else { return nil }
        if kept == nil {
            if scanned.report.outcome != .notALayer { scansCounter.increment() }
            if let encoded = try? JSONEncoder().encode(scanned) {
                try? await store.recordLayerScan(StoredLayerScan(digest: digest, scanner: scanned.scanner, report: Array(encoded),
                                                                 scannedAt: scanned.scannedAt))
            }
        }
        if scanned.report.outcome != .notALayer { await listener?(digest) }
        return scanned
    }

    /// Reads the blob on a thread of its own (libarchive blocks), at a lower CPU priority: a scan uses two threads
    /// (decompressing and matching), and when the machine is busy, requests come first. From the blob's file when the
    /// store keeps one, else streamed from the store (`StreamedLayerSource`). Nil when the blob is gone.
    private func read(_ digest: Digest, mediaType: String?, with scanner: LayerScanner) async -> LayerReport? {
        if let file = try? await blobs.openFile(digest), let descriptor = file.take() {
            return await Self.onScanThread {
                var source = FileDescriptorSource(descriptor: descriptor)
                defer { close(descriptor) }
                return scanner.scan(mediaType: mediaType, source: &source)
            }
        }
        guard (try? await blobs.size(of: digest)) != nil else { return nil }
        let queue = LayerChunkQueue()
        let blobs = self.blobs
        let reading = Task {
            do {
                try await blobs.read(digest, range: 0..<Int64.max) { chunk in try await queue.put(chunk) }
                queue.finish(nil)
            } catch {
                queue.finish(error)
            }
        }
        let report = await Self.onScanThread {
            var source = StreamedLayerSource(queue: queue)
            defer { queue.abandon() }
            return scanner.scan(mediaType: mediaType, source: &source)
        }
        reading.cancel()
        return report
    }

    private static func onScanThread(_ scan: @escaping @Sendable () -> LayerReport) async -> LayerReport {
        await withCheckedContinuation { continuation in
            let thread = Thread {
                berth_lower_thread_priority(Self.scanNiceness)
                continuation.resume(returning: scan())
            }
            thread.name = "berth-scan"
            thread.start()
        }
    }

    /// The nice value of scanning threads: CFS then gives a request thread about ten times a scan's share of a core.
    static let scanNiceness: Int32 = 10

    /// A layer whose media type no scan can read (encrypted, unknown): unscannable without reading a byte.
    private func refused(_ layer: Descriptor) -> ScannedLayer {
        var nothing = EmptyLayerSource()
        let scanner = self.scanner.withLock { $0 }
        return ScannedLayer(report: scanner.scan(mediaType: layer.mediaType, source: &nothing), scannedAt: clock(), scanner: scanner.fingerprint)
    }

    /// The task's value, or nil once `deadline` passes. The scan goes on either way.
    private static func value(of task: Task<ScannedLayer?, Never>, until deadline: ContinuousClock.Instant) async -> ScannedLayer? {
        await withCheckedContinuation { (continuation: CheckedContinuation<ScannedLayer?, Never>) in
            let answer = FirstAnswer(continuation)
            let timer = Task {
                try? await Task.sleep(until: deadline)
                answer.resume(with: nil)
            }
            Task {
                let value = await task.value
                timer.cancel()
                answer.resume(with: value)
            }
        }
    }
}

/// Resumes a continuation with whichever answer comes first; later ones are dropped.
private final class FirstAnswer: Sendable {
    private let continuation: Mutex<CheckedContinuation<ScannedLayer?, Never>?>

    init(_ continuation: CheckedContinuation<ScannedLayer?, Never>) { self.continuation = Mutex(continuation) }

    func resume(with value: ScannedLayer?) {
        continuation.withLock { $0.take() }?.resume(returning: value)
    }
}

/// No bytes: what a layer that is never read is scanned from.
private struct EmptyLayerSource: LayerSource {
    mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int { 0 }
}
