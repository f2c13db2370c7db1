import Foundation
import OCI

/// Checks the signature layers of signature manifests against the declared signers. Pure: it gets bytes and returns
/// findings; finding the manifests, reading the blobs and deciding what to do with an image is the caller's.
public struct SignatureVerifier: Sendable {
    /// Larger layers are refused unread: real signatures are a few KiB, and a bound keeps hostile ones cheap.
    static let maximumLayerSize = 1 << 20

    let signers: [TrustedSigner]
    /// The time certificates and signature expiry are checked against.
    let now: Date

    public init(signers: [TrustedSigner], now: Date) {
        self.signers = signers
        self.now = now
    }

    /// Every signature layer of one signature manifest, checked against the image digest `subject`.
    /// `isOtherImage` answers whether a digest is another manifest stored in the same repository; a valid signature that
    /// binds to such a digest is `.replayed`, else `.wrongDigest`. Layers that carry no signature in `form` are skipped.
    /// Async because notation's certificate chains are built with swift-certificates' `Verifier`, which is.
    public func check(form: SignatureForm, artifact: Digest, layers: [SignatureLayer], subject: Digest,
                      isOtherImage: (Digest) -> Bool) async -> [SignatureCheck] {
        var checks: [SignatureCheck] = []
        for layer in layers where form.carriesSignature(layerMediaType: layer.descriptor.mediaType) {
            let finding = await check(form: form, layer: layer, subject: subject, isOtherImage: isOtherImage)
            checks.append(SignatureCheck(
                form: form, artifact: artifact, layer: layer.descriptor.digest, signer: finding.signer,
                keyFingerprint: finding.keyFingerprint, signedDigest: finding.signedDigest, outcome: finding.outcome,
                reason: finding.reason, validUntil: finding.validUntil))
        }
        return checks
    }

    private func check(form: SignatureForm, layer: SignatureLayer, subject: Digest, isOtherImage: (Digest) -> Bool) async -> Finding {
        guard layer.content.count <= Self.maximumLayerSize else {
            return .malformed("the layer is too large: \(layer.content.count) bytes, over the limit of \(Self.maximumLayerSize)")
        }
        // The caller read the blob by this digest; a mismatch means it handed over the wrong bytes.
        guard Digest.compute(layer.content, algorithm: layer.descriptor.digest.algorithm) == layer.descriptor.digest else {
            return .malformed("the layer's bytes do not match its digest \(layer.descriptor.digest)")
        }
        do {
            switch form {
            case .cosignTag, .cosignReferrer:
                return try CosignSimpleSigning(verifier: self).check(layer, subject: subject, isOtherImage: isOtherImage)
            case .sigstoreBundle:
                return try SigstoreBundle(verifier: self).check(layer.content, subject: subject, isOtherImage: isOtherImage)
            case .notation:
                return try await NotationSignature(verifier: self).check(layer, subject: subject, isOtherImage: isOtherImage)
            }
        } catch {
            return error.finding
        }
    }

    /// The first declared key, in the declaration order of signers and then of their keys, for which `verifies`
    /// holds: a key declared by two signers is reported as the first one's.
    func firstKey(where verifies: (SigningKey) -> Bool) -> (signer: String, key: SigningKey)? {
        for signer in signers {
            if let key = signer.keys.first(where: verifies) { return (signer.name, key) }
        }
        return nil
    }

    /// The first signer declaring the key with this fingerprint.
    func signer(declaring fingerprint: String) -> String? {
        signers.first { $0.keys.contains { $0.fingerprint == fingerprint } }?.name
    }
}
