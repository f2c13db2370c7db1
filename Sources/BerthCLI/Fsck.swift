import ArgumentParser
import Foundation
import Storage

struct Fsck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-hash every blob and manifest and check every reference. Run it while the server is stopped.")

    @Option(help: "Folder holding blobs and metadata.")
    var data: String = "./berth-data"

    func run() async throws {
        let directory = URL(fileURLWithPath: data)
        guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("metadata.sqlite").path) else {
            throw ValidationError("\(data) holds no Berth data (no metadata.sqlite)")
        }
        let stores = try EmbeddedStores(dataDirectory: directory)
        let report = try await IntegrityCheck.run(blobs: stores.blobs, metadata: stores.metadata)
        for problem in report.problems { print("error: \(problem)") }
        for note in report.notes { print("note: \(note)") }
        print("checked \(report.blobsChecked) blobs (\(report.bytesChecked) bytes) and \(report.manifestsChecked) manifests: \(report.isClean ? "clean" : "\(report.problems.count) problem(s)")")
        if !report.isClean { throw ExitCode(1) }
    }
}
