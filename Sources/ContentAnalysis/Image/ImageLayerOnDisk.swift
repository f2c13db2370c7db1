/// One layer of an image on disk, as its manifest lists it.
public struct ImageLayerOnDisk: Sendable, Hashable, Codable {
    /// "sha256:<hex>" of the blob as stored.
    public var digest: String
    public var mediaType: String
    /// Bytes of the blob as stored (compressed).
    public var size: Int64

    public init(digest: String, mediaType: String, size: Int64) {
        self.digest = digest
        self.mediaType = mediaType
        self.size = size
    }
}
