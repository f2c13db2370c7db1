import OCI

/// A key fingerprint as Berth prints it: "sha256:" + lowercase hex of SHA-256 over the key's DER SubjectPublicKeyInfo
/// (the same as `openssl pkey -pubin -outform DER | sha256sum`).
public func keyFingerprint(spki der: [UInt8]) -> String {
    // A digest's text is exactly that form, so the one hex encoder of OCI serves here too.
    Digest.compute(der).description
}
