import OCI

/// One deletion the next run makes, and why.
public struct RetentionDeletion: Sendable, Hashable, Codable {
    public enum Target: Sendable, Hashable {
        /// The tag name, and the manifest it points at.
        case tag(String, digest: Digest)
        case manifest(Digest)
    }

    public var target: Target
    /// e.g. "not among the 20 most recently pushed tags (keepLast 20), not pushed within 30d, not pulled within 90d";
    /// "untagged for more than 24h"; "referrer of sha256:…, which is deleted".
    public var reason: String

    public init(target: Target, reason: String) {
        self.target = target
        self.reason = reason
    }
}

/// `{"tag": "latest", "digest": "sha256:…"}` or `{"manifest": "sha256:…"}`: plans are read by people and scripts, so
/// the target is written with named fields rather than the synthesized `{"tag": {"_0": …}}`.
extension RetentionDeletion.Target: Codable {
    private enum CodingKeys: String, CodingKey {
        case tag, digest, manifest
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        if let tag = try container.decodeIfPresent(String.self, forKey: .tag) {
            self = .tag(tag, digest: try container.decode(Digest.self, forKey: .digest))
        } else {
            self = .manifest(try container.decode(Digest.self, forKey: .manifest))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        switch self {
        case .tag(let tag, let digest):
            try container.encode(tag, forKey: .tag)
            try container.encode(digest, forKey: .digest)
        case .manifest(let digest):
            try container.encode(digest, forKey: .manifest)
        }
    }
}
