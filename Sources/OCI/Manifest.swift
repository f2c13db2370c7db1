import Foundation

/// A content descriptor as it appears inside manifests.
public struct Descriptor: Sendable, Hashable, Codable {
    public var mediaType: String
    public var digest: Digest
    public var size: Int64
    public var artifactType: String?
    public var annotations: [String: String]?
    public var urls: [String]?
    public var platform: Platform?

    public init(mediaType: String, digest: Digest, size: Int64, artifactType: String? = nil, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.digest = digest
        self.size = size
        self.artifactType = artifactType
        self.annotations = annotations
    }

    public struct Platform: Sendable, Hashable, Codable {
        public var architecture: String
        public var os: String
        public var variant: String?
        public var osVersion: String?
        public var osFeatures: [String]?

        enum CodingKeys: String, CodingKey {
            case architecture, os, variant
            case osVersion = "os.version"
            case osFeatures = "os.features"
        }
    }
}

extension Digest: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let string = try container.decode(String.self)
        guard let digest = Digest(string) else {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "invalid digest '\(string)'")
        }
        self = digest
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// What Berth needs to know about a pushed manifest: its kind, what it references, and its referrer metadata.
/// The manifest's bytes themselves are kept untouched elsewhere.
public struct ParsedManifest: Sendable, Hashable {
    public var mediaType: String
    /// The config and layers of an image manifest (blobs that must exist in the repository).
    public var blobs: [Descriptor]
    /// The child manifests of an index (manifests that must exist in the repository).
    public var manifests: [Descriptor]
    public var subject: Descriptor?
    /// The type reported by the referrers API: `artifactType`, else the config's media type.
    public var artifactType: String?
    public var annotations: [String: String]?

    public init(mediaType: String, blobs: [Descriptor], manifests: [Descriptor], subject: Descriptor? = nil,
                artifactType: String? = nil, annotations: [String: String]? = nil) {
        self.mediaType = mediaType
        self.blobs = blobs
        self.manifests = manifests
        self.subject = subject
        self.artifactType = artifactType
        self.annotations = annotations
    }

    public enum Problem: Error, Sendable, CustomStringConvertible {
        case notJSON
        case unsupportedMediaType(String)
        case mediaTypeMismatch(header: String, body: String)
        case invalidStructure(String)

        public var description: String {
            switch self {
            case .notJSON: "manifest is not a JSON object"
            case .unsupportedMediaType(let type): "unsupported manifest media type '\(type)'; expected one of \(MediaType.manifestTypes.joined(separator: ", "))"
            case .mediaTypeMismatch(let header, let body): "Content-Type '\(header)' does not match the manifest's mediaType '\(body)'"
            case .invalidStructure(let detail): detail
            }
        }
    }

    private struct Wire: Decodable {
        var schemaVersion: Int?
        var mediaType: String?
        var artifactType: String?
        var config: Descriptor?
        var layers: [Descriptor]?
        var manifests: [Descriptor]?
        var blobs: [Descriptor]?
        var subject: Descriptor?
        var annotations: [String: String]?
    }

    /// Parses manifest bytes pushed with the given `Content-Type`.
    ///
    /// The body's `mediaType`, when present, must agree with the header; when the header is missing
    /// or generic, the body decides, and a body without one is recognised by its shape.
    public static func parse(_ bytes: some DataProtocol, contentType: String?) throws(Problem) -> ParsedManifest {
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty: throw .notJSON
            case .typeMismatch(_, let context) where context.codingPath.isEmpty: throw .notJSON
            default: throw .invalidStructure("manifest does not follow the image spec: \(Self.describe(error))")
            }
        } catch {
            throw .notJSON
        }
        let header = contentType.map(Self.essence).flatMap { $0.isEmpty || $0 == "application/json" || $0 == "application/octet-stream" ? nil : $0 }
        if let header, let body = wire.mediaType, header != body {
            throw .mediaTypeMismatch(header: header, body: body)
        }
        guard let mediaType = header ?? wire.mediaType ?? (wire.manifests != nil ? MediaType.ociIndex : wire.config != nil ? MediaType.ociManifest : nil) else {
            throw .invalidStructure("manifest has no mediaType and no Content-Type was given")
        }
        if mediaType == MediaType.dockerSchema1 || mediaType == MediaType.dockerSchema1Signed {
            throw .unsupportedMediaType(mediaType)
        }
        guard MediaType.manifestTypes.contains(mediaType) else { throw .unsupportedMediaType(mediaType) }
        guard wire.schemaVersion == 2 else {
            throw .invalidStructure("schemaVersion must be 2")
        }
        if MediaType.isIndex(mediaType) {
            guard let manifests = wire.manifests else { throw .invalidStructure("an index needs a 'manifests' array") }
            return ParsedManifest(
                mediaType: mediaType, blobs: [], manifests: manifests, subject: wire.subject,
                artifactType: wire.artifactType, annotations: wire.annotations)
        }
        guard let config = wire.config else { throw .invalidStructure("an image manifest needs a 'config' descriptor") }
        if mediaType == MediaType.dockerManifest, wire.layers == nil {
            throw .invalidStructure("a Docker image manifest needs a 'layers' array")
        }
        // Non-distributable layers live elsewhere (their `urls`), so they need not exist here.
        let layers = (wire.layers ?? []).filter { $0.urls?.isEmpty ?? true }
        return ParsedManifest(
            mediaType: mediaType, blobs: [config] + layers, manifests: [], subject: wire.subject,
            artifactType: wire.artifactType ?? (mediaType == MediaType.ociManifest ? config.mediaType : nil),
            annotations: wire.annotations)
    }

    /// `type/subtype` without parameters, lower-cased.
    public static func essence(_ contentType: String) -> String {
        contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
    }

    private static func describe(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        }
        switch error {
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
            return "\(path(context)): \(context.debugDescription)"
        case .keyNotFound(let key, let context):
            return "\(path(context)): missing field '\(key.stringValue)'"
        @unknown default:
            return "\(error)"
        }
    }
}

extension ParsedManifest {
    /// The filesystem layers of an image manifest, which a content scan reads: the layers after the config, except
    /// JSON documents. An artifact (a config type that is not an image's) has no filesystem layers; its blobs are its
    /// own formats. cosign writes its signatures and attestations as image manifests whose layers are JSON
    /// (`…simplesigning.v1+json`, `…dsse.envelope.v1+json`): documents, not filesystems.
    public var filesystemLayers: [Descriptor] {
        guard let config = blobs.first, MediaType.imageConfigTypes.contains(config.mediaType) else { return [] }
        return blobs.dropFirst().filter { !MediaType.isJSONDocument($0.mediaType) }
    }
}
