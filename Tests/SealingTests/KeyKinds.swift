import Foundation
import TestSupport

/// Each way a consumer can hold a key: how to make one with stock tools, the recipient text to
/// publish, and the identity file `age -d -i` reads.
enum KeyKind: String, CaseIterable, CustomStringConvertible, Sendable {
    case ageX25519, sshEd25519, sshRSA3072, pemRSASPKI, pemRSAPKCS1

    var description: String { rawValue }

    var expectedKind: String {
        switch self {
        case .ageX25519: return "age-x25519"
        case .sshEd25519: return "ssh-ed25519"
        case .sshRSA3072, .pemRSASPKI, .pemRSAPKCS1: return "ssh-rsa"
        }
    }

    /// Generates a fresh key named `name` in `workspace`; returns (recipient text, identity path).
    func generate(in workspace: Workspace, name: String) throws -> (recipient: String, identity: String) {
        let identity = workspace.path(name)
        switch self {
        case .ageX25519:
            try workspace.mustRun("age-keygen", ["-o", identity])
            let line = try workspace.read(name).split(separator: "\n").first { $0.hasPrefix("# public key: ") }
            guard let line else { throw ToolFailure("age-keygen output has no '# public key:' line") }
            return (String(line.dropFirst("# public key: ".count)), identity)
        case .sshEd25519:
            try workspace.mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "consumer@example", "-f", identity])
            return (try workspace.read("\(name).pub"), identity)
        case .sshRSA3072:
            try workspace.mustRun("ssh-keygen", ["-q", "-t", "rsa", "-b", "3072", "-N", "", "-f", identity])
            return (try workspace.read("\(name).pub"), identity)
        case .pemRSASPKI:
            try workspace.mustRun("openssl", ["genrsa", "-out", identity, "2048"])
            return (try workspace.mustRun("openssl", ["rsa", "-in", identity, "-pubout"]).stdout, identity)
        case .pemRSAPKCS1:
            try workspace.mustRun("openssl", ["genrsa", "-out", identity, "4096"])
            return (try workspace.mustRun("openssl", ["rsa", "-in", identity, "-RSAPublicKey_out"]).stdout, identity)
        }
    }
}
