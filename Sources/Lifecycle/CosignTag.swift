import OCI

/// cosign's tag scheme for registries without the referrers API: an image's signature, attestation and SBOM are
/// tagged `sha256-<hex>.sig`, `.att` and `.sbom`, and the manifests they point at carry no `subject`. Retention reads
/// the image's digest from the name so such tags go with their image.
enum CosignTag {
    static let suffixes = [".sig", ".att", ".sbom"]

    /// The image `tag` belongs to, or nil when it is not a cosign tag.
    static func subject(of tag: String) -> Digest? {
        guard let suffix = suffixes.first(where: { tag.hasSuffix($0) }), let dash = tag.firstIndex(of: "-") else {
            return nil
        }
        let algorithm = tag[..<dash]
        let hex = tag[tag.index(after: dash)..<tag.index(tag.endIndex, offsetBy: -suffix.count)]
        return Digest("\(algorithm):\(hex)")
    }
}
