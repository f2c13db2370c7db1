import Crypto

/// The age payload: a 16-byte nonce, then the plaintext under the STREAM construction.
enum Payload {
    static let chunkSize = 64 * 1024

    static func encrypt(_ plaintext: [UInt8], fileKey: SymmetricKey) throws -> [UInt8] {
        var rng = SystemRandomNumberGenerator()
        let nonce = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &rng) }
        // A fresh nonce per file makes the payload key unique even if a file key were reused.
        let payloadKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, salt: nonce, info: Array("payload".utf8), outputByteCount: 32)

        var output = nonce
        var offset = 0
        var counter: UInt64 = 0
        // An empty plaintext still produces one (empty, final) chunk; otherwise the final chunk is
        // never empty, even when the plaintext is an exact multiple of the chunk size.
        repeat {
            let end = min(offset + chunkSize, plaintext.count)
            let isLast = end == plaintext.count
            // 11-byte big-endian chunk counter, then 0x01 on the final chunk and 0x00 before it.
            let chunkNonce = [0, 0, 0] + withUnsafeBytes(of: counter.bigEndian, Array.init) + [isLast ? 1 : 0]
            let box = try ChaChaPoly.seal(
                plaintext[offset..<end], using: payloadKey, nonce: ChaChaPoly.Nonce(data: chunkNonce))
            output += box.ciphertext + box.tag
            offset = end
            counter += 1
        } while offset < plaintext.count
        return output
    }
}
