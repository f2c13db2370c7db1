/// The media types Berth treats specially. Any other media type is an opaque artifact type.
public enum MediaType {
    public static let ociManifest = "application/vnd.oci.image.manifest.v1+json"
    public static let ociIndex = "application/vnd.oci.image.index.v1+json"
    public static let ociEmpty = "application/vnd.oci.empty.v1+json"
    public static let dockerManifest = "application/vnd.docker.distribution.manifest.v2+json"
    public static let dockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json"
    public static let dockerSchema1Signed = "application/vnd.docker.distribution.manifest.v1+prettyjws"
    public static let dockerSchema1 = "application/vnd.docker.distribution.manifest.v1+json"

    /// Manifest kinds Berth accepts, in the order it prefers them.
    public static let manifestTypes = [ociManifest, ociIndex, dockerManifest, dockerManifestList]

    /// Config types of container images (OCI, Docker): a manifest with one of these has filesystem layers.
    public static let imageConfigTypes: Set<String> = ["application/vnd.oci.image.config.v1+json", "application/vnd.docker.container.image.v1+json"]

    /// `application/json`, or any `+json` structured type.
    public static func isJSONDocument(_ mediaType: String) -> Bool {
        let essence = ParsedManifest.essence(mediaType)
        return essence == "application/json" || essence.hasSuffix("+json")
    }

    public static func isIndex(_ mediaType: String) -> Bool {
        mediaType == ociIndex || mediaType == dockerManifestList
    }
}
