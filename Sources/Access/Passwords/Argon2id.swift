import CArgon2

/// argon2id verification through the reference C library (libargon2).
enum Argon2id {
    /// The cost parameters of a `$argon2id$v=19$m=…,t=…,p=…$salt$hash` string.
    ///
    /// They are checked before anything is allocated: libargon2 allocates `m` KiB per
    /// verification, so a typo such as `m=4194304` (4 GiB) in one user's hash would let each
    /// login attempt for that user claim gigabytes. The bounds are far above any recommended
    /// setting (OWASP: 19–46 MiB).
    struct Parameters: Equatable {
        static let maximumMemoryKiB: UInt32 = 256 * 1024
        static let maximumIterations: UInt32 = 64
        static let maximumParallelism: UInt32 = 16

        let memoryKiB: UInt32
        let iterations: UInt32
        let parallelism: UInt32

        init?(_ encoded: String) {
            // Bounded before splitting: a PHC string with a 64-byte salt and hash is ~200 bytes.
            guard encoded.utf8.count <= 512 else { return nil }
            let fields = encoded.split(separator: "$", omittingEmptySubsequences: false)
            // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, hash
            guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id",
                  // v=19 is argon2 1.3; the 1.0 format (no v=, or v=16) is obsolete.
                  fields[2] == "v=19",
                  fields[4].utf8.allSatisfy(Self.isPHCBase64), !fields[4].isEmpty,
                  fields[5].utf8.allSatisfy(Self.isPHCBase64), !fields[5].isEmpty
            else { return nil }
            // libargon2 requires exactly this order and no optional keyid/data fields.
            let costs = fields[3].split(separator: ",", omittingEmptySubsequences: false)
            guard costs.count == 3,
                  let m = Self.value(costs[0], named: "m"),
                  let t = Self.value(costs[1], named: "t"),
                  let p = Self.value(costs[2], named: "p"),
                  (8...Self.maximumMemoryKiB).contains(m),
                  (1...Self.maximumIterations).contains(t),
                  (1...Self.maximumParallelism).contains(p)
            else { return nil }
            memoryKiB = m
            iterations = t
            parallelism = p
        }

        private static func value(_ field: Substring, named name: String) -> UInt32? {
            guard field.hasPrefix(name + "=") else { return nil }
            let digits = field.dropFirst(name.count + 1)
            guard !digits.isEmpty, digits.count <= 10, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            return UInt32(digits)
        }

        /// Standard base64 alphabet without padding, as PHC strings use.
        private static func isPHCBase64(_ byte: UInt8) -> Bool {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "+"), UInt8(ascii: "/"):
                return true
            default:
                return false
            }
        }
    }

    static func verify(_ password: String, against encoded: String) -> Bool {
        guard Parameters(encoded) != nil else { return false }
        let passwordBytes = Array(password.utf8)
        // argon2id_verify recomputes the hash and compares in constant time; it takes the
        // password with a length, so embedded NULs are hashed like any other byte.
        let result = passwordBytes.withUnsafeBytes { pwd in
            encoded.withCString { argon2id_verify($0, pwd.baseAddress, pwd.count) }
        }
        return result == ARGON2_OK.rawValue
    }
}
