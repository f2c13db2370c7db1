import ContentAnalysis
import Foundation
import OCI
import Synchronization
import Vulnerabilities

/// An image's packages as numbers into the table `InventoryMatching` keeps: what a rescan re-matches without reading
/// a layer or decoding a report. Images that share layers share most of their numbers.
public struct InternedInventory: Sendable, Hashable {
    var packages: [UInt32]
    /// Why some packages cannot be matched (unknown distribution, inventory problems): the verdict is unscannable.
    var problems: [String]
}

/// Matches inventories against the current vulnerability database. Keeps every distinct package once, and the matches
/// of every distinct query for the database version they were made against, so a rescan of 10,000 images that share
/// base layers evaluates each distinct package version once.
public final class InventoryMatching: Sendable {
    private struct Entry: Sendable {
        var package: ImageInventory.Package
        var ecosystem: String?
        var query: PackageQuery?
    }

    private struct State {
        var index: [ImageInventory.Package: UInt32] = [:]
        var entries: [Entry] = []
        var memoVersion: Int?
        var memo: [PackageQuery: [VulnerabilityMatch]] = [:]
    }

    private let state = Mutex(State())
    /// The database to match against now, and its version (nil: none imported, so nothing can be known).
    let current: @Sendable () -> (database: VulnerabilityDatabase, version: Int?)

    /// Matches against the feed's database of the moment.
    init(feed: VulnerabilityFeed) {
        current = { feed.current }
    }

    /// Matches against one database, `version` naming it in verdicts: `berth scan --vulndb`.
    public init(database: VulnerabilityDatabase, version: Int) {
        current = { (database, version) }
    }

    /// Numbers the packages of `inventory`, adding those not seen before.
    func intern(_ inventory: ImageInventory) -> InternedInventory {
        var problems = inventory.problems
        var unmatched: [PackageKind: Int] = [:]
        let numbers = state.withLock { state in
            inventory.packages.map { package in
                if let known = state.index[package] { return known }
                let ecosystem = OSVCoordinates.ecosystem(of: package.package.kind, in: inventory.osRelease)
                let entry = Entry(package: package, ecosystem: ecosystem,
                                  query: ecosystem.flatMap { OSVCoordinates.query(for: package.package, ecosystem: $0) })
                let number = UInt32(state.entries.count)
                state.entries.append(entry)
                state.index[package] = number
                return number
            }
        }
        for package in inventory.packages where OSVCoordinates.ecosystem(of: package.package.kind, in: inventory.osRelease) == nil {
            unmatched[package.package.kind, default: 0] += 1
        }
        for (kind, count) in unmatched.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let distribution = inventory.osRelease.map { "\($0.id) \($0.versionID ?? "without a release")" } ?? "unknown (no os-release)"
            problems.append("\(count) \(kind.rawValue) package\(count == 1 ? "" : "s") of a distribution the database cannot name: \(distribution)")
        }
        return InternedInventory(packages: numbers, problems: problems)
    }

    /// The findings of an interned inventory against the current database, worst first, and that database's version.
    func findings(of inventory: InternedInventory) -> (findings: [VulnerabilityFinding], databaseVersion: Int?) {
        let (database, version) = current()
        return state.withLock { state in
            if state.memoVersion != version {
                state.memo = [:]
                state.memoVersion = version
            }
            var findings: [VulnerabilityFinding] = []
            var seen: Set<String> = []
            for number in inventory.packages {
                let entry = state.entries[Int(number)]
                guard let query = entry.query, let ecosystem = entry.ecosystem else { continue }
                let matches: [VulnerabilityMatch]
                if let known = state.memo[query] {
                    matches = known
                } else {
                    matches = database.matches(query)
                    state.memo[query] = matches
                }
                let package = entry.package
                for match in matches {
                    // One finding per advisory and package name: a dpkg source package installs several binaries.
                    guard seen.insert("\(match.advisory)\u{0}\(query.name)\u{0}\(query.version)").inserted else { continue }
                    findings.append(VulnerabilityFinding(
                        id: match.advisory, aliases: Self.otherNames(of: match), summary: match.summary, package: package.package.name,
                        ecosystem: ecosystem, sourcePackage: package.package.sourceName, installed: query.version, fixed: match.fixed,
                        severity: match.severity?.level, score: match.severity?.score, vector: match.severity?.vector,
                        layerIndex: package.layerIndex, layer: package.layerDigest, path: package.package.path,
                        undetermined: match.undetermined, suppressedBy: nil))
                }
            }
            return (findings.sorted(by: VulnerabilityFinding.worstFirst), version)
        }
    }

    /// The advisory's other identifiers: its aliases, then the upstream ones it derives from (a DSA names its CVEs
    /// there), each once.
    private static func otherNames(of match: VulnerabilityMatch) -> [String] {
        var seen: Set<String> = [match.advisory]
        return (match.aliases + match.upstream).filter { seen.insert($0).inserted }
    }

    /// The verdict of an image with `inventory` under `requirement` at `now`.
    func verdict(of inventory: InternedInventory, under requirement: VulnerabilityRequirement, at now: Date) -> VulnerabilityVerdict {
        let (findings, version) = findings(of: inventory)
        var problems = inventory.problems
        // Unknown is not safe: without a database nothing is known about the packages.
        if version == nil { problems.insert("no vulnerability database has been imported yet (berth vulndb import)", at: 0) }
        var verdict = VulnerabilityVerdict(status: problems.isEmpty ? .scanned : .unscannable,
                                           reason: problems.isEmpty ? nil : problems.joined(separator: "; "),
                                           findings: findings, databaseVersion: version, packageCount: inventory.packages.count)
        requirement.applyExceptions(to: &verdict, at: now)
        return verdict
    }

    /// The vulnerability verdict of an image with `layers`, from the layer reports known now: pending while a layer
    /// has no inventory yet, unscannable when one could not be read; and its packages, numbered for rescans.
    public func verdict(of layers: [Descriptor], reports: [Digest: ScannedLayer], under requirement: VulnerabilityRequirement,
                        at now: Date) -> (VulnerabilityVerdict, InternedInventory?) {
        var unscannable: [String] = []
        var layered: [LayeredReport] = []
        var pending: [Descriptor] = []
        for (index, layer) in layers.enumerated() {
            guard let scanned = reports[layer.digest], scanned.report.inventory != nil || scanned.report.outcome != .scanned else {
                pending.append(layer)
                continue
            }
            if case .unscannable(let reason) = scanned.report.outcome { unscannable.append("layer \(index + 1) (\(layer.digest)): \(reason)") }
            layered.append(LayeredReport(index: index, digest: layer.digest.description, mediaType: layer.mediaType, report: scanned.report))
        }
        let version = current().version
        if !unscannable.isEmpty {
            return (VulnerabilityVerdict(status: .unscannable, reason: unscannable.joined(separator: "; "), findings: [],
                                         databaseVersion: version, packageCount: 0), nil)
        }
        guard pending.isEmpty, let inventory = ImageInventory(layers: layered) else {
            return (VulnerabilityVerdict(status: .pending, reason: nil, findings: [], databaseVersion: version, packageCount: 0,
                                         pendingLayers: pending), nil)
        }
        let interned = intern(inventory)
        return (verdict(of: interned, under: requirement, at: now), interned)
    }
}
