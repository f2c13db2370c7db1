import Crypto
import Foundation
import WireFormats

/// Scans layer blobs for secrets, and lists the software they install, one stream each, within limits. Value-typed and
/// immutable: one scanner serves any number of concurrent scans.
public struct LayerScanner: Sendable {
    /// Bumped whenever a change to the engine could change a report for the same bytes.
    static let engineVersion = "content-analysis/3"

    let matcher: SecretMatcher
    public let limits: ScanLimits
    /// Whether reports carry the layer's `LayerInventory` (package databases, Python and npm manifests, Go build
    /// information). Off, a scan reads the same bytes and parses none of them.
    public let inventories: Bool
    /// Identifies the patterns, the limits, whether inventories are read and the engine version, so cached reports are
    /// keyed by it.
    public let fingerprint: String

    public var patterns: [SecretPattern] { matcher.patterns }

    public init(patterns: [SecretPattern] = SecretPattern.builtIn, limits: ScanLimits = .standard, inventories: Bool = true) {
        matcher = SecretMatcher(patterns: patterns)
        self.limits = limits
        self.inventories = inventories
        fingerprint = Self.fingerprint(patterns: patterns, limits: limits, inventories: inventories)
    }

    /// Reads the blob once, front to back. Never throws: every problem is an `unscannable` outcome with its reason.
    /// `mediaType` nil means "sniff": gzip, zstd or tar magic is a layer; anything else is `notALayer`, having read
    /// only its first 262 bytes. `progress` gets the compressed bytes read so far. Blocks the calling thread, which
    /// reads and decompresses, while a thread of the scan's own matches: a scan keeps two cores busy.
    public func scan<Source: LayerSource>(mediaType: String?, source: inout Source,
                                          progress: ((Int64) -> Void)? = nil) -> LayerReport {
        if let mediaType {
            switch LayerMediaType(mediaType) {
            case .layer: break
            case .encrypted: return unscannable("encrypted layer (\(mediaType))")
            case .unknown: return unscannable("unknown layer media type \(mediaType)")
            }
        }
        let box = SourceBox(source)
        defer { source = box.source }
        let input = ArchiveInput(read: { try box.source.read(into: $0) }, progress: progress)
        if mediaType == nil {
            do {
                guard LayerFormat.sniff(try input.peek(LayerFormat.sniffLength)) != nil else {
                    return LayerReport(outcome: .notALayer)
                }
            } catch {
                return unscannable("cannot read the layer: \(error)")
            }
        }
        return LayerReading(matcher: matcher, limits: limits, inventories: inventories, input: input).run()
    }

    /// A layer not read at all: with an empty inventory when inventories are on, so that the image's inventory says
    /// the layer was unscannable rather than asking for a rescan that would end the same way.
    private func unscannable(_ reason: String) -> LayerReport {
        LayerReport(outcome: .unscannable(reason: reason), inventory: inventories ? LayerInventory() : nil)
    }

    /// Whether blobs of `mediaType` are layers this scanner reads (an encrypted layer is one, reported unscannable).
    public static func isLayerMediaType(_ mediaType: String) -> Bool {
        LayerMediaType(mediaType) != .unknown
    }

    private static func fingerprint(patterns: [SecretPattern], limits: ScanLimits, inventories: Bool) -> String {
        var description = "\(engineVersion)\n"
        for pattern in patterns {
            description += [pattern.id, pattern.regexSource, pattern.blockEnd?.pattern ?? "", pattern.keywords.joined(separator: ","),
                            pattern.minimumEntropy.map { "\($0)" } ?? "", pattern.paths?.joined(separator: ",") ?? ""]
                .map { "\($0.utf8.count):\($0)" }.joined(separator: ";") + "\n"
        }
        description += "limits:\(limits.maxExpandedBytes),\(limits.maxExpansionRatio),\(limits.maxEntries),\(limits.maxPathLength),\(limits.maxSymlinkHops)"
        description += inventories ? "\ninventories:\(limits.maxPackageDatabaseBytes),\(limits.maxInventoryFileBytes)" : "\ninventories:off"
        return Hex.string(SHA256.hash(data: Array(description.utf8)), prefix: "sha256:")
    }
}

/// Holds the caller's source for the read callback, which cannot capture an `inout` parameter.
private final class SourceBox<Source: LayerSource> {
    var source: Source
    init(_ source: Source) { self.source = source }
}
