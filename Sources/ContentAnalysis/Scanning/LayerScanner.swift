import Crypto
import Foundation

/// Scans layer blobs for secrets, one stream each, within limits. Value-typed and immutable: one scanner serves any
/// number of concurrent scans.
public struct LayerScanner: Sendable {
    /// Bumped whenever a change to the engine could change a report for the same bytes.
    static let engineVersion = "content-analysis/2"

    let matcher: SecretMatcher
    public let limits: ScanLimits
    /// Identifies the patterns, the limits and the engine version, so cached reports are keyed by it.
    public let fingerprint: String

    public var patterns: [SecretPattern] { matcher.patterns }

    public init(patterns: [SecretPattern] = SecretPattern.builtIn, limits: ScanLimits = .standard) {
        matcher = SecretMatcher(patterns: patterns)
        self.limits = limits
        fingerprint = Self.fingerprint(patterns: patterns, limits: limits)
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
            case .encrypted: return LayerReport(outcome: .unscannable(reason: "encrypted layer (\(mediaType))"))
            case .unknown: return LayerReport(outcome: .unscannable(reason: "unknown layer media type \(mediaType)"))
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
                return LayerReport(outcome: .unscannable(reason: "cannot read the layer: \(error)"))
            }
        }
        return LayerReading(matcher: matcher, limits: limits, input: input).run()
    }

    /// Whether blobs of `mediaType` are layers this scanner reads (an encrypted layer is one, reported unscannable).
    public static func isLayerMediaType(_ mediaType: String) -> Bool {
        LayerMediaType(mediaType) != .unknown
    }

    private static func fingerprint(patterns: [SecretPattern], limits: ScanLimits) -> String {
        var description = "\(engineVersion)\n"
        for pattern in patterns {
            description += [pattern.id, pattern.regexSource, pattern.blockEnd?.pattern ?? "", pattern.keywords.joined(separator: ","),
                            pattern.minimumEntropy.map { "\($0)" } ?? "", pattern.paths?.joined(separator: ",") ?? ""]
                .map { "\($0.utf8.count):\($0)" }.joined(separator: ";") + "\n"
        }
        description += "limits:\(limits.maxExpandedBytes),\(limits.maxExpansionRatio),\(limits.maxEntries),\(limits.maxPathLength),\(limits.maxSymlinkHops)"
        return "sha256:" + SHA256.hash(data: Array(description.utf8)).map { String(format: "%02x", $0) }.joined()
    }
}

/// Holds the caller's source for the read callback, which cannot capture an `inout` parameter.
private final class SourceBox<Source: LayerSource> {
    var source: Source
    init(_ source: Source) { self.source = source }
}
