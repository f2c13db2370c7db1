import Foundation

/// Whether a robot's token can be sealed to a key: nil when it can, otherwise why not.
///
/// Sealing is not a dependency of Declarations, so its verdict is injected: the server and the CLI pass
/// one built on the sealing module's own parser, so `berth validate` refuses exactly what minting would
/// (short RSA keys, Ed25519 keys that are no curve point, …). ``structural`` checks only what can be seen
/// in the key's text.
public struct RecipientKeyCheck: Sendable {
    public let problem: @Sendable (RecipientKey) -> String?

    public init(_ problem: @escaping @Sendable (RecipientKey) -> String?) {
        self.problem = problem
    }

    /// The shape of age recipients and OpenSSH keys; PEM keys were already checked when parsed.
    public static let structural = RecipientKeyCheck { key in
        switch key {
        case .pem: return nil
        case .age(let recipient): return ageProblem(recipient)
        case .ssh(let type, let key): return sshProblem(type: type, base64: key)
        }
    }

    /// The bech32 alphabet, without its checksum (which the injected check verifies).
    private static let bech32Alphabet = Set("qpzry9x8gf2tvdw0s3jn54khce6mua7l")

    /// `age1` and 58 bech32 characters: 32 bytes of X25519 key and a 6-character checksum.
    private static func ageProblem(_ recipient: String) -> String? {
        let data = recipient.dropFirst(4)
        guard data.allSatisfy(bech32Alphabet.contains) else { return "it has characters outside bech32" }
        guard data.count == 58 else { return "it has \(data.count) characters after 'age1', expected 58" }
        return nil
    }

    /// The base64 blob must start with the same key type as the line.
    private static func sshProblem(type: String, base64: String) -> String? {
        guard let blob = Data(base64Encoded: base64) else { return "its key data is not valid base64 (truncated?)" }
        let bytes = [UInt8](blob)
        guard bytes.count >= 4 else { return "its key data is truncated" }
        let length = bytes[0..<4].reduce(0) { $0 << 8 | Int($1) }
        guard bytes.count >= 4 + length, bytes[4..<(4 + length)].elementsEqual(type.utf8) else {
            return "its key data does not encode a \(type) key"
        }
        return nil
    }
}
