import Foundation
import ImageSignatures
import NIOCore
import OCI
import Storage

/// Finds and reads the signature manifests stored for an image: its referrers of a signature artifact type, and the
/// manifest under cosign's `sha256-<hex>.sig` tag.
struct SignatureArtifacts: Sendable {
    let blobs: any BlobStore
    let metadata: any MetadataStore

    /// A signature layer bigger than this is not read in full; the verifier refuses it as too large.
    static let layerReadLimit: Int64 = (1 << 20) + 1
    /// At most this many signature manifests are checked per image (cosign's tag first, then referrers by digest), so
    /// a producer flooding an image with referrers slows only that image's verdict, and only this much.
    static let maximumArtifacts = 64
    /// At most this many signature layers are read per signature manifest: real ones carry one or a few, and the bound
    /// keeps a manifest of a thousand 1 MiB layers from costing a gigabyte of reads per verdict.
    static let maximumLayers = 16

    /// A signature manifest as the verifier needs it.
    struct Artifact: Sendable {
        let form: SignatureForm
        let digest: Digest
        let layers: [SignatureLayer]
    }

    /// The form of a stored manifest when it is a signature manifest: its type says so and it carries nothing but
    /// signatures. A manifest merely tagged `….sig`, or typed as a signature but carrying other layers, is not one, so a
    /// tag name can never exempt an image from quarantine.
    static func signatureForm(of record: ManifestRecord, tags: [Tag]) -> (form: SignatureForm, parsed: ParsedManifest)? {
        guard let parsed = try? ParsedManifest.parse(record.content, contentType: record.mediaType), !MediaType.isIndex(parsed.mediaType) else {
            return nil
        }
        let layers = Array(parsed.blobs.dropFirst())
        let tagged = tags.contains { CosignTag.signedImage(of: $0) != nil }
        guard let form = SignatureForm.of(artifactType: parsed.artifactType, configMediaType: parsed.blobs.first?.mediaType,
                                          taggedAsCosignSignature: tagged),
              !layers.isEmpty, form.signatureLayers(layers).count == layers.count
        else { return nil }
        return (form, parsed)
    }

    /// Every signature manifest stored for `subject` in `repository`.
    func artifacts(signing subject: Digest, in repository: RepositoryName) async throws -> [Artifact] {
        var records: [ManifestRecord] = []
        if let tag = CosignTag.signatureTag(for: subject), let record = try await metadata.manifest(repository: repository, reference: .tag(tag)) {
            records.append(record)
        }
        for referrer in try await metadata.referrers(repository: repository, subject: subject)
        where records.count < Self.maximumArtifacts && !records.contains(where: { $0.digest == referrer.digest })
            && SignatureForm.of(artifactType: referrer.artifactType, configMediaType: nil, taggedAsCosignSignature: false) != nil {
            if let record = try await metadata.manifest(repository: repository, reference: .digest(referrer.digest)) { records.append(record) }
        }
        var artifacts: [Artifact] = []
        for record in records {
            let tags = try await metadata.tags(repository: repository, pointingAt: record.digest)
            guard let (form, parsed) = Self.signatureForm(of: record, tags: tags) else { continue }
            var layers: [SignatureLayer] = []
            for descriptor in form.signatureLayers(Array(parsed.blobs.dropFirst())).prefix(Self.maximumLayers) {
                layers.append(SignatureLayer(descriptor: descriptor, content: try await read(descriptor.digest)))
            }
            artifacts.append(Artifact(form: form, digest: record.digest, layers: layers))
        }
        return artifacts
    }

    private func read(_ digest: Digest) async throws -> [UInt8] {
        guard let size = try await blobs.size(of: digest) else { return [] }
        var content: [UInt8] = []
        try await blobs.read(digest, range: 0..<min(size, Self.layerReadLimit)) { buffer in
            content.append(contentsOf: buffer.readableBytesView)
        }
        return content
    }
}
