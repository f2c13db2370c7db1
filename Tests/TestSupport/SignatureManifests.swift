import Foundation
import OCI

/// A signature manifest as cosign, cosign with OCI 1.1 referrers, cosign 3's Sigstore bundles and notation push them,
/// built by hand from their published layouts (no cosign or notation here), with the blobs it needs.
public struct SignatureManifest: Sendable {
    public enum Form: String, Sendable, CaseIterable {
        /// `sha256-<hex>.sig` tag, simple-signing layer.
        case cosignTag
        /// Referrer with artifactType `application/vnd.dev.cosign.artifact.sig.v1+json`.
        case cosignReferrer
        /// Referrer with artifactType `application/vnd.dev.sigstore.bundle.v0.3+json`.
        case bundle
        /// Referrer with artifactType `application/vnd.cncf.notary.signature`.
        case notation

        /// The `form` sign.py signs in.
        public var signerForm: String {
            switch self {
            case .cosignTag, .cosignReferrer: "cosign"
            case .bundle: "bundle"
            case .notation: "notation"
            }
        }
    }

    public let form: Form
    public let bytes: [UInt8]
    public let blobs: [[UInt8]]
    public var digest: Digest { Digest.compute(bytes) }

    /// The manifest carrying `signed` for the image `subject` (its digest and manifest size).
    public init(_ form: Form, _ signed: Signed, subject: (Digest, Int)) {
        self.form = form
        let layer = signed.content
        var layerDescriptor: [String: Any] = ["digest": Digest.compute(layer).description, "size": layer.count]
        var manifest: [String: Any] = ["schemaVersion": 2, "mediaType": MediaType.ociManifest]
        let emptyConfig = Array("{}".utf8)
        let emptyDescriptor: [String: Any] = ["mediaType": MediaType.ociEmpty, "digest": Digest.compute(emptyConfig).description, "size": 2]
        switch form {
        case .cosignTag, .cosignReferrer:
            layerDescriptor["mediaType"] = "application/vnd.dev.cosign.simplesigning.v1+json"
            layerDescriptor["annotations"] = ["dev.cosignproject.cosign/signature": signed.signature ?? ""]
        case .bundle:
            layerDescriptor["mediaType"] = "application/vnd.dev.sigstore.bundle.v0.3+json"
        case .notation:
            layerDescriptor["mediaType"] = "application/jose+json"
        }
        switch form {
        case .cosignTag:
            // cosign's tag form: an image config naming no image, as `cosign sign` writes it.
            let config = Array(#"{"architecture":"","config":{},"created":"0001-01-01T00:00:00Z","history":[{"created":"0001-01-01T00:00:00Z"}],"os":"","rootfs":{"type":"layers","diff_ids":[]}}"#.utf8)
            manifest["config"] = ["mediaType": "application/vnd.oci.image.config.v1+json", "digest": Digest.compute(config).description, "size": config.count]
            blobs = [config, layer]
        case .cosignReferrer, .bundle, .notation:
            manifest["artifactType"] = [
                .cosignReferrer: "application/vnd.dev.cosign.artifact.sig.v1+json",
                .bundle: "application/vnd.dev.sigstore.bundle.v0.3+json",
                .notation: "application/vnd.cncf.notary.signature",
            ][form]!
            manifest["config"] = emptyDescriptor
            manifest["subject"] = ["mediaType": MediaType.ociManifest, "digest": subject.0.description, "size": subject.1]
            blobs = [emptyConfig, layer]
        }
        manifest["layers"] = [layerDescriptor]
        bytes = Array(try! JSONSerialization.data(withJSONObject: manifest, options: [.sortedKeys]))
    }

    /// Where it is pushed: the `sha256-<hex>.sig` tag for the tag form, its own digest for referrers.
    public func reference(subject: Digest) -> String {
        form == .cosignTag ? "\(subject.algorithm.rawValue)-\(subject.hex).sig" : digest.description
    }
}

extension RegistryClient {
    /// Pushes a signature manifest and its blobs into `repository`; returns the manifest's digest.
    @discardableResult
    public func pushSignature(_ signature: SignatureManifest, for subject: Digest, to repository: String) async throws -> Digest {
        for blob in signature.blobs { try await pushBlob(repository, blob) }
        try await pushManifest(signature.bytes, mediaType: MediaType.ociManifest, to: repository, reference: signature.reference(subject: subject))
        return signature.digest
    }
}
