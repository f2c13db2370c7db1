/// The SSH public key wire format (RFC 4251 §5): length-prefixed strings and mpints.
///
/// age identifies SSH recipients by a hash of the canonical encoding, so RSA keys (PEM or OpenSSH) are re-encoded.
struct SSHWireReader {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: [UInt8]) { rest = bytes[...] }

    var isAtEnd: Bool { rest.isEmpty }

    /// Reads one `string`; nil when the length prefix runs past the end of the data.
    mutating func readString() -> [UInt8]? {
        guard rest.count >= 4 else { return nil }
        let length = rest.prefix(4).reduce(0) { $0 << 8 | Int($1) }
        rest = rest.dropFirst(4)
        guard rest.count >= length else { return nil }
        defer { rest = rest.dropFirst(length) }
        return Array(rest.prefix(length))
    }

    /// Reads an `mpint` that must be positive, returning its magnitude without leading zeros.
    mutating func readPositiveMPInt() -> [UInt8]? {
        guard let bytes = readString(), let first = bytes.first, first & 0x80 == 0 else { return nil }
        let magnitude = Array(bytes.drop { $0 == 0 })
        return magnitude.isEmpty ? nil : magnitude
    }
}

enum SSHWireWriter {
    static func string(_ bytes: [UInt8]) -> [UInt8] {
        let n = UInt32(bytes.count)
        return [UInt8(n >> 24), UInt8(n >> 16 & 0xff), UInt8(n >> 8 & 0xff), UInt8(n & 0xff)] + bytes
    }

    /// Encodes a non-negative big-endian magnitude as an `mpint`: minimal, with a 0x00 byte when the top bit is set.
    static func mpint(_ magnitude: [UInt8]) -> [UInt8] {
        let trimmed = Array(magnitude.drop { $0 == 0 })
        guard let first = trimmed.first else { return string([]) }
        return string(first & 0x80 != 0 ? [0] + trimmed : trimmed)
    }

    /// The `ssh-rsa` public key blob: string "ssh-rsa", mpint e, mpint n.
    static func rsaPublicKey(modulus: [UInt8], exponent: [UInt8]) -> [UInt8] {
        string(Array("ssh-rsa".utf8)) + mpint(exponent) + mpint(modulus)
    }
}
