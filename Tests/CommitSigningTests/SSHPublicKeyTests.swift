import Foundation
import Testing
@testable import CommitSigning
import TestSupport
import WireFormats

@Suite struct SSHPublicKeyTests {
    @Test(arguments: [
        ("ed25519", SSHPublicKey.Algorithm.ed25519, 256),
        ("ecdsa256", .ecdsaP256, 256),
        ("ecdsa384", .ecdsaP384, 384),
        ("ecdsa521", .ecdsaP521, 521),
        ("rsa", .rsa, 2048),
    ])
    func parsesKeysMadeBySSHKeygen(name: String, algorithm: SSHPublicKey.Algorithm, bits: Int) throws {
        let testKey = Keys.shared.all.first { $0.name == name }!
        let key = try SSHPublicKey(line: testKey.publicLine)
        #expect(key.algorithm == algorithm)
        #expect(key.bits == bits)
        #expect(key.comment == "\(name)@example.com")
        // The fingerprint is OpenSSH's.
        let listed = try run("ssh-keygen", ["-l", "-E", "sha256", "-f", testKey.privateKeyPath + ".pub"]).text
        #expect(listed.split(separator: " ")[1] == key.fingerprint)
        // The canonical form is the key as ssh-keygen wrote it.
        let fields = testKey.publicLine.split(separator: " ")
        #expect(key.openSSHRepresentation == "\(fields[0]) \(fields[1])")
    }

    @Test func equalityIsByKeyMaterialNotComment() throws {
        let line = Keys.shared.ed25519.publicLine
        let fields = line.split(separator: " ")
        let a = try SSHPublicKey(line: line)
        let b = try SSHPublicKey(line: "\(fields[0]) \(fields[1])")
        let c = try SSHPublicKey(line: "  \(fields[0])\t\(fields[1])   another comment with spaces  \n")
        #expect(a == b && b == c)
        #expect(Set([a, b, c]).count == 1)
        #expect(b.comment == nil)
        #expect(c.comment == "another comment with spaces")
        #expect(a != Keys.shared.stranger.publicKey)
    }

    @Test func rsaKeyWithPaddedMPIntsIsTheSameKey() throws {
        // OpenSSH reads mpints with redundant leading zeros; the canonical blob (and so the fingerprint) is unchanged.
        let key = Keys.shared.rsa.publicKey
        var reader = SSHWireReader(key.blob)
        _ = try reader.readString(what: "type")
        let e = try reader.readString(what: "e")
        let n = try reader.readString(what: "n")
        var padded = SSHWireWriter()
        padded.writeString("ssh-rsa")
        padded.writeString([0, 0] + e)
        padded.writeString([0] + n)
        let again = try SSHPublicKey(blob: Data(padded.bytes))
        #expect(again == key)
        #expect(again.fingerprint == key.fingerprint)
    }

    @Test func refusesMalformedLines() throws {
        let ed = Keys.shared.ed25519.publicLine.split(separator: " ")
        let rsaBase64 = Keys.shared.rsa.publicLine.split(separator: " ")[1]
        let cases: [(String, SSHPublicKey.ParseError.Kind, String)] = [
            ("ssh-ed25519", .malformed, "expected"),
            ("ssh-foo \(ed[1])", .malformed, "unknown key type"),
            ("ssh-ed25519 !!!notbase64", .malformed, "not valid base64"),
            ("ssh-ed25519 \(ed[1].dropLast(4))", .malformed, "malformed key"),
            ("ssh-rsa \(ed[1])", .malformed, "does not match"),
            ("ssh-ed25519 \(rsaBase64)", .malformed, "does not match"),
            ("ssh-ed25519-cert-v01@openssh.com AAAA", .unsupported, "certificates are not supported"),
            ("sk-ssh-ed25519@openssh.com AAAA", .unsupported, "security-key"),
            ("ssh-dss AAAA", .unsupported, "DSA"),
        ]
        for (line, kind, fragment) in cases {
            do {
                _ = try SSHPublicKey(line: line)
                Issue.record("accepted \(line)")
            } catch {
                #expect(error.kind == kind, "\(line): \(error)")
                #expect(error.message.contains(fragment), "\(line): \(error)")
            }
        }
    }

    @Test func refusesTrailingBytesAndBadCurves() throws {
        let key = Keys.shared.ecdsa256.publicKey
        #expect(throws: SSHPublicKey.ParseError.self) { try SSHPublicKey(blob: key.blob + Data([0])) }

        // A P-256 key that names another curve.
        var reader = SSHWireReader(key.blob)
        _ = try reader.readString(what: "type")
        _ = try reader.readString(what: "curve")
        let point = try reader.readString(what: "point")
        var wrong = SSHWireWriter()
        wrong.writeString("ecdsa-sha2-nistp256")
        wrong.writeString("nistp384")
        wrong.writeString(point)
        #expect(throws: SSHPublicKey.ParseError.self) { try SSHPublicKey(blob: Data(wrong.bytes)) }

        // A point off the curve.
        var offCurve = point
        offCurve[offCurve.count - 1] ^= 1
        var bad = SSHWireWriter()
        bad.writeString("ecdsa-sha2-nistp256")
        bad.writeString("nistp256")
        bad.writeString(offCurve)
        #expect(throws: SSHPublicKey.ParseError.self) { try SSHPublicKey(blob: Data(bad.bytes)) }
    }

    @Test func refusesShortRSAKeys() throws {
        let directory = try TemporaryDirectory()
        let path = directory.path("rsa1024")
        try run("ssh-keygen", ["-q", "-N", "", "-t", "rsa", "-b", "1024", "-f", path])
        let line = try String(contentsOfFile: path + ".pub", encoding: .utf8)
        do {
            _ = try SSHPublicKey(line: line)
            Issue.record("accepted a 1024-bit RSA key")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message.contains("2048"))
        }
    }

    @Test func hostileLengthsInKeyBlobsAreErrors() throws {
        // Every 4-byte window of a real key blob overwritten with 0xFFFFFFFF, and every truncation.
        for key in Keys.shared.all {
            let blob = [UInt8](key.publicKey.blob)
            for offset in 0..<(blob.count - 3) {
                var hostile = blob
                hostile.replaceSubrange(offset..<(offset + 4), with: [0xFF, 0xFF, 0xFF, 0xFF])
                _ = try? SSHPublicKey(blob: Data(hostile))
            }
            for length in 0..<blob.count {
                #expect(throws: SSHPublicKey.ParseError.self) { try SSHPublicKey(blob: Data(blob[0..<length])) }
            }
        }
    }
}
