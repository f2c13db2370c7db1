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

/// Matches inventories against the current vulnerability database. Keeps every distinct package once, and, for the
/// database version they were made against, the matches of every distinct query and the findings of every distinct
/// package, so a rescan of 10,000 images that share base layers evaluates each distinct package version once and then
/// only concatenates.
public final class InventoryMatching: Sendable {
    /// A package where an image holds it, and the ecosystem its image's distribution gives it.
    private struct EntryKey: Hashable {
        var package: ImageInventory.Package
        var ecosystem: String?
    }

    private struct Entry: Sendable {
        var package: ImageInventory.Package
        var ecosystem: String?
        /// Into `State.queries`; nil for what cannot be matched.
        var query: Int32?
    }

    private struct State {
        var index: [EntryKey: UInt32] = [:]
        var entries: [Entry] = []
        var queryIndex: [PackageQuery: Int32] = [:]
        var queries: [PackageQuery] = []
        /// For `memoVersion`: the matches of each query, and the findings of each entry.
        var memoVersion: Int?
        var matches: [Int32: [VulnerabilityMatch]] = [:]
        var findings: [UInt32: [VulnerabilityFinding]] = [:]
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
                let ecosystem = OSVCoordinates.ecosystem(of: package.package.kind, in: inventory.osRelease)
                if ecosystem == nil { unmatched[package.package.kind, default: 0] += 1 }
                let key = EntryKey(package: package, ecosystem: ecosystem)
                if let known = state.index[key] { return known }
                var query: Int32?
                if let ecosystem, let coordinates = OSVCoordinates.query(for: package.package, ecosystem: ecosystem) {
                    if let known = state.queryIndex[coordinates] {
                        query = known
                    } else {
                        query = Int32(state.queries.count)
                        state.queryIndex[coordinates] = query
                        state.queries.append(coordinates)
                    }
                }
                let number = UInt32(state.entries.count)
                state.entries.append(Entry(package: package, ecosystem: ecosystem, query: query))
                state.index[key] = number
                return number
            }
        }
        for (kind, count) in unmatched.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            let distribution = inventory.osRelease.map { "\($0.id) \($0.versionID ?? "without a release")" } ?? "unknown (no os-release)"
            problems.append("\(count) \(kind.rawValue) package\(count == 1 ? "" : "s") of a distribution the database cannot name: \(distribution)")
        }
        return InternedInventory(packages: numbers, problems: problems)
    }

    /// The findings of an interned inventory against the current database, in the inventory's order (sorting is left
    /// to whoever shows them: a rescan of 10,000 images only compares), and that database's version.
    func findings(of inventory: InternedInventory) -> (findings: [VulnerabilityFinding], databaseVersion: Int?) {
        let (database, version) = current()
        return state.withLock { state in
            if state.memoVersion != version {
                state.matches = [:]
                state.findings = [:]
                state.memoVersion = version
            }
            var findings: [VulnerabilityFinding] = []
            // One finding per advisory and (source) package version: a dpkg source package installs several binaries.
            var seenQueries: Set<Int32> = []
            for number in inventory.packages {
                guard let query = state.entries[Int(number)].query, seenQueries.insert(query).inserted else { continue }
                if let known = state.findings[number] {
                    findings += known
                    continue
                }
                let matches = state.matches[query] ?? database.matches(state.queries[Int(query)])
                state.matches[query] = matches
                let made = matches.map { Self.finding($0, of: state.entries[Int(number)], query: state.queries[Int(query)]) }
                state.findings[number] = made
                findings += made
            }
            return (findings, version)
        }
    }

    private static func finding(_ match: VulnerabilityMatch, of entry: Entry, query: PackageQuery) -> VulnerabilityFinding {
        let package = entry.package
        return VulnerabilityFinding(
            id: match.advisory, aliases: otherNames(of: match), summary: match.summary, package: package.package.name,
            ecosystem: query.ecosystem, sourcePackage: package.package.sourceName, installed: query.version, fixed: match.fixed,
            severity: match.severity?.level, score: match.severity?.score, vector: match.severity?.vector,
            layerIndex: package.layerIndex, layer: package.layerDigest, path: package.package.path,
            undetermined: match.undetermined, suppressedBy: nil)
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
