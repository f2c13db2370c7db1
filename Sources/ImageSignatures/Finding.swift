import Foundation
import OCI

/// What checking one layer found, before the verifier stamps it with the form, manifest and layer it came from.
struct Finding: Sendable {
    var outcome: SignatureCheck.Outcome
    var reason: String
    var signer: String? = nil
    var keyFingerprint: String? = nil
    var signedDigest: Digest? = nil
    var validUntil: Date? = nil

    static func malformed(_ reason: String) -> Finding { Finding(outcome: .malformed, reason: reason) }

    /// A signature that verified with `fingerprint` of `signer`, over a payload that names `signed`: valid when that is
    /// the image in question, else wrongDigest or, when the caller knows `signed` as another image here, replayed.
    static func binding(signed: Digest, subject: Digest, signer: String, fingerprint: String,
                        isOtherImage: (Digest) -> Bool) -> Finding {
        guard signed == subject else {
            let replayed = isOtherImage(signed)
            let reason = replayed
                ? "signed by \(signer) (key \(fingerprint)) for \(signed), another image in this repository: replayed onto \(subject)"
                : "signed by \(signer) (key \(fingerprint)), but binds to \(signed), not this image \(subject)"
            return Finding(outcome: replayed ? .replayed : .wrongDigest, reason: reason, keyFingerprint: fingerprint, signedDigest: signed)
        }
        return Finding(outcome: .valid, reason: "verified with key \(fingerprint) of \(signer)", signer: signer,
                       keyFingerprint: fingerprint, signedDigest: signed)
    }
}

/// A check that ended early: thrown by the parsing steps of a form, and turned into its finding.
struct Rejection: Error {
    var finding: Finding

    static func malformed(_ reason: String) -> Rejection { Rejection(finding: .malformed(reason)) }

    init(finding: Finding) { self.finding = finding }

    init(_ outcome: SignatureCheck.Outcome, _ reason: String, keyFingerprint: String? = nil) {
        finding = Finding(outcome: outcome, reason: reason, keyFingerprint: keyFingerprint)
    }

    /// This rejection of a payload whose signature verified with the key `fingerprint`, reporting that key.
    func naming(key fingerprint: String) -> Rejection {
        var named = self
        named.finding.keyFingerprint = fingerprint
        return named
    }
}
