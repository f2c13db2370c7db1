import Foundation
import Sealing
import Testing

/// Seals with this module and opens with the stock `age` CLI: the consumer's real experience.
@Suite struct RoundTripTests {
    @Test("age -d with the matching key recovers the secret", arguments: KeyKind.allCases)
    func decryptsWithStockAge(kind: KeyKind) throws {
        let workspace = try Workspace()
        let (recipientText, identity) = try kind.generate(in: workspace, name: "consumer")
        let recipient = try SealingRecipient(parsing: recipientText)
        #expect(recipient.kind == kind.expectedKind)

        let token = randomToken()
        try workspace.write("sealed.age", try Sealer.seal(token, to: recipient))
        #expect(try workspace.mustRun("age", ["-d", "-i", identity, "sealed.age"]).output == token)
    }

    @Test("age -d with another key of the same kind fails", arguments: KeyKind.allCases)
    func otherKeyCannotDecrypt(kind: KeyKind) throws {
        let workspace = try Workspace()
        let (recipientText, _) = try kind.generate(in: workspace, name: "consumer")
        let (_, otherIdentity) = try kind.generate(in: workspace, name: "other")
        let token = randomToken()
        try workspace.write("sealed.age", try Sealer.seal(token, to: try SealingRecipient(parsing: recipientText)))

        let outcome = try workspace.run("age", ["-d", "-i", otherIdentity, "sealed.age"])
        #expect(outcome.status != 0)
        #expect(outcome.stderr.contains("no identity matched"), "unexpected age error: \(outcome.stderr)")
        #expect(outcome.output.isEmpty)
    }

    /// Chunk boundaries of the STREAM payload: empty, one byte, exactly one chunk, one chunk plus a byte.
    @Test("payload sizes around the 64 KiB chunk boundary decrypt", arguments: [0, 1, 65536, 65537, 3 * 65536])
    func payloadChunking(size: Int) throws {
        let workspace = try Workspace()
        let (recipientText, identity) = try KeyKind.ageX25519.generate(in: workspace, name: "consumer")
        let plaintext = randomToken(size)
        try workspace.write("sealed.age", try Sealer.seal(plaintext, to: try SealingRecipient(parsing: recipientText)))
        // Decrypt to stdout: `age -o` creates no file at all for an empty plaintext.
        #expect(try workspace.mustRun("age", ["-d", "-i", identity, "sealed.age"]).output == plaintext)
    }

    @Test("sealing the same secret twice gives different files")
    func freshRandomness() throws {
        let workspace = try Workspace()
        for kind in [KeyKind.ageX25519, .sshEd25519, .sshRSA3072] {
            let recipient = try SealingRecipient(parsing: try kind.generate(in: workspace, name: "\(kind)").recipient)
            let token = randomToken()
            let first = try Sealer.seal(token, to: recipient)
            let second = try Sealer.seal(token, to: recipient)
            #expect(first != second, "\(kind) seals are identical")
            // The headers themselves differ (fresh ephemeral share / OAEP seed), not just the payload nonce.
            let (firstHeader, secondHeader) = (try dearmor(first).prefix(200), try dearmor(second).prefix(200))
            #expect(firstHeader != secondHeader)
        }
    }
}
