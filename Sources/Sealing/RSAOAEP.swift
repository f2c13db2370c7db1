import BigInt
import Crypto
import Foundation

/// RSAES-OAEP encryption (RFC 8017 §7.1.1) with SHA-256 and MGF1-SHA-256.
///
/// Implemented here because swift-crypto's `_RSA.Encryption` cannot take an OAEP label, and age's
/// ssh-rsa stanza requires the label "age-encryption.org/v1/ssh-rsa". BigInt's exponentiation is not
/// constant-time; it runs once per seal on a block masked with fresh randomness, which an observer
/// can neither choose nor make us repeat.
enum RSAOAEP {
    private static let hashLength = SHA256.byteCount

    /// `modulus` and `exponent` are validated big-endian magnitudes with the modulus ≥ 2048 bits,
    /// which leaves room for any message up to 190 bytes (the file key is 16).
    static func encrypt(_ message: [UInt8], modulus: [UInt8], exponent: [UInt8], label: [UInt8]) -> [UInt8] {
        let k = modulus.count
        precondition(message.count <= k - 2 * hashLength - 2, "OAEP message too long for the modulus")

        let labelHash = Array(SHA256.hash(data: label))
        let padding = [UInt8](repeating: 0, count: k - message.count - 2 * hashLength - 2)
        let dataBlock = labelHash + padding + [0x01] + message
        var seed = [UInt8](repeating: 0, count: hashLength)
        var rng = SystemRandomNumberGenerator()
        for i in seed.indices { seed[i] = rng.next() }

        let maskedDataBlock = xor(dataBlock, mgf1(seed, length: dataBlock.count))
        let maskedSeed = xor(seed, mgf1(maskedDataBlock, length: hashLength))
        let encoded = [0x00] + maskedSeed + maskedDataBlock

        let c = BigUInt(Data(encoded)).power(BigUInt(Data(exponent)), modulus: BigUInt(Data(modulus)))
        let bytes = Array(c.serialize())
        return [UInt8](repeating: 0, count: k - bytes.count) + bytes
    }

    /// MGF1: SHA-256(seed ‖ counter) blocks, counter as 4 big-endian bytes, truncated to `length`.
    private static func mgf1(_ seed: [UInt8], length: Int) -> [UInt8] {
        var output: [UInt8] = []
        var counter: UInt32 = 0
        while output.count < length {
            output += SHA256.hash(data: seed + withUnsafeBytes(of: counter.bigEndian, Array.init))
            counter += 1
        }
        return Array(output.prefix(length))
    }

    private static func xor(_ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        zip(a, b).map { $0 ^ $1 }
    }
}
