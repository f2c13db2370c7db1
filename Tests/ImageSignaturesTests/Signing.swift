import Foundation
import ImageSignatures
import OCI
import TestSupport

/// Everything the suite signs, made in one Python run (keys are generated once, so the suite stays fast).
struct SignedSet: Sendable {
    let keys: [String: [UInt8]]
    let trustedRoot: [UInt8]
    let otherRoot: [UInt8]
    let layers: [SignRequest: Signed]
    /// The fingerprints openssl computes for each key: `openssl pkey -pubin -outform DER | sha256sum`.
    let opensslFingerprints: [String: String]

    subscript(_ request: SignRequest) -> Signed { layers[request]! }
}

struct SetupFailure: Error, Sendable, CustomStringConvertible {
    let description: String
}

enum Base64Data {
    static func decode(_ text: String) -> [UInt8] { [UInt8](Data(base64Encoded: text) ?? Data()) }
}

enum Fixtures {
    static let folder = signingFixtures
    static let subject = Digest.compute(Array("the image manifest".utf8))
    static let otherImage = Digest.compute(Array("another image manifest".utf8))
    static let keyKinds = ["p256", "p384", "ed25519", "rsa"]
    static let rejectedKinds = ["rsa1024", "p521", "secp256k1"]

    /// Every request the suites make, so one Python run signs them all.
    static var requests: [SignRequest] {
        CosignCase.allRequests + BundleCase.allRequests + NotationCase.allRequests
    }

    static let signed: Result<SignedSet, SetupFailure> = {
        do {
            return .success(try sign(requests))
        } catch {
            return .failure(SetupFailure(description: "\(error)"))
        }
    }()

    private static func sign(_ requests: [SignRequest]) throws -> SignedSet {
        let openssl = try requiredTool("openssl", package: "openssl")
        let sha256sum = try requiredTool("sha256sum", package: "coreutils")
        let decoded = try signWithPython(keys: keyKinds + keyKinds.map { "other-\($0)" } + rejectedKinds, requests: requests)
        let keys = decoded.keys.mapValues(Base64Data.decode)
        var fingerprints: [String: String] = [:]
        for (name, der) in keys {
            let normalized = try run(openssl, ["pkey", "-pubin", "-inform", "DER", "-outform", "DER"], stdin: Data(der)).stdout
            let sum = try run(sha256sum, [], stdin: normalized).trimmedText
            fingerprints[name] = "sha256:" + sum.prefix { $0 != " " }
        }
        return SignedSet(keys: keys, trustedRoot: Base64Data.decode(decoded.trustedRoot), otherRoot: Base64Data.decode(decoded.otherRoot),
                         layers: Dictionary(zip(requests, decoded.results)) { first, _ in first }, opensslFingerprints: fingerprints)
    }

    /// The signers the suites declare: `release` with one key of each kind and the trusted root; `mirror` declares the
    /// P-256 key too, after it, so a signature by that key must be reported as `release`'s.
    static func signers(_ set: SignedSet) throws -> [TrustedSigner] {
        [
            try TrustedSigner(name: "release", publicKeys: keyKinds.map { set.keys[$0]! }, certificates: [set.trustedRoot]),
            try TrustedSigner(name: "mirror", publicKeys: [set.keys["p256"]!], certificates: []),
        ]
    }

    static func layer(_ content: [UInt8], mediaType: String, annotations: [String: String]? = nil) -> SignatureLayer {
        SignatureLayer(descriptor: Descriptor(mediaType: mediaType, digest: Digest.compute(content), size: Int64(content.count), annotations: annotations),
                       content: content)
    }

    /// Checks one layer of a signature manifest against `subject`.
    static func check(_ layer: SignatureLayer, form: SignatureForm, signers: [TrustedSigner], subject: Digest = subject,
                      now: Date = Date(), otherImages: Set<Digest> = []) async -> SignatureCheck? {
        let checks = await SignatureVerifier(signers: signers, now: now)
            .check(form: form, artifact: Digest.compute(Array("manifest".utf8)), layers: [layer], subject: subject,
                   isOtherImage: { otherImages.contains($0) })
        return checks.first
    }
}

extension Array where Element == UInt8 {
    /// A copy with one bit flipped at `index` (from the end when negative).
    func flippingBit(at index: Int) -> [UInt8] {
        var copy = self
        copy[index < 0 ? count + index : index] ^= 0x01
        return copy
    }
}
