import AuditRecords
import Foundation
import Logging
import WireFormats

/// `berth serve --log-format json`: every record one JSON object on one line (spec/logging.md), for collectors that
/// parse lines rather than guess at text. Keys come in a fixed order and metadata keys sorted, so equal records are
/// equal lines.
struct JSONLogHandler: LogHandler {
    let label: String
    let output: LogLineOutput
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?

    init(label: String, output: LogLineOutput, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.output = output
        self.metadataProvider = metadataProvider
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Logger has checked the level already, so a direct call (the listening announcement) is written whatever the level.
    func log(event: LogEvent) {
        output.write(line(event, at: Date()))
    }

    func line(_ event: LogEvent, at time: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        func key(_ name: String) {
            out.append(out.isEmpty ? UInt8(ascii: "{") : UInt8(ascii: ","))
            CanonicalJSONString.write(name, to: &out)
            out.append(UInt8(ascii: ":"))
        }
        key("time")
        CanonicalJSONString.write(AuditTime.string(time), to: &out)
        key("level")
        CanonicalJSONString.write(event.level.rawValue, to: &out)
        key("label")
        CanonicalJSONString.write(label, to: &out)
        key("message")
        CanonicalJSONString.write(event.message.description, to: &out)
        if let error = event.error {
            key("error")
            CanonicalJSONString.write(String(describing: error), to: &out)
        }
        key("metadata")
        Self.write(mergedMetadata(event.metadata), to: &out)
        key("source")
        CanonicalJSONString.write(event.source, to: &out)
        key("file")
        CanonicalJSONString.write(event.file, to: &out)
        key("line")
        out.append(contentsOf: String(event.line).utf8)
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
        return out
    }

    /// As swift-log's own handler merges: the handler's metadata, then the provider's, then the call's, later keys winning.
    private func mergedMetadata(_ explicit: Logger.Metadata?) -> Logger.Metadata {
        var merged = metadata
        if let provided = metadataProvider?.get(), !provided.isEmpty {
            merged.merge(provided) { _, provided in provided }
        }
        if let explicit, !explicit.isEmpty {
            merged.merge(explicit) { _, explicit in explicit }
        }
        return merged
    }

    private static func write(_ metadata: Logger.Metadata, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for (index, key) in metadata.keys.sorted().enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            CanonicalJSONString.write(key, to: &out)
            out.append(UInt8(ascii: ":"))
            write(metadata[key]!, to: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    private static func write(_ value: Logger.MetadataValue, to out: inout [UInt8]) {
        switch value {
        case .string(let string): CanonicalJSONString.write(string, to: &out)
        case .stringConvertible(let convertible): CanonicalJSONString.write(convertible.description, to: &out)
        case .dictionary(let dictionary): write(dictionary, to: &out)
        case .array(let values):
            out.append(UInt8(ascii: "["))
            for (index, element) in values.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(element, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        }
    }
}
