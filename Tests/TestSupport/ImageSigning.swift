import Foundation

/// One signature layer to make with `Tests/ImageSignaturesTests/Fixtures/sign.py`: Python's `cryptography` signing the
/// way cosign, Sigstore bundles and notation lay signatures out, so no test checks Berth against its own signer.
public struct SignRequest: Codable, Hashable, Sendable {
    /// `cosign`, `bundle` or `notation`.
    public var form: String
    /// The name of the key to sign with (one of the batch's keys).
    public var key: String
    /// The manifest digest the payload names.
    public var digest: String
    public var padding: String? = nil
    public var digestKey: String? = nil
    public var type: String? = nil
    public var predicateType: String? = nil
    public var statementType: String? = nil
    public var hint: Bool? = nil
    public var alg: String? = nil
    public var chain: String? = nil
    public var expiredLeaf: Bool? = nil
    public var expiry: Int? = nil
    public var expiryInCrit: Bool? = nil
    public var extraCrit: [String]? = nil
    public var signingTimeOffset: Int? = nil

    public init(form: String, key: String, digest: String, padding: String? = nil, digestKey: String? = nil, type: String? = nil,
                predicateType: String? = nil, statementType: String? = nil, hint: Bool? = nil, alg: String? = nil, chain: String? = nil,
                expiredLeaf: Bool? = nil, expiry: Int? = nil, expiryInCrit: Bool? = nil, extraCrit: [String]? = nil,
                signingTimeOffset: Int? = nil) {
        self.form = form
        self.key = key
        self.digest = digest
        self.padding = padding
        self.digestKey = digestKey
        self.type = type
        self.predicateType = predicateType
        self.statementType = statementType
        self.hint = hint
        self.alg = alg
        self.chain = chain
        self.expiredLeaf = expiredLeaf
        self.expiry = expiry
        self.expiryInCrit = expiryInCrit
        self.extraCrit = extraCrit
        self.signingTimeOffset = signingTimeOffset
    }
}

/// One layer sign.py made: its bytes (base64), and for cosign the signature annotation's value.
public struct Signed: Decodable, Sendable {
    public var layer: String
    public var signature: String?
    public var content: [UInt8] { [UInt8](Data(base64Encoded: layer) ?? Data()) }
}

/// What one sign.py run made: the public keys (base64 DER SubjectPublicKeyInfo) by name, the CA certificates (base64
/// DER), and one result per request, in order.
public struct SignerOutput: Decodable, Sendable {
    public var keys: [String: String]
    public var trustedRoot: String
    public var otherRoot: String
    public var results: [Signed]

    public func key(_ name: String) -> [UInt8] { [UInt8](Data(base64Encoded: keys[name] ?? "") ?? Data()) }

    /// A public key as a PEM block, for declarations.
    public func pem(_ name: String) -> String { pemBlock("PUBLIC KEY", key(name)) }
    public var trustedRootPEM: String { pemBlock("CERTIFICATE", [UInt8](Data(base64Encoded: trustedRoot) ?? Data())) }

    private func pemBlock(_ label: String, _ der: [UInt8]) -> String {
        let body = Data(der).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        return "-----BEGIN \(label)-----\n\(body)\n-----END \(label)-----"
    }
}

/// The folder of sign.py and its pinned fixtures.
public let signingFixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("ImageSignaturesTests/Fixtures")

/// Makes keys named `keys` (`p256`, `p384`, `ed25519`, `rsa`, `other-…` for a second key of a kind, `rsa1024`, …) and
/// signs every request with them, in one Python run.
public func signWithPython(keys: [String], requests: [SignRequest]) throws -> SignerOutput {
    let python = try python3(with: "cryptography")
    struct Batch: Encodable { var keys: [String]; var requests: [SignRequest] }
    let input = try JSONEncoder().encode(Batch(keys: keys, requests: requests))
    let output = try run(python, [signingFixtures.appendingPathComponent("sign.py").path, "batch"], stdin: input)
    let decoded = try JSONDecoder().decode(SignerOutput.self, from: output.stdout)
    guard decoded.results.count == requests.count else {
        throw TestFailure("sign.py returned \(decoded.results.count) results for \(requests.count) requests")
    }
    return decoded
}
