import Crypto
import Foundation

/// An image's inventory as a CycloneDX 1.5 JSON SBOM (https://cyclonedx.org/docs/1.5/json/): the distribution as an
/// `operating-system` component, every package as a `library` with its purl, and where Berth found it as properties.
/// Written with Codable because no CycloneDX library for Swift is in the package mirror.
public struct CycloneDXDocument: Sendable, Encodable {
    public struct Metadata: Sendable, Encodable {
        var timestamp: String
        var tools: Tools
        var component: Component
    }

    struct Tools: Sendable, Encodable {
        var components: [Component]
    }

    public struct Component: Sendable, Encodable {
        var type: String
        var bomRef: String
        var name: String
        var version: String?
        var purl: String?
        var properties: [Property]?

        enum CodingKeys: String, CodingKey {
            case type, name, version, purl, properties
            case bomRef = "bom-ref"
        }
    }

    struct Property: Sendable, Encodable {
        var name: String
        var value: String
    }

    let bomFormat = "CycloneDX"
    let specVersion = "1.5"
    public let serialNumber: String
    let version = 1
    public let metadata: Metadata
    public let components: [Component]

    /// The SBOM of `inventory`, for the image `name` (`payments/api`) at `digest` (nil for an image on disk), made at `time`. The serial number
    /// is derived from the digest and the inventory, so the same image gives the same document but for the time.
    public init(_ inventory: ImageInventory, name: String, digest: String?, time: Date) {
        var components: [Component] = []
        if let distribution = inventory.osRelease {
            components.append(Component(type: "operating-system", bomRef: "os:\(distribution.id)", name: distribution.id,
                                        version: distribution.versionID, purl: nil,
                                        properties: distribution.prettyName.map { [Property(name: "berth:prettyName", value: $0)] }))
        }
        for (index, found) in inventory.packages.enumerated() {
            let package = found.package
            var properties = [Property(name: "berth:ecosystem", value: package.kind.rawValue),
                              Property(name: "berth:layer", value: found.layerDigest),
                              Property(name: "berth:layerIndex", value: String(found.layerIndex + 1)),
                              Property(name: "berth:path", value: package.path)]
            if let source = package.sourceName {
                properties.append(Property(name: "berth:sourcePackage", value: source + (package.sourceVersion.map { " \($0)" } ?? "")))
            }
            let purl = PackageURL.of(package, distribution: inventory.osRelease)
            // A purl can repeat (one package in two layers' paths), and a bom-ref must not.
            components.append(Component(type: "library", bomRef: "\(index + 1):\(purl ?? package.name)", name: package.name,
                                        version: package.version, purl: purl, properties: properties))
        }
        var hash = SHA256()
        hash.update(data: Array((digest ?? name).utf8))
        for component in components { hash.update(data: Array("\n\(component.bomRef)@\(component.version ?? "")".utf8)) }
        serialNumber = "urn:uuid:" + Self.uuid(from: Array(hash.finalize()))
        metadata = Metadata(timestamp: time.formatted(.iso8601),
                            tools: Tools(components: [Component(type: "application", bomRef: "tool:berth", name: "berth", version: nil,
                                                                purl: nil, properties: nil)]),
                            component: Component(type: "container", bomRef: "image:\(name)" + (digest.map { "@\($0)" } ?? ""), name: name, version: digest,
                                                 purl: nil, properties: nil))
        self.components = components
    }

    /// A version 8 (RFC 9562, "custom") UUID from the first 16 bytes of a hash.
    private static func uuid(from bytes: [UInt8]) -> String {
        var b = Array(bytes.prefix(16))
        b[6] = (b[6] & 0x0F) | 0x80
        b[8] = (b[8] & 0x3F) | 0x80
        let hex = b.map { String($0, radix: 16).count == 1 ? "0" + String($0, radix: 16) : String($0, radix: 16) }.joined()
        let characters = Array(hex)
        return [0..<8, 8..<12, 12..<16, 16..<20, 20..<32].map { String(characters[$0]) }.joined(separator: "-")
    }

    /// The document as JSON, keys sorted.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
        return try encoder.encode(self)
    }

    public static let mediaType = "application/vnd.cyclonedx+json; version=1.5"
}
