import Foundation
import OCI
import Storage
import TestSupport
import Testing

/// The contract every `LayerScanStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check.
public struct LayerScanStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any LayerScanStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("scansAreKeptPerLayerAndScanner", scansAreKeptPerLayerAndScanner),
            ConformanceCheck("aRescanReplacesTheEarlierScan", aRescanReplacesTheEarlierScan),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private static let layer = Digest.compute(Array("layer".utf8))
    private static let otherLayer = Digest.compute(Array("other layer".utf8))

    public func scansAreKeptPerLayerAndScanner() async throws {
        let check: Comment = "LayerScanStoreConformance.scansAreKeptPerLayerAndScanner"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            #expect(try await store.layerScan(of: Self.layer, scanner: "v1") == nil, check)
            let scan = StoredLayerScan(digest: Self.layer, scanner: "v1", report: Array(#"{"outcome":"scanned"}"#.utf8),
                                       scannedAt: Date(timeIntervalSince1970: 1_800_000_000.25))
            try await store.recordLayerScan(scan)
            #expect(try await store.layerScan(of: Self.layer, scanner: "v1") == scan, check)
            #expect(try await store.layerScan(of: Self.layer, scanner: "v2") == nil, "\(check.rawValue): another scanner's rules")
            #expect(try await store.layerScan(of: Self.otherLayer, scanner: "v1") == nil, "\(check.rawValue): another layer")

            let newer = StoredLayerScan(digest: Self.layer, scanner: "v2", report: [7], scannedAt: Date(timeIntervalSince1970: 1_800_000_100))
            try await store.recordLayerScan(newer)
            #expect(try await store.layerScan(of: Self.layer, scanner: nil) == newer, "\(check.rawValue): the newest scan by any scanner")
            #expect(try await store.layerScan(of: Self.layer, scanner: "v1") == scan, "\(check.rawValue): the older scanner's is kept")
        }
    }

    public func aRescanReplacesTheEarlierScan() async throws {
        let check: Comment = "LayerScanStoreConformance.aRescanReplacesTheEarlierScan"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            let first = StoredLayerScan(digest: Self.layer, scanner: "v1", report: [1], scannedAt: Date(timeIntervalSince1970: 1_800_000_000))
            let second = StoredLayerScan(digest: Self.layer, scanner: "v1", report: [2, 3], scannedAt: Date(timeIntervalSince1970: 1_800_000_060))
            try await store.recordLayerScan(first)
            try await store.recordLayerScan(second)
            #expect(try await store.layerScan(of: Self.layer, scanner: "v1") == second, check)
        }
    }
}
