import Foundation
import Sealing
import Testing

/// Recipients we cannot or must not seal to are refused with a message naming the problem.
@Suite struct RecipientParsingTests {
    private func failure(_ text: String) -> String? {
        do {
            _ = try SealingRecipient(parsing: text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("EC P-256 PEM public key is unsupported")
    func ecPEM() throws {
        let workspace = try Workspace()
        try workspace.mustRun("openssl", ["ecparam", "-genkey", "-name", "prime256v1", "-noout", "-out", "ec.pem"])
        let pem = try workspace.mustRun("openssl", ["ec", "-in", "ec.pem", "-pubout"]).stdout
        let message = try #require(failure(pem))
        #expect(message.contains("unsupported recipient: EC"))
        #expect(message.contains("supported recipients are"))
    }

    @Test("ecdsa OpenSSH key is unsupported")
    func ecdsaSSH() throws {
        let workspace = try Workspace()
        try workspace.mustRun("ssh-keygen", ["-q", "-t", "ecdsa", "-N", "", "-f", "k"])
        let message = try #require(failure(try workspace.read("k.pub")))
        #expect(message.contains("'ecdsa-sha2-nistp256' keys"))
        #expect(message.contains("ssh-ed25519"))
    }

    @Test("truncated ssh-ed25519 base64 is malformed")
    func truncatedBase64() throws {
        let workspace = try Workspace()
        try workspace.mustRun("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", "k"])
        let fields = try workspace.read("k.pub").split(separator: " ")
        let blob = fields[1]
        // Cut mid-quantum (invalid base64) and on a quantum boundary (valid base64, short key data).
        for cut in [blob.dropLast(5), blob.dropLast(8)] {
            let message = try #require(failure("ssh-ed25519 \(cut) comment"))
            #expect(message.hasPrefix("malformed ssh-ed25519 recipient"), "\(message)")
        }
    }

    @Test("age recipient with a bad bech32 checksum is malformed")
    func badBech32() throws {
        let workspace = try Workspace()
        let (recipient, _) = try KeyKind.ageX25519.generate(in: workspace, name: "k")
        var chars = Array(recipient)
        chars[chars.count - 3] = chars[chars.count - 3] == "q" ? "p" : "q"
        let message = try #require(failure(String(chars)))
        #expect(message.contains("malformed age X25519 recipient: bech32 checksum does not match"))
        #expect(failure(String(recipient.dropLast(4))) != nil)
    }

    @Test("RSA keys under 2048 bits are refused, as PEM and as OpenSSH")
    func rsa1024() throws {
        let workspace = try Workspace()
        try workspace.mustRun("openssl", ["genrsa", "-out", "small.pem", "1024"])
        let pem = try workspace.mustRun("openssl", ["rsa", "-in", "small.pem", "-pubout"]).stdout
        #expect(failure(pem) == "RSA recipient key has 1024 bits; at least 2048 bits are required")
        try workspace.mustRun("ssh-keygen", ["-q", "-t", "rsa", "-b", "1024", "-N", "", "-f", "small"])
        #expect(failure(try workspace.read("small.pub")) == "RSA recipient key has 1024 bits; at least 2048 bits are required")
    }

    @Test("private keys and unknown text are refused without echoing them")
    func privateKeysAndGarbage() throws {
        let workspace = try Workspace()
        try workspace.mustRun("age-keygen", ["-o", "key.txt"])
        let secret = try workspace.read("key.txt").split(separator: "\n").first { $0.hasPrefix("AGE-SECRET-KEY-") }
        let ageSecret = String(try #require(secret))
        let ageMessage = try #require(failure(ageSecret))
        #expect(ageMessage.contains("age secret key"))
        #expect(!ageMessage.contains(ageSecret))

        try workspace.mustRun("openssl", ["genrsa", "-out", "rsa.pem", "2048"])
        let privateMessage = try #require(failure(try workspace.read("rsa.pem")))
        #expect(privateMessage.contains("PEM private key"))

        #expect(try #require(failure("hunter2")).contains("not a recognised public key format"))
        #expect(!(try #require(failure("hunter2")).contains("hunter2")))
    }

    @Test("the same RSA key parsed from OpenSSH and PEM is the same recipient")
    func rsaFormsAgree() throws {
        let workspace = try Workspace()
        try workspace.mustRun("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-N", "", "-m", "PEM", "-f", "k"])
        let pem = try workspace.mustRun("openssl", ["rsa", "-in", "k", "-pubout"]).stdout
        #expect(try SealingRecipient(parsing: pem) == SealingRecipient(parsing: try workspace.read("k.pub")))
    }
}
