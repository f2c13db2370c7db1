import Crypto
import Foundation
import WireFormats

/// A robot account's secret: `berth_` followed by 32 random bytes in unpadded base64url.
///
/// Only the digest, `sha256:<hex>`, is stored. A plain SHA-256 is enough here (no bcrypt):
/// with 256 bits of entropy there is nothing for a slow hash to protect against, and it keeps
/// robot authentication (CI pulling on every job) cheap. The prefix makes leaked secrets easy
/// to recognise for secret scanners and lets the server tell robot secrets from passwords.
public struct RobotSecret: Sendable {
    public static let prefix = "berth_"
    /// `berth_` + 43 base64url characters.
    public static let length = 49

    /// Shown once, when minted; never stored or logged.
    public let plaintext: String
    /// What the server keeps.
    public let digest: String

    /// Mints a new random secret.
    public init() {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        plaintext = Self.prefix + Base64URL.encode(bytes)
        digest = Self.digest(of: plaintext)
    }

    public static func mint() -> (plaintext: String, digest: String) {
        let secret = RobotSecret()
        return (secret.plaintext, secret.digest)
    }

    /// Whether `presented` is the secret whose digest is `digest`, compared in constant time.
    /// Inputs not shaped like a robot secret are refused before hashing.
    public static func matches(_ presented: String, digest: String) -> Bool {
        guard looksLikeRobotSecret(presented), digest.hasPrefix("sha256:") else { return false }
        return ConstantTime.equals(Self.digest(of: presented), digest)
    }

    /// Shape only (prefix, length, alphabet): lets the caller route a Basic password to
    /// robot-secret checking without touching the user database.
    public static func looksLikeRobotSecret(_ text: String) -> Bool {
        guard text.utf8.count == length, text.hasPrefix(prefix) else { return false }
        return text.utf8.dropFirst(prefix.utf8.count).allSatisfy { byte in
            switch byte {
            case 0x61...0x7A, 0x41...0x5A, 0x30...0x39, UInt8(ascii: "-"), UInt8(ascii: "_"): true
            default: false
            }
        }
    }

    static func digest(of plaintext: String) -> String {
        Hex.string(SHA256.hash(data: Data(plaintext.utf8)), prefix: "sha256:")
    }
}

/// Printing a freshly minted secret (interpolation, `print`, `dump`, a debugger) must not
/// leak it into logs; the digest is not secret.
extension RobotSecret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
    public var customMirror: Mirror { Mirror(self, children: ["plaintext": "<redacted>", "digest": digest]) }
}
