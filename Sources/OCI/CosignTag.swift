/// cosign's tag scheme for registries without the referrers API: an image's signature, attestation and SBOM are
/// tagged `sha256-<hex>.sig`, `.att` and `.sbom`, and the manifests they point at carry no `subject`. Signature
/// verification finds signatures by it; retention reads the image's digest from the name so such tags go with it.
public enum CosignTag {
    static let suffixes = [".sig", ".att", ".sbom"]

    /// The image `tag` belongs to, or nil when it is not a cosign tag.
    public static func subject(of tag: String) -> Digest? {
        guard let suffix = suffixes.first(where: { tag.hasSuffix($0) }) else { return nil }
        return digest(in: tag, suffix: suffix)
    }

    /// The image a `….sig` tag holds signatures of, or nil when `tag` is not a signature tag.
    public static func signedImage(of tag: Tag) -> Digest? {
        tag.value.hasSuffix(".sig") ? digest(in: tag.value, suffix: ".sig") : nil
    }

    /// The tag cosign stores `digest`'s signatures under: `sha256-<hex>.sig`.
    public static func signatureTag(for digest: Digest) -> Tag? {
        Tag("\(digest.algorithm.rawValue)-\(digest.hex).sig")
    }

    private static func digest(in tag: String, suffix: String) -> Digest? {
        guard let dash = tag.firstIndex(of: "-") else { return nil }
        let algorithm = tag[..<dash]
        let hex = tag[tag.index(after: dash)..<tag.index(tag.endIndex, offsetBy: -suffix.count)]
        return Digest("\(algorithm):\(hex)")
    }
}
