import CArgon2
import HummingbirdBcrypt

/// Checks a presented password against a stored hash in one of the formats an administrator
/// can produce with ordinary tools: bcrypt (`htpasswd -B`, `mkpasswd`, most libraries) and
/// argon2id PHC strings (the `argon2` CLI, libsodium, passlib).
///
/// Every failure, including a hash in a format we do not know, is just `false`: the caller
/// answers 401 either way and must not tell an attacker which part was wrong.
/// Both algorithms are deliberately slow (~250 ms for bcrypt cost 12), so callers should run
/// this off the request executor and put a ``VerifiedCredentialCache`` in front of it.
public enum PasswordVerifier {
    /// Longer input is refused before hashing: no real password is this long, and argon2 would
    /// otherwise hash whatever an attacker sends.
    public static let maximumPasswordBytes = 1024

    public static func verify(_ password: String, against encodedHash: String) -> Bool {
        // An empty password is never a credential: it is what a misconfigured client sends.
        guard !password.isEmpty, password.utf8.count <= maximumPasswordBytes else { return false }
        switch PasswordHashFormat(encodedHash) {
        case .bcrypt(let normalized):
            // The C implementation reads a NUL-terminated string, so everything after an
            // embedded NUL would be ignored: refuse rather than compare a prefix.
            guard !password.utf8.contains(0) else { return false }
            return Bcrypt.verify(password, hash: normalized)
        case .argon2id:
            return Argon2id.verify(password, against: encodedHash)
        case nil:
            return false
        }
    }

    /// Whether `encodedHash` is in a supported format with sane parameters, so configuration
    /// can reject a bad hash when it is loaded instead of every login failing silently.
    public static func isSupported(encodedHash: String) -> Bool {
        PasswordHashFormat(encodedHash) != nil
    }
}

/// The recognised hash formats, decided from the string's shape alone (no hashing).
enum PasswordHashFormat: Equatable {
    /// `$2a$`, `$2b$` and `$2y$` hashes, rewritten to `$2b$` for verification.
    case bcrypt(normalized: String)
    case argon2id

    init?(_ encoded: String) {
        if let normalized = Self.normalizedBcrypt(encoded) {
            self = .bcrypt(normalized: normalized)
        } else if Argon2id.Parameters(encoded) != nil {
            self = .argon2id
        } else {
            return nil
        }
    }

    /// bcrypt is `$2x$NN$` + 22 characters of salt + 31 of hash, in bcrypt's own base64 alphabet.
    ///
    /// `$2a$` (post-2011 implementations), `$2y$` (PHP/htpasswd) and `$2b$` (OpenBSD) all
    /// compute the same function for passwords of at most 255 bytes; we cap at 1 KiB, and the
    /// vendored OpenBSD code only accepts `a`/`b` and has the old 8-bit length wraparound for
    /// `a`, so all three are verified as `$2b$`. `$2x$` (the buggy crypt_blowfish variant) is
    /// not accepted. Note that bcrypt only reads the first 72 bytes of a password.
    private static func normalizedBcrypt(_ encoded: String) -> String? {
        let bytes = Array(encoded.utf8)
        guard bytes.count == 60,
              bytes[0] == UInt8(ascii: "$"), bytes[1] == UInt8(ascii: "2"),
              [UInt8(ascii: "a"), UInt8(ascii: "b"), UInt8(ascii: "y")].contains(bytes[2]),
              bytes[3] == UInt8(ascii: "$"), bytes[6] == UInt8(ascii: "$"),
              let tens = asciiDigit(bytes[4]), let ones = asciiDigit(bytes[5])
        else { return nil }
        let cost = tens * 10 + ones
        guard (4...31).contains(cost), bytes[7...].allSatisfy(isBcryptBase64) else { return nil }
        return "$2b" + String(decoding: bytes[3...], as: UTF8.self)
    }

    private static func asciiDigit(_ byte: UInt8) -> Int? {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) ? Int(byte - UInt8(ascii: "0")) : nil
    }

    private static func isBcryptBase64(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "."), UInt8(ascii: "/"):
            return true
        default:
            return false
        }
    }
}
