import Foundation
import OCI

/// What one signature layer proved.
public struct SignatureCheck: Sendable, Hashable, Codable {
    public enum Outcome: String, Sendable, Hashable, Codable {
        case valid
        /// The key is known (named by a certificate chain or a bundle key hint) and the signature does not verify, or
        /// the envelope's bytes were altered.
        case badSignature
        /// No declared key verifies it, and nothing names the key: an undeclared key or altered bytes; the reason says both.
        case unverified
        /// The signature names its key (x5c chain, key hint) and that key or chain is not declared.
        case undeclaredKey
        /// Cryptographically valid, but binds to another digest (`signedDigest`).
        case wrongDigest
        /// Valid, and binds to another digest that the caller says is another image in the registry.
        case replayed
        /// Notation: a certificate not valid at the relevant time, or the signature's expiry passed.
        case expiredCertificate
        /// A sigstore bundle whose predicateType is not https://sigstore.dev/cosign/sign/v1 (an attestation), or a
        /// simple-signing payload of another `critical.type`.
        case notASignature
        /// Not parseable in this form; the reason says what.
        case malformed
    }

    public var form: SignatureForm
    /// The signature manifest's digest.
    public var artifact: Digest
    /// The layer's digest.
    public var layer: Digest
    /// The Signer whose key or CA verified it (valid only), else nil.
    public var signer: String?
    /// Fingerprint of the verifying key, or of the key the signature names (x5c leaf, bundle key hint), else nil.
    public var keyFingerprint: String?
    /// The manifest digest the payload binds to, read only once the signature verified (an unverified payload says
    /// nothing worth reporting).
    public var signedDigest: Digest?
    public var outcome: Outcome
    /// One human sentence. It names keys by fingerprint only, never by their material.
    public var reason: String
    /// For valid notation signatures: the earliest of the chain's notAfter and the signature's expiry.
    public var validUntil: Date?

    public var valid: Bool { outcome == .valid }

    public init(form: SignatureForm, artifact: Digest, layer: Digest, signer: String? = nil, keyFingerprint: String? = nil,
                signedDigest: Digest? = nil, outcome: Outcome, reason: String, validUntil: Date? = nil) {
        self.form = form
        self.artifact = artifact
        self.layer = layer
        self.signer = signer
        self.keyFingerprint = keyFingerprint
        self.signedDigest = signedDigest
        self.outcome = outcome
        self.reason = reason
        self.validUntil = validUntil
    }
}
