import ArgumentParser
import Foundation
import Vulnerabilities

/// What `berth vulndb import` does before it stores anything, for bench/vulndb.sh: read OSV exports, convert each record
/// to an advisory and encode it as the row it would be stored as.
struct VulnDBImport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vulndb-import",
        abstract: "Read OSV records from folders, zips or files, convert and encode them, and print the time and peak memory.",
        discussion: #"Prints {"scenario":"vulndb-import","seconds":…,"ops":<records>,"read_seconds":…,"convert_seconds":…,"failures":…,"peak_rss_mib":…}"#
    )

    @Argument(help: "Folders of OSV JSON records, all.zip files, or single .json files") var paths: [String]

    func run() throws {
        let (readSeconds, contents) = try measured { try OSVSource.read(paths.map { URL(fileURLWithPath: $0) }) }
        let (convertSeconds, storedBytes) = try measured {
            try contents.records.reduce(0) { total, record in total + (try Advisory(record).jsonData().count) }
        }
        BenchResult(
            scenario: "vulndb-import", seconds: readSeconds + convertSeconds, bytes: Int64(storedBytes), ops: contents.records.count,
            extra: [
                ("read_seconds", num(readSeconds)),
                ("convert_seconds", num(convertSeconds)),
                ("failures", String(contents.failures.count)),
                ("peak_rss_mib", num(peakResidentMiB())),
            ]
        ).emit()
    }
}
