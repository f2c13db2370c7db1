import ArgumentParser
import Declarations
import Enforcement
import Foundation
import NIOCore
import OCI
import Storage
import TestSupport
import Vulnerabilities

/// The vulnerability rescan of bench/rescan.sh, in process over a real data folder: stores N images of about 300
/// packages each (a Debian base of 250 dpkg packages shared by many images, and a layer of 50 Python packages of each
/// image's own), reads every layer once (the inventory, as pushes would), then imports a database of M advisories and
/// times the rescan it triggers, which re-matches the stored inventories and reads no layer.
struct Rescan: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rescan",
        abstract: "Time a vulnerability rescan of stored images against a newly imported database.",
        discussion: #"Prints {"scenario":"rescan","seconds":<rescan>,"ops":<images>,"inventory_seconds":…,"import_seconds":…,"layers_read":…}"#
    )

    @Option(help: "Data folder to create (must not exist)") var data: String
    @Option(help: "Images to store") var images = 10_000
    @Option(help: "Advisories in the imported database") var advisories = 50_000
    @Option(help: "Distinct base layers the images share") var bases = 20
    @Flag(help: "Give each image's Python packages versions of its own: every package version distinct, the worst case for matching")
    var ownVersions = false

    static let basePackages = 250, ownPackages = 50, pythonNames = 2_000

    func run() async throws {
        guard !FileManager.default.fileExists(atPath: data) else { throw BenchError("\(data) exists; give a new folder") }
        let stores = try EmbeddedStores(dataDirectory: URL(fileURLWithPath: data))
        let scans = LayerScans(limits: .standard, blobs: stores.blobs, store: stores.metadata, workers: 2)
        let feed = VulnerabilityFeed(store: stores.metadata)
        let policy = DeclaredPolicy(blobs: stores.blobs, metadata: stores.metadata, scans: scans, vulnerabilities: feed)
        _ = try await feed.importAdvisories([], sources: ["empty"])

        let inventoryStart = ContinuousClock.now
        let config = Array(#"{"architecture":"amd64","os":"linux"}"#.utf8)
        let configDigest = try await store(config, stores, scans)
        var bases: [(Digest, Int)] = []
        for base in 0..<self.bases { bases.append((try await store(Self.baseLayer(base), stores, scans), Self.baseLayer(base).count)) }
        let baseLayers = bases
        // Many pushes at once, as a busy registry takes them: the store commits them in shared transactions.
        let batch = 64
        for first in stride(from: 0, to: images, by: batch) {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for image in first..<min(images, first + batch) {
                    group.addTask {
                        let own = Self.ownLayer(image, ownVersions: ownVersions)
                        let ownDigest = try await store(own, stores, scans)
                        let base = baseLayers[image % baseLayers.count]
                        let repository = RepositoryName("bench/app\(image % 100)")!
                        for (digest, size) in [(configDigest, config.count), base, (ownDigest, own.count)] {
                            try await stores.metadata.linkBlob(repository: repository, digest: digest, size: Int64(size))
                        }
                        let manifest = imageManifest(config: (configDigest, config.count), layers: [base, (ownDigest, own.count)])
                        let record = ManifestRecord(repository: repository, digest: Digest.compute(manifest), mediaType: OCI.MediaType.ociManifest,
                                                    content: manifest)
                        try await stores.metadata.putManifest(ManifestPut(record: record, tags: [Tag("v\(image)")!],
                                                                          blobs: [configDigest, base.0, ownDigest], manifests: [], fixedTags: []))
                    }
                }
                try await group.waitForAll()
            }
        }
        await policy.configurationChanged(to: try Self.declarations())
        // Layers still being read finish in the background; a rescan counts only images whose every layer has been.
        while await policy.rescanVulnerabilities(reason: "warm-up").images < images {
            try await Task.sleep(for: .milliseconds(500))
        }
        let inventorySeconds = Self.seconds(ContinuousClock.now - inventoryStart)

        let database = Self.advisories(advisories)
        let importStart = ContinuousClock.now
        _ = try await feed.importAdvisories(database, sources: ["generated"])
        let importAndRescan = Self.seconds(ContinuousClock.now - importStart)
        guard let rescan = policy.lastRescan else { throw BenchError("the import ran no rescan") }
        let blocked = rescan.blocked
        BenchResult(
            scenario: "rescan", seconds: Self.seconds(rescan.duration), bytes: 0, ops: rescan.images,
            extra: [
                ("inventory_seconds", num(inventorySeconds)),
                ("import_seconds", num(importAndRescan - Self.seconds(rescan.duration))),
                ("blocked", String(blocked)),
                ("packages_per_image", String(Self.basePackages + Self.ownPackages)),
                ("advisories", String(database.count)),
            ]
        ).emit()
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Writes `bytes` as a committed blob and starts its scan, as a push's upload does.
    func store(_ bytes: [UInt8], _ stores: EmbeddedStores, _ scans: LayerScans) async throws -> Digest {
        let digest = Digest.compute(bytes)
        guard !stores.blobs.contains(digest) else { return digest }
        let id = UUID().uuidString
        let writer = try await stores.blobs.openUpload(id: id)
        try await writer.append(ByteBuffer(bytes: bytes))
        try await writer.finish()
        try await stores.blobs.commitUpload(id: id, as: digest)
        scans.blobCommitted(digest)
        return digest
    }

    static func declarations() throws -> DesiredState {
        let yaml = """
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: guarded}
            spec: {scanning: {secrets: {onPush: off}, vulnerabilities: {onPush: block, onPull: block, threshold: high}}}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "bench/*"}
            spec: {tier: guarded}
            """
        let loaded = DeclarationLoader().load([DeclarationFile(path: "bench.yaml", contents: Data(yaml.utf8))])
        guard loaded.errors.isEmpty else { throw BenchError("\(loaded.errors)") }
        return loaded.state
    }

    /// Debian 12 with 250 packages, each built from its own source package, at versions that differ per base.
    static func baseLayer(_ base: Int) -> [UInt8] {
        var status = ""
        for package in 0..<basePackages {
            status += "Package: lib\(package)\nStatus: install ok installed\nSource: src\(package)\nVersion: 1.\(package % 40).\(base)-1\n\n"
        }
        return tarArchive([
            (path: "etc/os-release", contents: Array("ID=debian\nVERSION_ID=\"12\"\n".utf8)),
            (path: "var/lib/dpkg/status", contents: Array(status.utf8)),
        ])
    }

    /// 50 Python packages of the image's own, named from a pool of 2,000, each name at one of four versions (teams
    /// upgrade in waves), and the image's own build file (so that no two images are the same manifest).
    static func ownLayer(_ image: Int, ownVersions: Bool) -> [UInt8] {
        tarArchive((0..<ownPackages).map { index in
            let number = (image * 7 + index * 41) % pythonNames
            let name = "py\(number)"
            let version = ownVersions ? "2.\(number % 30).\(index).\(image)" : "2.\(number % 30).\((image / 500 + index) % 4)"
            return (path: "usr/lib/python3/dist-packages/\(name)-\(version).dist-info/METADATA",
                    contents: Array("Metadata-Version: 2.1\nName: \(name)\nVersion: \(version)\n\n".utf8))
        } + [(path: "app/build", contents: Array("image \(image)\n".utf8))])
    }

    /// `count` advisories, shaped like a real database: a fifth on Debian sources (a tenth of which the images hold, some
    /// fixed in one base's version, some not fixed at all), two fifths on Python names (a tenth of which the images
    /// hold), the rest on packages no image holds. An image then has some 40 findings.
    static func advisories(_ count: Int) -> [Advisory] {
        let high = AdvisorySeverity(level: .high, score: 7.5, vector: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H", source: "CVSS_V3")
        let low = AdvisorySeverity(level: .low, score: 3.1, vector: "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:N/A:N", source: "CVSS_V3")
        return (0..<count).map { index in
            let affected: AffectedPackage
            var severity = high
            switch index % 5 {
            case 0:
                let source = (index / 5) % 2_500, base = (index / 5) % 100
                var events: [OSVRecord.Event] = [.introduced("1.\(source % 40).\(base)-1"), .fixed("1.\(source % 40).\(base + 1)-1")]
                if index % 40 == 0 {
                    events = [.introduced("0")]
                    severity = low
                }
                affected = AffectedPackage(ecosystem: "Debian:12", name: "src\(source)", ranges: [OSVRecord.Range(type: .ecosystem, events: events)])
            case 1, 2:
                let name = "py\((index / 5) % 20_000)"
                affected = AffectedPackage(ecosystem: "PyPI", name: name, ranges: [OSVRecord.Range(
                    type: .ecosystem, events: [.introduced("2.\(index % 30).0"), .fixed("2.\(index % 30).\(index % 7)")])])
            default:
                affected = AffectedPackage(ecosystem: index % 2 == 0 ? "npm" : "Go", name: "absent-\(index)", ranges: [OSVRecord.Range(
                    type: .semver, events: [.introduced("0"), .fixed("1.\(index % 9).0")])])
            }
            return Advisory(id: "BENCH-\(index)", aliases: ["CVE-2099-\(10_000 + index)"], summary: "generated advisory \(index)",
                            severity: severity, affected: [affected])
        }
    }
}
