import ArgumentParser
import Foundation

/// One manifest `PUT` at a time, each timed: what a push's last request costs once its layers are stored (and, in a
/// tier that scans, already scanned).
struct ManifestLatency: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manifest-latency",
        abstract: "PUT COUNT distinct manifests of one image one after another and report the latency percentiles.",
        discussion: """
            The config and layer (a real tar archive) are pushed first, and one manifest naming them is PUT, untimed, \
            so a scanning tier has read the layer before the timed PUTs start. Prints p50, p90 and p99 in microseconds.
            """
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Number of timed manifest PUTs") var count: Int = 500

    func validate() throws {
        guard count > 0 else { throw ValidationError("--count must be positive") }
    }

    func run() async throws {
        let parts = ImageParts()
        let run = randomToken()
        let count = self.count
        let micros = try await withRegistry(common, connections: 1) { registry in
            try await parts.push(to: registry)
            let (warm, warmDigest) = parts.manifest(annotations: [("org.berth.bench.run", run), ("org.berth.bench.warm", "1")])
            try await registry.putManifest(reference: "warm", body: warm, digest: warmDigest)
            var micros: [Double] = []
            micros.reserveCapacity(count)
            for index in 0..<count {
                let (body, digest) = parts.manifest(annotations: [("org.berth.bench.run", run), ("org.berth.bench.index", String(index))])
                let started = ContinuousClock.now
                try await registry.putManifest(reference: "tag-\(index)", body: body, digest: digest)
                let elapsed = ContinuousClock.now - started
                micros.append(Double(elapsed.components.seconds) * 1e6 + Double(elapsed.components.attoseconds) / 1e12)
            }
            return micros.sorted()
        }
        func percentile(_ p: Double) -> Double { micros[min(micros.count - 1, Int(Double(micros.count) * p))] }
        BenchResult(
            scenario: "manifest-latency", seconds: micros.reduce(0, +) / 1e6, bytes: 0, ops: count,
            extra: [("p50_us", num(percentile(0.5))), ("p90_us", num(percentile(0.9))), ("p99_us", num(percentile(0.99)))]
        ).emit()
    }
}
