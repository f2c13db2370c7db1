import ArgumentParser
import ContentAnalysis
import Foundation

/// Scans one layer file with the built-in rules, for bench/scan.sh: the scan's throughput against `gzip -dc`, with and
/// without package inventories.
struct ScanLayer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan-layer",
        abstract: "Scan one layer blob for secrets and print the time taken.",
        discussion: #"Prints {"scenario":"scan-layer","seconds":…,"bytes":<compressed>,"expanded":…,"findings":…,"packages":…,"outcome":…}"#
    )

    @Argument(help: "The layer blob") var file: String
    @Option(help: "Its media type; sniffed when absent") var mediaType: String?
    @Flag(help: "Read no package inventories (as `berth scan` without vulnerability options)") var noInventories = false

    func run() throws {
        let descriptor = open(file, O_RDONLY)
        guard descriptor >= 0 else { throw BenchError("cannot open \(file)") }
        defer { close(descriptor) }
        var source = FileDescriptorSource(descriptor: descriptor)
        let scanner = LayerScanner(inventories: !noInventories)
        let start = DispatchTime.now().uptimeNanoseconds
        let report = scanner.scan(mediaType: mediaType, source: &source)
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        var compressed = stat()
        fstat(descriptor, &compressed)
        BenchResult(
            scenario: "scan-layer", seconds: seconds, bytes: Int64(compressed.st_size), ops: 1,
            extra: [
                ("expanded", String(report.expandedBytes)),
                ("findings", String(report.findings.count)),
                ("packages", String(report.inventory?.packages.count ?? 0)),
                ("outcome", jsonString("\(report.outcome)")),
            ]
        ).emit()
    }
}
