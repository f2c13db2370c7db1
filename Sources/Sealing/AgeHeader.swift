import Crypto
import Foundation
import WireFormats

/// One recipient stanza of an age header: `-> type args…` followed by the wrapped file key.
struct Stanza {
    let type: String
    let arguments: [String]
    let body: [UInt8]
}

/// The textual age v1 header, authenticated by an HMAC keyed from the file key.
enum AgeHeader {
    static func encode(stanzas: [Stanza], fileKey: SymmetricKey) -> [UInt8] {
        var text = "age-encryption.org/v1\n"
        for stanza in stanzas {
            text += "-> " + ([stanza.type] + stanza.arguments).joined(separator: " ") + "\n"
            text += wrappedBody(stanza.body)
        }
        // The MAC covers everything up to and including "---", but not the space before the MAC.
        text += "---"
        let macKey = HKDF<SHA256>.deriveKey(
            inputKeyMaterial: fileKey, salt: [UInt8](), info: Array("header".utf8), outputByteCount: 32)
        let mac = HMAC<SHA256>.authenticationCode(for: Array(text.utf8), using: macKey)
        text += " " + Base64.encode(mac, padded: false) + "\n"
        return Array(text.utf8)
    }

    /// Stanza bodies are unpadded base64 in 64-column lines; the last line must be shorter than
    /// 64 columns, so a body filling whole lines is followed by an empty line.
    private static func wrappedBody(_ body: [UInt8]) -> String {
        var lines = Base64.encode(body, padded: false).lines(ofWidth: 64)
        if lines.last?.count ?? 64 == 64 { lines.append("") }
        return lines.map { $0 + "\n" }.joined()
    }

    /// Encrypts the 16-byte file key under a stanza's wrapping key: ChaCha20-Poly1305 with a zero
    /// nonce, safe because every wrapping key is derived from a fresh ephemeral secret.
    static func wrapFileKey(_ fileKey: SymmetricKey, with wrappingKey: SymmetricKey) throws -> [UInt8] {
        let box = try fileKey.withUnsafeBytes { plaintext in
            try ChaChaPoly.seal(plaintext, using: wrappingKey, nonce: ChaChaPoly.Nonce(data: [UInt8](repeating: 0, count: 12)))
        }
        return Array(box.ciphertext) + Array(box.tag)
    }
}
