import Crypto
import _CryptoExtras
import Foundation
import WireFormats

/// An SSH public key of a type Berth verifies signatures with.
///
/// Two keys are equal when their key material is equal (the comment does not count). The key bytes are
/// kept in canonical wire form (RFC 4253 §6.6, RFC 5656 §3.1, RFC 8709 §4), the form OpenSSH hashes for
/// fingerprints, so a key is equal to itself however its `mpint`s were padded in the text it came from.
public struct SSHPublicKey: Sendable, Hashable, CustomStringConvertible {
    public enum Algorithm: String, Sendable, Hashable, CaseIterable {
        case ed25519 = "ssh-ed25519"
        case ecdsaP256 = "ecdsa-sha2-nistp256"
        case ecdsaP384 = "ecdsa-sha2-nistp384"
        case ecdsaP521 = "ecdsa-sha2-nistp521"
        case rsa = "ssh-rsa"
    }

    /// Why a key could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// Not a well-formed key of a type Berth knows.
            case malformed
            /// A well-formed key of a kind Berth refuses (certificates, security keys, DSA, short RSA, ...).
            case unsupported
        }
        public let kind: Kind
        public let message: String
        public var description: String { message }
        init(_ kind: Kind, _ message: String) {
            self.kind = kind
            self.message = message
        }
    }

    public let algorithm: Algorithm
    /// The key in canonical SSH wire form: `string keytype` followed by the type's fields.
    public let blob: Data
    /// The comment after the key in the line it was read from, if any.
    public let comment: String?

    let material: Material

    enum Material: Sendable {
        case ed25519(Curve25519.Signing.PublicKey)
        case p256(P256.Signing.PublicKey)
        case p384(P384.Signing.PublicKey)
        case p521(P521.Signing.PublicKey)
        case rsa(_RSA.Signing.PublicKey, bits: Int)
    }

    /// OpenSSH's fingerprint: `SHA256:` and the unpadded base64 of the SHA-256 of the key blob.
    public var fingerprint: String {
        "SHA256:" + Base64.encode(SHA256.hash(data: blob), padded: false)
    }

    /// `keytype base64`, as in an authorized_keys or allowed_signers line (without the comment).
    public var openSSHRepresentation: String {
        algorithm.rawValue + " " + Base64.encode(blob)
    }

    /// The modulus size of an RSA key, in bits; the curve's size for ECDSA; 256 for Ed25519.
    public var bits: Int {
        switch material {
        case .ed25519, .p256: 256
        case .p384: 384
        case .p521: 521
        case .rsa(_, let bits): bits
        }
    }

    public var description: String { "\(algorithm.rawValue) \(fingerprint)" }

    public static func == (lhs: SSHPublicKey, rhs: SSHPublicKey) -> Bool { lhs.blob == rhs.blob }
    public func hash(into hasher: inout Hasher) { hasher.combine(blob) }

    /// Reads an OpenSSH public key line: `keytype base64 [comment]` (as in a `.pub` file).
    public init(line: String) throws(ParseError) {
        let trimmed = line.trimmingCharacters(in: .whitespacesAndNewlines)
        var fields = trimmed.split(maxSplits: 2, omittingEmptySubsequences: true, whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 2 else {
            throw ParseError(.malformed, "expected \"keytype base64 [comment]\"")
        }
        let type = String(fields.removeFirst())
        let encoded = fields.removeFirst()
        let comment = fields.first.map { String($0).trimmingCharacters(in: .whitespaces) }
        try self.init(type: type, base64: encoded, comment: comment)
    }

    /// Reads a key given its type name and base64 blob, checking that the blob is of that type.
    init(type: String, base64: Substring, comment: String?) throws(ParseError) {
        if let refusal = SSHPublicKey.refusal(forTypeName: type) {
            throw ParseError(.unsupported, refusal)
        }
        guard Algorithm(rawValue: type) != nil else {
            throw ParseError(.malformed, "unknown key type \"\(type.prefix(64))\"")
        }
        guard base64.utf8.count <= SSHPublicKey.maximumBase64Length else {
            throw ParseError(.malformed, "key is too long")
        }
        guard let bytes = Base64.decode(base64) else {
            throw ParseError(.malformed, "key is not valid base64")
        }
        try self.init(blob: bytes, comment: comment)
        guard algorithm.rawValue == type else {
            throw ParseError(.malformed, "key type \"\(type)\" does not match the key, which is \(algorithm.rawValue)")
        }
    }

    /// Reads a key in SSH wire form (`string keytype` and the type's fields), as inside an SSH signature.
    public init(blob: Data, comment: String? = nil) throws(ParseError) {
        try self.init(blob: [UInt8](blob), comment: comment)
    }

    init(blob bytes: [UInt8], comment: String?) throws(ParseError) {
        var reader = SSHWireReader(bytes)
        do {
            let type = try reader.readText(what: "key type")
            if let refusal = SSHPublicKey.refusal(forTypeName: type) {
                throw ParseError(.unsupported, refusal)
            }
            guard let algorithm = Algorithm(rawValue: type) else {
                throw ParseError(.malformed, "unknown key type \"\(type.prefix(64))\"")
            }
            var canonical = SSHWireWriter()
            canonical.writeString(type)
            let material: Material
            switch algorithm {
            case .ed25519:
                let raw = try reader.readString(what: "Ed25519 key")
                guard raw.count == 32 else {
                    throw ParseError(.malformed, "Ed25519 key is \(raw.count) bytes, not 32")
                }
                guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else {
                    throw ParseError(.malformed, "invalid Ed25519 key")
                }
                material = .ed25519(key)
                canonical.writeString(raw)
            case .ecdsaP256, .ecdsaP384, .ecdsaP521:
                let curve = try reader.readText(what: "ECDSA curve name")
                let expected = String(type.dropFirst("ecdsa-sha2-".count))
                guard curve == expected else {
                    throw ParseError(.malformed, "ECDSA key of type \(type) names curve \"\(curve.prefix(64))\"")
                }
                let point = try reader.readString(what: "ECDSA point")
                guard point.first == 0x04 else {
                    throw ParseError(.malformed, "ECDSA point is not in uncompressed form")
                }
                do {
                    switch algorithm {
                    case .ecdsaP256: material = .p256(try P256.Signing.PublicKey(x963Representation: point))
                    case .ecdsaP384: material = .p384(try P384.Signing.PublicKey(x963Representation: point))
                    default: material = .p521(try P521.Signing.PublicKey(x963Representation: point))
                    }
                } catch {
                    throw ParseError(.malformed, "invalid ECDSA point for \(curve)")
                }
                canonical.writeString(curve)
                canonical.writeString(point)
            case .rsa:
                let e = try reader.readPositiveMPInt(what: "RSA exponent")
                let n = try reader.readPositiveMPInt(what: "RSA modulus")
                let bits = SSHPublicKey.bitLength(n)
                guard bits >= 2048 else {
                    throw ParseError(.unsupported, "RSA keys shorter than 2048 bits are not accepted (this one has \(bits))")
                }
                guard bits <= 16384 else {
                    throw ParseError(.unsupported, "RSA keys longer than 16384 bits are not accepted (this one has \(bits))")
                }
                guard !e.isEmpty, e.count <= 8, e.last! & 1 == 1, SSHPublicKey.bitLength(e) >= 2 else {
                    throw ParseError(.malformed, "invalid RSA public exponent")
                }
                guard let key = try? _RSA.Signing.PublicKey(n: n, e: e) else {
                    throw ParseError(.malformed, "invalid RSA key")
                }
                material = .rsa(key, bits: bits)
                canonical.writePositiveMPInt(e)
                canonical.writePositiveMPInt(n)
            }
            try reader.expectEnd("the key")
            self.algorithm = algorithm
            self.material = material
            self.blob = Data(canonical.bytes)
            self.comment = comment.flatMap { $0.isEmpty ? nil : $0 }
        } catch let error as SSHWireError {
            throw ParseError(.malformed, "malformed key: \(error.message)")
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(.malformed, "malformed key: \(error)")
        }
    }

    /// Base64 of the largest key accepted (a 16384-bit RSA key is about 2.8 KB of text).
    static let maximumBase64Length = 8192

    /// Key type names that are real SSH key types but that Berth refuses, with the reason.
    static func refusal(forTypeName type: String) -> String? {
        if type.hasSuffix("-cert-v01@openssh.com") || type.hasSuffix("-cert-v00@openssh.com") {
            return "SSH certificates are not supported (\(type)); list the signer's own public key"
        }
        switch type {
        case "sk-ssh-ed25519@openssh.com", "sk-ecdsa-sha2-nistp256@openssh.com":
            return "security-key (FIDO) SSH keys are not supported (\(type))"
        case "ssh-dss":
            return "DSA keys are not supported (ssh-dss is insecure)"
        case "ssh-xmss@openssh.com":
            return "XMSS keys are not supported"
        default:
            return nil
        }
    }

    /// Whether `name` is the name of an SSH key type, supported or not (used to tell a key from a principal).
    static func isKeyTypeName(_ name: Substring) -> Bool {
        let name = String(name)
        return Algorithm(rawValue: name) != nil || refusal(forTypeName: name) != nil
    }

    static func bitLength(_ magnitude: [UInt8]) -> Int {
        guard let first = magnitude.first(where: { $0 != 0 }) else { return 0 }
        let index = magnitude.firstIndex(of: first)!
        return (magnitude.count - index - 1) * 8 + (8 - first.leadingZeroBitCount)
    }
}
