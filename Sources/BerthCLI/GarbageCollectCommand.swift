import ArgumentParser
import Declarations
import Foundation
import Lifecycle
import Storage

/// `berth gc --data DIR [--dry-run]`: garbage collection in process, safe beside a running server of the same folder.
struct GarbageCollectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc",
        abstract: "Delete the blobs no repository needs any more, and report blobs and bytes freed.",
        discussion: "Links nothing references are removed after --grace; then blobs no repository links are deleted. A server may run on the same folder meanwhile.")

    @Option(help: "Folder holding blobs and metadata.")
    var data: String

    @Option(help: "How long a blob link nothing references is kept, e.g. 1h (0s: at once).")
    var grace: String = "1h"

    @Flag(help: "Report what a run would delete (links, blobs, bytes), deleting nothing.")
    var dryRun = false

    func run() async throws {
        guard let seconds = grace == "0s" ? 0 : TimeSpan(grace)?.totalSeconds else {
            throw ValidationError("--grace \(grace): expected a duration such as 1h, or 0s")
        }
        let stores = try EmbeddedStores(dataDirectory: URL(fileURLWithPath: data))
        let report = try await GarbageCollection(blobs: stores.blobs, metadata: stores.metadata, grace: TimeInterval(seconds)).run(dryRun: dryRun)
        let verb = dryRun ? "would delete" : "deleted"
        print("\(report.linksRemoved) unreferenced link\(report.linksRemoved == 1 ? "" : "s") \(dryRun ? "to remove" : "removed"); "
              + "\(verb) \(report.blobsDeleted) blob\(report.blobsDeleted == 1 ? "" : "s"), \(ByteSize.readable(report.bytesReclaimed))")
    }
}
