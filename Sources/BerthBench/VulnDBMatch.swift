import ArgumentParser
import Foundation
import Vulnerabilities

/// A rescan's vulnerability work, for bench/vulndb.sh: decode every stored advisory (as the server does at start),
/// build the database, and match the packages of many images against it, memoised per distinct package as the
/// caller does.
struct VulnDBMatch: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vulndb-match",
        abstract: "Match synthetic image inventories against the advisories of OSV exports; print the time of each step.",
        discussion: """
            The advisories come from PATHS (bench/gen-osv.py writes them). Each image is a Debian:12 or Alpine:v3.18 base \
            of OS packages, most of them shared between images, and language packages (PyPI, npm or Go); versions are \
            taken from the advisories' own ranges, so that matches are found, and a third of the packages have none.
            """
    )

    @Argument(help: "Folders of OSV JSON records, all.zip files, or single .json files") var paths: [String]
    @Option(help: "Images to match") var images = 10_000
    @Option(help: "Packages per image") var packagesPerImage = 300
    @Option(help: "Seed of the synthetic inventories") var seed: UInt64 = 15

    func run() throws {
        let records = try OSVSource.read(paths.map { URL(fileURLWithPath: $0) }).records
        let rows = try records.map { try Advisory($0).jsonData() }
        let (decodeSeconds, advisories) = try measured { try Advisory.decode(rows: rows) }
        let (buildSeconds, database) = measured { VulnerabilityDatabase(advisories: advisories) }
        var generator = SplitMix64(seed: seed)
        let inventories = SyntheticInventories(advisories: advisories)
        let queries = (0..<images).map { _ in inventories.image(packages: packagesPerImage, using: &generator) }

        let (matchSeconds, found) = measured {
            var memo: [PackageQuery: [VulnerabilityMatch]] = [:]
            var matches = 0, undetermined = 0
            for image in queries {
                for query in image {
                    let result: [VulnerabilityMatch]
                    if let known = memo[query] {
                        result = known
                    } else {
                        result = database.matches(query)
                        memo[query] = result
                        undetermined += result.lazy.filter(\.undetermined).count
                    }
                    matches += result.count
                }
            }
            return (distinct: memo.count, matches: matches, undetermined: undetermined)
        }
        let queryCount = queries.reduce(0) { $0 + $1.count }
        BenchResult(
            scenario: "vulndb-match", seconds: decodeSeconds + buildSeconds + matchSeconds, bytes: 0, ops: queryCount,
            extra: [
                ("advisories", String(database.count)),
                ("decode_seconds", num(decodeSeconds)),
                ("build_seconds", num(buildSeconds)),
                ("match_seconds", num(matchSeconds)),
                ("queries_per_sec", num(Double(queryCount) / max(matchSeconds, 1e-9))),
                ("distinct_queries", String(found.distinct)),
                ("matches", String(found.matches)),
                ("undetermined_in_distinct", String(found.undetermined)),
                ("peak_rss_mib", num(peakResidentMiB())),
            ]
        ).emit()
    }
}
