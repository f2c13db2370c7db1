import Crypto
import Foundation
import WireFormats

enum KeyThumbprint {
    /// The RFC 7638 JWK thumbprint of a P-256 public key: SHA-256 over the JWK's required
    /// members in lexicographic order with no whitespace, base64url-encoded. It names the key
    /// in the token's `kid` header, so a key rotation shows up as a different `kid`.
    static func of(_ key: P256.Signing.PublicKey) -> String {
        let point = Array(key.x963Representation) // 0x04 || X (32 bytes) || Y (32 bytes)
        let x = Base64URL.encode(point[1..<33])
        let y = Base64URL.encode(point[33..<65])
        let canonical = #"{"crv":"P-256","kty":"EC","x":"\#(x)","y":"\#(y)"}"#
        return Base64URL.encode(SHA256.hash(data: Data(canonical.utf8)))
    }
}
