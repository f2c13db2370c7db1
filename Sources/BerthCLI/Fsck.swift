import ArgumentParser
import Foundation
import Logging
import Storage

struct Fsck: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-hash every blob and manifest and check every reference. Run it while the server is stopped.")

    @Option(help: "Folder holding blobs and metadata.")
    var data: String = "./berth-data"

    @OptionGroup(title: "Scale-out stores") var stores: StoreOptions

    func run() async throws {
        let report: IntegrityReport
        if let shared = try await stores.sharedStores(logger: Logger(label: "berth")) {
            do {
                report = try await IntegrityCheck.run(blobs: shared.blobs, metadata: shared.database)
            } catch {
                await shared.close()
                throw error
            }
            await shared.close()
        } else {
            let directory = URL(fileURLWithPath: data)
            guard FileManager.default.fileExists(atPath: directory.appendingPathComponent("metadata.sqlite").path) else {
                throw ValidationError("\(data) holds no Berth data (no metadata.sqlite)")
            }
            let stores = try EmbeddedStores(dataDirectory: directory)
            report = try await IntegrityCheck.run(blobs: stores.blobs, metadata: stores.metadata)
        }
        for problem in report.problems { print("error: \(problem)") }
        for note in report.notes { print("note: \(note)") }
        print("checked \(report.blobsChecked) blobs (\(report.bytesChecked) bytes) and \(report.manifestsChecked) manifests: \(report.isClean ? "clean" : "\(report.problems.count) problem(s)")")
        if !report.isClean { throw ExitCode(1) }
    }
}
