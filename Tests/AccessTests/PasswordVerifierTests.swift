import CArgon2
import Foundation
import HummingbirdBcrypt
import TestSupport
import Testing
@testable import Access

@Suite struct PasswordVerifierTests {
    @Test func bcryptFromHummingbird() {
        let hash = Bcrypt.hash("alice-password", cost: 4)
        #expect(hash.hasPrefix("$2b$04$"))
        #expect(PasswordVerifier.verify("alice-password", against: hash))
        #expect(!PasswordVerifier.verify("alice-passwore", against: hash))
        #expect(!PasswordVerifier.verify("", against: hash))
    }

    // htpasswd writes `$2y$`, which the vendored OpenBSD code does not know by that name.
    @Test func bcryptFromHtpasswd() throws {
        let line = try run(try requiredTool("htpasswd", package: "apache2-utils"), ["-nbB", "-C", "4", "u", "p:w d"]).trimmedText
        let hash = String(line.drop(while: { $0 != ":" }).dropFirst())
        #expect(hash.hasPrefix("$2y$04$"))
        #expect(PasswordVerifier.verify("p:w d", against: hash))
        #expect(!PasswordVerifier.verify("p:w", against: hash))
    }

    @Test func bcryptFromPython2aAnd2b() throws {
        let python = try python3(with: "bcrypt")
        for prefix in ["2a", "2b"] {
            let script = "import bcrypt; print(bcrypt.hashpw(b'caf\\xc3\\xa9 pw', bcrypt.gensalt(4, prefix=b'\(prefix)')).decode())"
            let hash = try run(python, ["-c", script]).trimmedText
            #expect(hash.hasPrefix("$\(prefix)$04$"))
            #expect(PasswordVerifier.verify("café pw", against: hash))
            #expect(!PasswordVerifier.verify("cafe pw", against: hash))
        }
    }

    @Test func argon2idFromCLI() throws {
        let hash = try run(try requiredTool("argon2", package: "argon2"), ["somesaltsomesalt", "-id", "-e", "-m", "10", "-t", "2"], stdin: Data("s3cret pw".utf8)).trimmedText
        #expect(hash.hasPrefix("$argon2id$v=19$m=1024,t=2,p=1$"))
        #expect(PasswordVerifier.verify("s3cret pw", against: hash))
        #expect(!PasswordVerifier.verify("s3cret pw ", against: hash))
    }

    @Test func argon2idFromLibrary() {
        let hash = Self.argon2idHash("hunter2\u{0}tail", memoryKiB: 1024, iterations: 2, parallelism: 2)
        #expect(hash.hasPrefix("$argon2id$v=19$m=1024,t=2,p=2$"))
        #expect(PasswordVerifier.verify("hunter2\u{0}tail", against: hash))
        // argon2 takes a length, so the bytes after a NUL count.
        #expect(!PasswordVerifier.verify("hunter2", against: hash))
        #expect(!PasswordVerifier.verify("hunter3\u{0}tail", against: hash))
    }

    @Test func otherFormatsAreRefused() {
        let argon2i = Self.argon2idHash("pw", memoryKiB: 64, iterations: 1, parallelism: 1)
            .replacingOccurrences(of: "$argon2id$", with: "$argon2i$")
        let refused = [
            "", "pw", "$1$salt$hash", "$6$saltsalt$abcdef",
            "{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=",
            argon2i,
            Bcrypt.hash("pw", cost: 4).replacingOccurrences(of: "$2b$", with: "$2x$"),
            Bcrypt.hash("pw", cost: 4) + "x",
            "$2b$04$short",
            "$2b$03$" + String(repeating: "a", count: 53),
            "$argon2id$v=16$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
            "$argon2id$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g",
        ]
        for hash in refused {
            #expect(!PasswordVerifier.verify("pw", against: hash), "accepted \(hash)")
            #expect(!PasswordVerifier.isSupported(encodedHash: hash), "supported \(hash)")
        }
    }

    @Test func absurdArgon2ParametersAreRefusedUnhashed() {
        // 4 GiB of memory: would be allocated per attempt if passed to libargon2.
        #expect(!PasswordVerifier.isSupported(encodedHash: "$argon2id$v=19$m=4194304,t=3,p=1$c29tZXNhbHQ$6N7lbaPVRHQNDcwG/VJmDLNHm8NtaQq8+e3eGhoqFH0"))
        #expect(!PasswordVerifier.isSupported(encodedHash: "$argon2id$v=19$m=4096,t=3,p=255$c29tZXNhbHQ$6N7lbaPVRHQNDcwG/VJmDLNHm8NtaQq8+e3eGhoqFH0"))
        #expect(PasswordVerifier.isSupported(encodedHash: "$argon2id$v=19$m=4096,t=3,p=1$c29tZXNhbHQ$6N7lbaPVRHQNDcwG/VJmDLNHm8NtaQq8+e3eGhoqFH0"))
    }

    @Test func longPasswordsAreRefused() {
        let long = String(repeating: "x", count: PasswordVerifier.maximumPasswordBytes + 1)
        let bcrypt = Bcrypt.hash(long, cost: 4)
        let argon = Self.argon2idHash(long, memoryKiB: 64, iterations: 1, parallelism: 1)
        #expect(!PasswordVerifier.verify(long, against: bcrypt))
        #expect(!PasswordVerifier.verify(long, against: argon))
        // The limit is in bytes: 1 KiB of a 2-byte character is 2 KiB.
        let wide = String(repeating: "é", count: 600)
        #expect(!PasswordVerifier.verify(wide, against: Self.argon2idHash(wide, memoryKiB: 64, iterations: 1, parallelism: 1)))
        // At the limit it still works.
        let atLimit = String(repeating: "y", count: PasswordVerifier.maximumPasswordBytes)
        #expect(PasswordVerifier.verify(atLimit, against: Self.argon2idHash(atLimit, memoryKiB: 64, iterations: 1, parallelism: 1)))
    }

    // $2a$, $2b$ and $2y$ name the same function for passwords this short.
    @Test func bcryptVariantsAreEquivalent() {
        let hash = Bcrypt.hash("same pw", cost: 4)
        for variant in ["$2a$", "$2y$"] {
            let renamed = hash.replacingOccurrences(of: "$2b$", with: variant)
            #expect(PasswordVerifier.verify("same pw", against: renamed))
            #expect(!PasswordVerifier.verify("same pv", against: renamed))
        }
    }

    @Test func bcryptRefusesEmbeddedNUL() {
        let hash = Bcrypt.hash("abc", cost: 4)
        #expect(PasswordVerifier.verify("abc", against: hash))
        #expect(!PasswordVerifier.verify("abc\u{0}def", against: hash))
    }

    static func argon2idHash(_ password: String, memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) -> String {
        let salt = (0..<16).map { _ in UInt8.random(in: .min ... .max) }
        let pwd = Array(password.utf8)
        let length = argon2_encodedlen(iterations, memoryKiB, parallelism, UInt32(salt.count), 32, Argon2_id)
        var encoded = [CChar](repeating: 0, count: length)
        let result = pwd.withUnsafeBytes { p in
            salt.withUnsafeBytes { s in
                argon2id_hash_encoded(
                    iterations, memoryKiB, parallelism, p.baseAddress, p.count, s.baseAddress, s.count, 32,
                    &encoded, encoded.count)
            }
        }
        precondition(result == ARGON2_OK.rawValue, "argon2id_hash_encoded failed: \(result)")
        return String(decoding: encoded.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
