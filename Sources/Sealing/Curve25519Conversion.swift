import BigInt
import Foundation

/// Maps an Ed25519 public key to the X25519 (Montgomery) public key age's ssh-ed25519 stanza uses.
enum Curve25519Conversion {
    private static let p = (BigUInt(1) << 255) - 19
    /// Edwards curve constant d = -121665/121666 mod p.
    private static let d = ((p - 121665) * BigUInt(121666).inverse(p)!) % p

    /// u = (1 + y) / (1 - y) mod p. Returns nil unless `edwards` is a point on the curve and not the
    /// identity, so that a typo'd key fails at parse time rather than producing an unreadable file.
    static func montgomeryU(fromEdwards edwards: [UInt8]) -> [UInt8]? {
        guard edwards.count == 32 else { return nil }
        // Little-endian y with the x sign bit cleared; non-canonical y ≥ p is reduced, as age does.
        var bigEndianY = Array(edwards.reversed())
        bigEndianY[0] &= 0x7f
        let y = BigUInt(Data(bigEndianY)) % p
        guard isOnCurve(y: y), let inverse = ((1 + p - y) % p).inverse(p) else { return nil }
        let u = ((1 + y) * inverse) % p
        // u = 0 is the order-2 point (0, −1); every X25519 exchange with it yields zero.
        guard u != 0 else { return nil }
        let bytes = Array(u.serialize())
        return Array((Array(repeating: 0, count: 32 - bytes.count) + bytes).reversed())
    }

    /// A y is valid iff x² = (y² − 1) / (d·y² + 1) has a square root (Euler's criterion).
    private static func isOnCurve(y: BigUInt) -> Bool {
        let y2 = (y * y) % p
        guard let denominator = ((d * y2 + 1) % p).inverse(p) else { return false }
        let x2 = ((y2 + p - 1) % p * denominator) % p
        let legendre = x2.power((p - 1) / 2, modulus: p)
        return legendre == 0 || legendre == 1
    }
}
