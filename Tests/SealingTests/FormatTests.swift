import Foundation
import TestSupport
import Sealing
import Testing

/// Strictly undoes age's armor, failing on any framing the spec forbids.
func dearmor(_ armored: String) throws -> [UInt8] {
    var lines = armored.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    guard lines.last == "" else { throw ToolFailure("armor does not end with a newline") }
    lines.removeLast()
    guard lines.first == "-----BEGIN AGE ENCRYPTED FILE-----", lines.last == "-----END AGE ENCRYPTED FILE-----" else {
        throw ToolFailure("armor lacks BEGIN/END AGE ENCRYPTED FILE lines")
    }
    let body = lines.dropFirst().dropLast()
    guard body.dropLast().allSatisfy({ $0.count == 64 }), let last = body.last, (1...64).contains(last.count) else {
        throw ToolFailure("armor body is not in 64-column lines")
    }
    guard let bytes = Data(base64Encoded: body.joined()) else { throw ToolFailure("armor body is not base64") }
    return Array(bytes)
}

@Suite struct FormatTests {
    @Test("armored output is well-formed and never contains the secret")
    func armorStructure() throws {
        let workspace = try Workspace()
        let (recipientText, _) = try KeyKind.ageX25519.generate(in: workspace, name: "consumer")
        // A printable token, so "contains" checks are meaningful for text and raw bytes alike.
        let token = Array("robot$berth+ci:\(UUID().uuidString)".utf8)
        let armored = try Sealer.seal(token, to: try SealingRecipient(parsing: recipientText))

        #expect(!armored.contains(String(decoding: token, as: UTF8.self)))
        let binary = try dearmor(armored)
        #expect(!binary.indices.contains { Array(binary[$0...].prefix(token.count)) == token })

        let headerLines = String(decoding: binary, as: UTF8.self).split(separator: "\n", maxSplits: 4, omittingEmptySubsequences: false)
        #expect(headerLines[0] == "age-encryption.org/v1")
        #expect(headerLines[1].hasPrefix("-> X25519 "))
        #expect(headerLines[2].count == 43, "wrapped file key is 32 bytes = 43 unpadded base64 chars")
        #expect(headerLines[3].hasPrefix("--- ") && headerLines[3].count == 47)
    }

    /// A 3072-bit RSA body is 384 bytes = exactly 8 full 64-column lines, so the spec requires an empty
    /// final line; age rejects the file without it.
    @Test("ssh-rsa 3072 stanza body ends with an empty line")
    func fullLineStanzaBody() throws {
        let workspace = try Workspace()
        let (recipientText, _) = try KeyKind.sshRSA3072.generate(in: workspace, name: "consumer")
        let binary = try dearmor(try Sealer.seal(randomToken(), to: try SealingRecipient(parsing: recipientText)))
        let header = String(decoding: binary, as: UTF8.self).components(separatedBy: "\n---")[0]
        let lines = header.split(separator: "\n", omittingEmptySubsequences: false)
        try #require(lines.count == 2 + 8 + 1)
        #expect(lines[1].hasPrefix("-> ssh-rsa "))
        #expect(lines[2..<10].allSatisfy { $0.count == 64 })
        #expect(lines[10] == "")
    }
}
