import Crypto
import Foundation
import WireFormats

/// An SSH signature as `ssh-keygen -Y sign` writes it (OpenSSH PROTOCOL.sshsig), and as git stores it in a
/// commit's `gpgsig` header when `gpg.format=ssh`.
///
/// Parsing checks the structure only; `CommitSignatureVerifier` checks what the signature says.
public struct SSHSignature: Sendable {
    public enum HashAlgorithm: String, Sendable, Hashable {
        case sha256
        case sha512
    }

    /// Why a signature could not be read.
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public enum Kind: Sendable, Equatable {
            /// The text is no SSH signature at all (empty, GPG, X.509, something else).
            case notSSHSignature
            /// An SSH signature that is damaged: bad armor, bad base64, bad structure.
            case malformed
            /// A well-formed SSH signature of a kind Berth refuses (a certificate, an unknown hash, SHA-1 RSA, ...).
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

    /// The key that made the signature.
    public let publicKey: SSHPublicKey
    /// The namespace the signer chose (`git` for commits and tags).
    public let namespace: String
    /// The hash of the signed data that was signed (`ssh-keygen` uses sha512 unless told otherwise).
    public let hashAlgorithm: HashAlgorithm
    /// The signature algorithm: the key type, or `rsa-sha2-256` / `rsa-sha2-512` for RSA keys.
    public let signatureAlgorithm: String
    /// The signature proper, as the signature algorithm defines it (for ECDSA, `mpint r` and `mpint s`).
    public let signatureBytes: Data

    /// The signature value decoded for the key's algorithm.
    enum Value: Sendable {
        case ed25519(Data)
        /// `r || s`, each left-padded to the curve's size: the raw form swift-crypto reads.
        case ecdsa(Data)
        /// Left-padded to the modulus size.
        case rsa(Data, sha512: Bool)
    }

    let value: Value

    static let armorBegin = "-----BEGIN SSH SIGNATURE-----"
    static let armorEnd = "-----END SSH SIGNATURE-----"
    static let magic: [UInt8] = Array("SSHSIG".utf8)
    /// The largest armored signature read; a 16384-bit RSA signature with its key is about 5.5 KB.
    public static let maximumArmoredLength = 65536

    /// Reads an armored signature (`-----BEGIN SSH SIGNATURE-----` ... `-----END SSH SIGNATURE-----`).
    public init(armored text: String) throws(ParseError) {
        try self.init(bytes: SSHSignature.dearmor(text))
    }

    /// Reads the binary signature (the base64-decoded body of the armor).
    public init(blob: Data) throws(ParseError) {
        try self.init(bytes: [UInt8](blob))
    }

    init(bytes: [UInt8]) throws(ParseError) {
        var reader = SSHWireReader(bytes)
        do {
            let magic = try reader.readBytes(6, what: "magic")
            guard magic == SSHSignature.magic else {
                throw ParseError(.malformed, "does not start with \"SSHSIG\"")
            }
            let version = try reader.readUInt32(what: "version")
            guard version == 1 else {
                throw ParseError(.unsupported, "SSH signature version \(version) is not supported (only version 1)")
            }
            let keyBlob = try reader.readString(what: "public key")
            let namespace = try reader.readText(what: "namespace")
            let reserved = try reader.readString(what: "reserved field")
            let hashName = try reader.readText(what: "hash algorithm")
            let signature = try reader.readString(what: "signature")
            try reader.expectEnd("the signature")

            guard !namespace.isEmpty else { throw ParseError(.malformed, "namespace is empty") }
            // PROTOCOL.sshsig reserves this field for future use and OpenSSH always signs it empty:
            // refusing anything else keeps Berth from accepting what `ssh-keygen -Y verify` would not.
            guard reserved.isEmpty else {
                throw ParseError(.unsupported, "the reserved field is not empty (\(reserved.count) bytes)")
            }
            guard let hashAlgorithm = HashAlgorithm(rawValue: hashName) else {
                throw ParseError(.unsupported, "hash algorithm \"\(hashName.prefix(32))\" is not supported (only sha256 and sha512)")
            }
            let publicKey: SSHPublicKey
            do {
                publicKey = try SSHPublicKey(blob: keyBlob, comment: nil)
            } catch {
                throw ParseError(error.kind == .unsupported ? .unsupported : .malformed, error.message)
            }

            var inner = SSHWireReader(signature)
            let algorithm = try inner.readText(what: "signature algorithm")
            let raw = try inner.readString(what: "signature value")
            try inner.expectEnd("the signature value")
            let value = try SSHSignature.decodeValue(raw, algorithm: algorithm, for: publicKey)

            self.publicKey = publicKey
            self.namespace = namespace
            self.hashAlgorithm = hashAlgorithm
            self.signatureAlgorithm = algorithm
            self.signatureBytes = Data(raw)
            self.value = value
        } catch let error as SSHWireError {
            throw ParseError(.malformed, error.message)
        } catch let error as ParseError {
            throw error
        } catch {
            throw ParseError(.malformed, "\(error)")
        }
    }

    /// The bytes the signer's key signed for `data` (PROTOCOL.sshsig):
    /// `"SSHSIG" || string(namespace) || string(reserved) || string(hash_algorithm) || string(H(data))`.
    public func signedMessage(for data: Data) -> Data {
        SSHSignature.signedMessage(namespace: namespace, hashAlgorithm: hashAlgorithm, data: data)
    }

    public static func signedMessage(namespace: String, hashAlgorithm: HashAlgorithm, data: Data) -> Data {
        var writer = SSHWireWriter()
        writer.writeRaw(magic)
        writer.writeString(namespace)
        writer.writeString([UInt8]())
        writer.writeString(hashAlgorithm.rawValue)
        switch hashAlgorithm {
        case .sha256: writer.writeString(Array(SHA256.hash(data: data)))
        case .sha512: writer.writeString(Array(SHA512.hash(data: data)))
        }
        return Data(writer.bytes)
    }

    /// Checks that the signature algorithm fits the key and decodes the value into the form swift-crypto reads.
    private static func decodeValue(_ raw: [UInt8], algorithm: String, for key: SSHPublicKey) throws(ParseError) -> Value {
        switch key.material {
        case .rsa(_, let bits):
            if algorithm == "ssh-rsa" {
                throw ParseError(.unsupported, "RSA signatures with SHA-1 (ssh-rsa) are insecure and not accepted; sign with rsa-sha2-256 or rsa-sha2-512 (a current ssh-keygen does)")
            }
            guard algorithm == "rsa-sha2-256" || algorithm == "rsa-sha2-512" else {
                throw ParseError(.malformed, "signature algorithm \"\(algorithm.prefix(64))\" does not fit an ssh-rsa key")
            }
            // RFC 8332 §3: the value is as long as the modulus; like OpenSSH, accept it shorter (leading zeros dropped).
            let size = (bits + 7) / 8
            guard !raw.isEmpty, raw.count <= size else {
                throw ParseError(.malformed, "RSA signature is \(raw.count) bytes for a \(bits)-bit key")
            }
            return .rsa(Data(repeating: 0, count: size - raw.count) + raw, sha512: algorithm == "rsa-sha2-512")
        case .ed25519:
            guard algorithm == key.algorithm.rawValue else { throw mismatch(algorithm, key) }
            guard raw.count == 64 else {
                throw ParseError(.malformed, "Ed25519 signature is \(raw.count) bytes, not 64")
            }
            return .ed25519(Data(raw))
        case .p256, .p384, .p521:
            guard algorithm == key.algorithm.rawValue else { throw mismatch(algorithm, key) }
            // RFC 5656 §3.1.2: the value holds `mpint r` and `mpint s`.
            let size = (key.bits + 7) / 8
            var reader = SSHWireReader(raw)
            do {
                let r = try reader.readPositiveMPInt(what: "ECDSA r")
                let s = try reader.readPositiveMPInt(what: "ECDSA s")
                try reader.expectEnd("ECDSA s")
                guard !r.isEmpty, !s.isEmpty, r.count <= size, s.count <= size else {
                    throw ParseError(.malformed, "ECDSA signature values are out of range for \(key.algorithm.rawValue)")
                }
                let padded = [UInt8](repeating: 0, count: size - r.count) + r + [UInt8](repeating: 0, count: size - s.count) + s
                return .ecdsa(Data(padded))
            } catch let error as SSHWireError {
                throw ParseError(.malformed, error.message)
            } catch let error as ParseError {
                throw error
            } catch {
                throw ParseError(.malformed, "\(error)")
            }
        }
    }

    private static func mismatch(_ algorithm: String, _ key: SSHPublicKey) -> ParseError {
        ParseError(.malformed, "signature algorithm \"\(algorithm.prefix(64))\" does not fit an \(key.algorithm.rawValue) key")
    }

    /// Takes the armor off: the text between the BEGIN and END lines, decoded. Only whitespace may surround them.
    static func dearmor(_ text: String) throws(ParseError) -> [UInt8] {
        guard text.utf8.count <= maximumArmoredLength else {
            throw ParseError(.malformed, "signature is too long (\(text.utf8.count) bytes; at most \(maximumArmoredLength))")
        }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw ParseError(.notSSHSignature, "the signature is empty") }
        guard trimmed.hasPrefix(armorBegin) else {
            if trimmed.hasPrefix("-----BEGIN PGP SIGNATURE-----") || trimmed.hasPrefix("-----BEGIN PGP MESSAGE-----") {
                throw ParseError(.notSSHSignature, "GPG signatures are not supported; sign with gpg.format=ssh")
            }
            if trimmed.hasPrefix("-----BEGIN SIGNED MESSAGE-----") {
                throw ParseError(.notSSHSignature, "X.509 (gpgsm) signatures are not supported; sign with gpg.format=ssh")
            }
            throw ParseError(.notSSHSignature, "not an SSH signature (it does not start with \(armorBegin))")
        }
        guard trimmed.hasSuffix(armorEnd) else {
            throw ParseError(.malformed, "SSH signature armor has no \(armorEnd) line (truncated?)")
        }
        let body = trimmed.utf8.dropFirst(armorBegin.utf8.count).dropLast(armorEnd.utf8.count)
        var base64: [UInt8] = []
        base64.reserveCapacity(body.count)
        for byte in body {
            switch byte {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"), UInt8(ascii: "\n"): continue
            default: base64.append(byte)
            }
        }
        guard !base64.isEmpty else { throw ParseError(.malformed, "SSH signature armor is empty") }
        guard let text = String(validating: base64, as: UTF8.self), let decoded = Base64.decode(text) else {
            throw ParseError(.malformed, "SSH signature is not valid base64")
        }
        return decoded
    }
}
