import Foundation
import Testing
@testable import CommitSigning
import TestSupport
import WireFormats

/// A key made by ssh-keygen: its private key file and its public key line.
struct TestKey: Sendable {
    let name: String
    let privateKeyPath: String
    let publicLine: String
    var publicKey: SSHPublicKey { try! SSHPublicKey(line: publicLine) }

    /// Signs `data` with `ssh-keygen -Y sign` and returns the armored signature.
    func sign(_ data: Data, namespace: String = "git", hashAlgorithm: String? = nil) throws -> String {
        var arguments = ["-Y", "sign", "-f", privateKeyPath, "-n", namespace]
        if let hashAlgorithm { arguments += ["-O", "hashalg=\(hashAlgorithm)"] }
        return try run("ssh-keygen", arguments, stdin: data).text
    }
}

/// Keys made once per test run (RSA generation is slow on a shared machine).
final class Keys: Sendable {
    static let shared = try! Keys()

    private let directory: TemporaryDirectory
    let ed25519: TestKey
    let ecdsa256: TestKey
    let ecdsa384: TestKey
    let ecdsa521: TestKey
    let rsa: TestKey
    /// Another Ed25519 key, that the allowed signers of the tests do not list.
    let stranger: TestKey

    var all: [TestKey] { [ed25519, ecdsa256, ecdsa384, ecdsa521, rsa] }

    private init() throws {
        let directory = try TemporaryDirectory()
        self.directory = directory
        func make(_ name: String, _ arguments: [String]) throws -> TestKey {
            let path = directory.path(name)
            try run("ssh-keygen", ["-q", "-N", "", "-C", "\(name)@example.com", "-f", path] + arguments)
            let line = try String(contentsOfFile: path + ".pub", encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
            return TestKey(name: name, privateKeyPath: path, publicLine: line)
        }
        ed25519 = try make("ed25519", ["-t", "ed25519"])
        ecdsa256 = try make("ecdsa256", ["-t", "ecdsa", "-b", "256"])
        ecdsa384 = try make("ecdsa384", ["-t", "ecdsa", "-b", "384"])
        ecdsa521 = try make("ecdsa521", ["-t", "ecdsa", "-b", "521"])
        rsa = try make("rsa", ["-t", "rsa", "-b", "2048"])
        stranger = try make("stranger", ["-t", "ed25519"])
    }

    /// An allowed signers text listing every key but the stranger, each for principal `<name>@example.com`.
    func allowedSignersText(options: String = "") -> String {
        all.map { key in
            "\(key.name)@example.com \(options.isEmpty ? "" : options + " ")\(key.publicLine)"
        }.joined(separator: "\n") + "\n"
    }

    func allowedSigners(options: String = "") -> AllowedSigners {
        try! AllowedSigners(contents: allowedSignersText(options: options), source: "test_allowed_signers")
    }
}

let sampleData = Data("tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904\nauthor A <a@example.com> 1700000000 +0000\n\nhello\n".utf8)
let now = Date(timeIntervalSince1970: 1_750_000_000)

/// Re-armors a binary signature as ssh-keygen does (76 columns).
func armor(_ blob: [UInt8]) -> String {
    let encoded = Base64.encode(blob)
    var lines: [Substring] = []
    var rest = Substring(encoded)
    while !rest.isEmpty {
        lines.append(rest.prefix(76))
        rest = rest.dropFirst(76)
    }
    return "-----BEGIN SSH SIGNATURE-----\n" + lines.joined(separator: "\n") + "\n-----END SSH SIGNATURE-----\n"
}

/// The binary body of an armored signature.
func dearmor(_ armored: String) -> [UInt8] {
    try! SSHSignature.dearmor(armored)
}
