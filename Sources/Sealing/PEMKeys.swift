import Foundation

/// Reads RSA public keys from PEM: SPKI (`BEGIN PUBLIC KEY`) and PKCS#1 (`BEGIN RSA PUBLIC KEY`).
///
/// Only the handful of DER shapes these two formats use are understood; anything else is reported
/// by name (EC, Ed25519, private keys, …) so the declaration author knows what to change.
enum PEMKeys {
    struct RSAPublicKey {
        let modulus: [UInt8]
        let exponent: [UInt8]
    }

    static func parseRSA(_ text: String) throws(SealingError) -> RSAPublicKey {
        let (label, der) = try decodeBlock(text)
        switch label {
        case "PUBLIC KEY":
            return try parseSPKI(der)
        case "RSA PUBLIC KEY":
            guard let key = parsePKCS1(der[...]) else {
                throw .malformedRecipient(kind: "PEM RSA", reason: "the RSA PUBLIC KEY block is not a DER RSAPublicKey")
            }
            return key
        case let label where label.contains("PRIVATE KEY"):
            throw .unsupportedRecipient("a PEM private key (\(label)) was given; provide the matching public key instead")
        default:
            throw .unsupportedRecipient("PEM block '\(label.prefix(40))'")
        }
    }

    /// Splits a single PEM block into its label and DER bytes.
    private static func decodeBlock(_ text: String) throws(SealingError) -> (String, [UInt8]) {
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
        guard let first = lines.first, let last = lines.last, lines.count >= 2,
            first.hasPrefix("-----BEGIN "), first.hasSuffix("-----")
        else {
            throw .malformedRecipient(kind: "PEM", reason: "expected a single -----BEGIN …----- / -----END …----- block")
        }
        let label = String(first.dropFirst("-----BEGIN ".count).dropLast("-----".count))
        guard last == "-----END \(label)-----" else {
            throw .malformedRecipient(kind: "PEM", reason: "the END line does not match '-----END \(label.prefix(40))-----'")
        }
        let body = lines.dropFirst().dropLast().joined()
        guard let der = Data(base64Encoded: body), !der.isEmpty else {
            throw .malformedRecipient(kind: "PEM", reason: "the block body is not valid base64 (truncated?)")
        }
        return (label, Array(der))
    }

    // DER encodings of the AlgorithmIdentifier OIDs we recognise, for naming what we reject.
    private static let rsaEncryption: [UInt8] = [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01]
    private static let namedAlgorithms: [([UInt8], String)] = [
        ([0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01], "EC (id-ecPublicKey, e.g. P-256) PEM public keys"),
        ([0x2b, 0x65, 0x70], "Ed25519 PEM public keys (use the OpenSSH 'ssh-ed25519' form)"),
        ([0x2b, 0x65, 0x6e], "X25519 PEM public keys (use an age1… recipient)"),
        ([0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01], "DSA PEM public keys"),
        ([0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a], "RSASSA-PSS-restricted PEM public keys"),
    ]

    /// SubjectPublicKeyInfo ::= SEQUENCE { AlgorithmIdentifier, BIT STRING }.
    private static func parseSPKI(_ der: [UInt8]) throws(SealingError) -> RSAPublicKey {
        let malformed = SealingError.malformedRecipient(kind: "PEM", reason: "the PUBLIC KEY block is not a DER SubjectPublicKeyInfo")
        var outer = DERReader(der[...])
        guard var spki = outer.read(tag: 0x30).map(DERReader.init), outer.isAtEnd,
            var algorithm = spki.read(tag: 0x30).map(DERReader.init),
            let oid = algorithm.read(tag: 0x06)
        else { throw malformed }
        guard Array(oid) == rsaEncryption else {
            let name = namedAlgorithms.first { $0.0 == Array(oid) }?.1 ?? "PEM public keys of an unrecognised algorithm"
            throw .unsupportedRecipient(name)
        }
        // The BIT STRING wraps the PKCS#1 RSAPublicKey after a zero "unused bits" byte.
        guard let bits = spki.read(tag: 0x03), spki.isAtEnd, bits.first == 0,
            let key = parsePKCS1(bits.dropFirst())
        else { throw malformed }
        return key
    }

    /// RSAPublicKey ::= SEQUENCE { modulus INTEGER, publicExponent INTEGER }.
    private static func parsePKCS1(_ der: ArraySlice<UInt8>) -> RSAPublicKey? {
        var outer = DERReader(der)
        guard var sequence = outer.read(tag: 0x30).map(DERReader.init), outer.isAtEnd,
            let modulus = sequence.readPositiveInteger(), let exponent = sequence.readPositiveInteger(),
            sequence.isAtEnd
        else { return nil }
        return RSAPublicKey(modulus: modulus, exponent: exponent)
    }
}

/// A minimal DER TLV reader: definite lengths only, as DER requires.
private struct DERReader {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    /// Reads the next element if it has `tag`, returning its contents.
    mutating func read(tag: UInt8) -> ArraySlice<UInt8>? {
        guard rest.count >= 2, rest.first == tag else { return nil }
        var cursor = rest.dropFirst()
        let lengthByte = cursor.removeFirst()
        var length = Int(lengthByte)
        if lengthByte & 0x80 != 0 {
            let count = Int(lengthByte & 0x7f)
            guard (1...4).contains(count), cursor.count >= count else { return nil }
            length = cursor.prefix(count).reduce(0) { $0 << 8 | Int($1) }
            cursor = cursor.dropFirst(count)
        }
        guard cursor.count >= length else { return nil }
        rest = cursor.dropFirst(length)
        return cursor.prefix(length)
    }

    /// Reads an INTEGER that must be positive; returns its magnitude without leading zeros.
    mutating func readPositiveInteger() -> [UInt8]? {
        guard let bytes = read(tag: 0x02), let first = bytes.first, first & 0x80 == 0 else { return nil }
        let magnitude = Array(bytes.drop { $0 == 0 })
        return magnitude.isEmpty ? nil : magnitude
    }
}
