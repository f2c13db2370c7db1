/// How the scanner treats a blob by its media type.
enum LayerMediaType: Equatable {
    case layer
    case encrypted
    case unknown

    /// Tar layers, uncompressed, gzip or zstd: OCI's (with their nondistributable variants) and Docker's.
    static let layers: Set<String> = [
        "application/vnd.oci.image.layer.v1.tar",
        "application/vnd.oci.image.layer.v1.tar+gzip",
        "application/vnd.oci.image.layer.v1.tar+zstd",
        "application/vnd.oci.image.layer.nondistributable.v1.tar",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
        "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd",
        "application/vnd.docker.image.rootfs.diff.tar.gzip",
        "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
        // What `docker save` archives hold: uncompressed layers.
        "application/vnd.docker.image.rootfs.diff.tar",
    ]

    init(_ mediaType: String) {
        if Self.layers.contains(mediaType) {
            self = .layer
        } else if mediaType.hasSuffix("+encrypted"), Self.layers.contains(String(mediaType.dropLast("+encrypted".count))) {
            self = .encrypted
        } else {
            self = .unknown
        }
    }
}
