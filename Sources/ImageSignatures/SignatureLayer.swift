import OCI

/// A layer of a signature manifest, with its bytes (already read by the caller; the caller caps the size).
public struct SignatureLayer: Sendable, Hashable {
    /// Media type, digest and annotations, as the manifest lists them.
    public var descriptor: Descriptor
    public var content: [UInt8]

    public init(descriptor: Descriptor, content: [UInt8]) {
        self.descriptor = descriptor
        self.content = content
    }
}
