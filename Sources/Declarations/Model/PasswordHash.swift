/// A password hash as stored in git: bcrypt (`$2a$`, `$2b$`, `$2y$`, cost
/// 04–31) or argon2id in PHC form (`$argon2id$v=19$m=…,t=…,p=…$salt$hash`).
/// Plaintext passwords are never accepted.
public struct PasswordHash: Sendable, Hashable, CustomStringConvertible {
    public enum Algorithm: Sendable, Hashable {
        case bcrypt(cost: Int)
        case argon2id(memoryKiB: Int, iterations: Int, parallelism: Int)
    }

    public let algorithm: Algorithm
    public let encoded: String

    /// Never prints the hash itself.
    public var description: String {
        switch algorithm {
        case .bcrypt(let cost): return "bcrypt (cost \(cost))"
        case .argon2id(let m, let t, let p): return "argon2id (m=\(m), t=\(t), p=\(p))"
        }
    }

    static let expectation = "a bcrypt hash ($2a$, $2b$ or $2y$, a cost from 04 to 31 and 53 characters of salt and hash) or an argon2id hash ($argon2id$v=19$m=…,t=…,p=…$salt$hash)"

    public init?(_ text: String) {
        if let algorithm = PasswordHash.bcrypt(text) ?? PasswordHash.argon2id(text) {
            self.algorithm = algorithm
            self.encoded = text
        } else {
            return nil
        }
    }

    private static func isBcryptChar(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A)
            || b == UInt8(ascii: ".") || b == UInt8(ascii: "/")
    }

    private static func bcrypt(_ text: String) -> Algorithm? {
        let b = Array(text.utf8)
        // $2b$12$ + 53 characters
        guard b.count == 60, b[0] == UInt8(ascii: "$"), b[1] == UInt8(ascii: "2"),
              b[2] == UInt8(ascii: "a") || b[2] == UInt8(ascii: "b") || b[2] == UInt8(ascii: "y"),
              b[3] == UInt8(ascii: "$"), b[6] == UInt8(ascii: "$"),
              b[4] >= 0x30, b[4] <= 0x39, b[5] >= 0x30, b[5] <= 0x39 else { return nil }
        let cost = Int(b[4] - 0x30) * 10 + Int(b[5] - 0x30)
        guard (4...31).contains(cost), b[7...].allSatisfy(isBcryptChar) else { return nil }
        return .bcrypt(cost: cost)
    }

    private static func isB64(_ c: Character) -> Bool {
        c.isASCII && (c.isLetter || c.isNumber || c == "+" || c == "/")
    }

    private static func argon2id(_ text: String) -> Algorithm? {
        // $argon2id$v=19$m=65536,t=3,p=4$<salt>$<hash>
        let parts = text.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0].isEmpty, parts[1] == "argon2id", parts[2] == "v=19" else { return nil }
        var params: [Substring: Int] = [:]
        for item in parts[3].split(separator: ",", omittingEmptySubsequences: false) {
            let kv = item.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard kv.count == 2, let v = Int(kv[1]), v > 0, params[kv[0]] == nil else { return nil }
            params[kv[0]] = v
        }
        guard params.count == 3, let m = params["m"], let t = params["t"], let p = params["p"] else { return nil }
        guard parts[4].count >= 11, parts[4].allSatisfy(isB64),
              parts[5].count >= 22, parts[5].allSatisfy(isB64) else { return nil }
        return .argon2id(memoryKiB: m, iterations: t, parallelism: p)
    }
}
