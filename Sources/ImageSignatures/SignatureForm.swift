import OCI

/// The four forms in which signers push container-image signatures to a registry.
public enum SignatureForm: String, Sendable, Hashable, Codable, CaseIterable {
    /// An OCI manifest tagged `sha256-<hex>.sig`, with simple-signing layers (cosign's classic layout).
    case cosignTag = "cosign"
    /// The same layers in a manifest that names the image as its `subject` (cosign's OCI 1.1 referrers mode).
    case cosignReferrer = "cosign-referrer"
    /// A sigstore bundle v0.3 holding a DSSE envelope, as `cosign sign --new-bundle-format` pushes.
    case sigstoreBundle = "sigstore-bundle"
    /// A Notary Project signature (notation), as a JWS envelope.
    case notation = "notation"

    static let cosignArtifactType = "application/vnd.dev.cosign.artifact.sig.v1+json"
    static let sigstoreBundleType = "application/vnd.dev.sigstore.bundle.v0.3+json"
    static let notationArtifactType = "application/vnd.cncf.notary.signature"
    static let simpleSigningLayerType = "application/vnd.dev.cosign.simplesigning.v1+json"
    static let joseLayerType = "application/jose+json"
    static let coseLayerType = "application/cose"

    /// The form of a stored manifest, or nil when it is not a signature. `artifactType` is the manifest's artifactType
    /// (or its config media type when artifactType is absent, as OCI 1.1 says); `taggedAsCosignSignature` is true when
    /// it was found under a `sha256-<hex>.sig` tag.
    public static func of(artifactType: String?, configMediaType: String?, taggedAsCosignSignature: Bool) -> SignatureForm? {
        switch artifactType ?? configMediaType {
        case cosignArtifactType: .cosignReferrer
        case sigstoreBundleType: .sigstoreBundle
        case notationArtifactType: .notation
        // The tag form's config is an ordinary image config, so only the tag tells it apart.
        default: taggedAsCosignSignature ? .cosignTag : nil
        }
    }

    /// The layers of a signature manifest that carry signatures in this form (filter by the layer media type:
    /// application/vnd.dev.cosign.simplesigning.v1+json, application/vnd.dev.sigstore.bundle.v0.3+json, application/jose+json).
    /// Notation's `application/cose` layers are included too, so that the verifier reports them as unsupported rather
    /// than the signature silently having no layers.
    public func signatureLayers(_ layers: [Descriptor]) -> [Descriptor] {
        layers.filter { carriesSignature(layerMediaType: $0.mediaType) }
    }

    func carriesSignature(layerMediaType: String) -> Bool {
        switch self {
        case .cosignTag, .cosignReferrer: layerMediaType == Self.simpleSigningLayerType
        case .sigstoreBundle: layerMediaType == Self.sigstoreBundleType
        case .notation: layerMediaType == Self.joseLayerType || layerMediaType == Self.coseLayerType
        }
    }
}
