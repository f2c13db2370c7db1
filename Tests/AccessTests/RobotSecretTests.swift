import Crypto
import Foundation
import Testing
@testable import Access

@Suite struct RobotSecretTests {
    @Test func format() {
        let (plaintext, digest) = RobotSecret.mint()
        #expect(plaintext.hasPrefix("berth_"))
        #expect(plaintext.count == 49)
        let body = plaintext.dropFirst(6)
        #expect(body.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == "_") })
        #expect(base64URLDecode(body)?.count == 32)
        #expect(digest.hasPrefix("sha256:"))
        let hex = SHA256.hash(data: Data(plaintext.utf8)).map { String(format: "%02x", $0) }.joined()
        #expect(digest == "sha256:" + hex)
        #expect(RobotSecret.looksLikeRobotSecret(plaintext))
    }

    @Test func mintedSecretsDiffer() {
        let secrets = Set((0..<100).map { _ in RobotSecret.mint().plaintext })
        #expect(secrets.count == 100)
    }

    @Test func matching() {
        let (plaintext, digest) = RobotSecret.mint()
        #expect(RobotSecret.matches(plaintext, digest: digest))
        let other = RobotSecret.mint()
        #expect(!RobotSecret.matches(other.plaintext, digest: digest))
        #expect(!RobotSecret.matches(plaintext, digest: other.digest))
        #expect(!RobotSecret.matches(plaintext + "x", digest: digest))
        #expect(!RobotSecret.matches(String(plaintext.dropLast()), digest: digest))
        #expect(!RobotSecret.matches("", digest: digest))
        #expect(!RobotSecret.matches(plaintext, digest: ""))
        #expect(!RobotSecret.matches(plaintext, digest: digest.uppercased()))
        #expect(!RobotSecret.matches(plaintext, digest: String(digest.dropFirst(7))))
    }

    @Test func constantTimeEquality() {
        #expect(ConstantTime.equals("", ""))
        #expect(ConstantTime.equals("abc", "abc"))
        #expect(!ConstantTime.equals("abc", "abd"))
        #expect(!ConstantTime.equals("abc", "ab"))
        #expect(!ConstantTime.equals("ab", "abc"))
        #expect(!ConstantTime.equals("", "a"))
        // A shorter input that is a zero-padded prefix must not compare equal.
        #expect(!ConstantTime.equals([1, 2, 0], [1, 2]))
        #expect(!ConstantTime.equals([UInt8](), [0]))
        // Lengths differing by a multiple of 256 must not cancel out.
        #expect(!ConstantTime.equals([UInt8](repeating: 0, count: 256), [UInt8]()))
    }

    @Test func descriptionIsRedacted() {
        let secret = RobotSecret()
        #expect("\(secret)" == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains(secret.plaintext))
        #expect(RobotSecret.matches(secret.plaintext, digest: secret.digest))
    }
}
