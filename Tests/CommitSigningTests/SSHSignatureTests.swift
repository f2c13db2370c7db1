import Foundation
import Testing
@testable import CommitSigning
import TestSupport
import WireFormats

@Suite struct SSHSignatureTests {
    let keys = Keys.shared

    @Test func readsWhatSSHKeygenWrites() throws {
        let armored = try keys.ed25519.sign(sampleData)
        let signature = try SSHSignature(armored: armored)
        #expect(signature.publicKey == keys.ed25519.publicKey)
        #expect(signature.namespace == "git")
        #expect(signature.hashAlgorithm == .sha512)
        #expect(signature.signatureAlgorithm == "ssh-ed25519")
        #expect(signature.signatureBytes.count == 64)

        let sha256 = try SSHSignature(armored: try keys.rsa.sign(sampleData, namespace: "file", hashAlgorithm: "sha256"))
        #expect(sha256.hashAlgorithm == .sha256)
        #expect(sha256.namespace == "file")
        #expect(sha256.signatureAlgorithm == "rsa-sha2-512")

        // CRLF line ends and surrounding blank lines are fine.
        let crlf = "\n\n" + armored.replacingOccurrences(of: "\n", with: "\r\n") + "\r\n"
        #expect(throws: Never.self) { try SSHSignature(armored: crlf) }
    }

    @Test func tellsOtherSignatureKindsApart() {
        let cases: [(String, String)] = [
            ("-----BEGIN PGP SIGNATURE-----\n\niQEzBAABCAAdFiEE\n=abcd\n-----END PGP SIGNATURE-----\n",
             "GPG signatures are not supported; sign with gpg.format=ssh"),
            ("-----BEGIN SIGNED MESSAGE-----\nMIAGCSqGSIb3DQEHAqCAMIACAQEx\n-----END SIGNED MESSAGE-----\n",
             "X.509 (gpgsm) signatures are not supported; sign with gpg.format=ssh"),
            ("hello", "not an SSH signature (it does not start with -----BEGIN SSH SIGNATURE-----)"),
            ("  \n", "the signature is empty"),
        ]
        for (text, message) in cases {
            do {
                _ = try SSHSignature(armored: text)
                Issue.record("accepted \(text)")
            } catch {
                #expect(error.kind == .notSSHSignature)
                #expect(error.message == message)
            }
        }
    }

    @Test func refusesBrokenArmorAndBase64() throws {
        let armored = try keys.ed25519.sign(sampleData)
        let lines = armored.split(separator: "\n")
        let cases: [String] = [
            lines.dropLast().joined(separator: "\n"),                                  // no END line
            lines[0] + "\n" + lines.last!,                                              // nothing inside
            lines[0] + "\n" + lines[1] + "\n" + lines.last!,                            // truncated body
            lines[0] + "\n" + lines[1].dropLast(3) + "\n" + lines.last!,                // bad base64 length
            lines[0] + "\n!!!!" + lines[1].dropFirst(4) + "\n" + lines.last!,           // not base64
            lines[0] + "\n" + String(repeating: "A", count: 70000) + "\n" + lines.last!, // too long
            lines[0] + "\n=AAA\n" + lines.last!,                                         // misplaced padding
        ]
        for text in cases {
            do {
                _ = try SSHSignature(armored: text)
                Issue.record("accepted \(text.prefix(100))")
            } catch {
                #expect(error.kind == .malformed, "\(error)")
            }
        }
    }

    /// The fields of a real signature, to be rebuilt with one thing changed.
    struct Fields {
        var magic: [UInt8] = Array("SSHSIG".utf8)
        var version: UInt32 = 1
        var key: [UInt8]
        var namespace: [UInt8] = Array("git".utf8)
        var reserved: [UInt8] = []
        var hash: [UInt8] = Array("sha512".utf8)
        var signature: [UInt8]
        var trailing: [UInt8] = []

        init(_ blob: [UInt8]) throws {
            var reader = SSHWireReader(blob)
            _ = try reader.readBytes(6, what: "magic")
            _ = try reader.readUInt32(what: "version")
            key = try reader.readString(what: "key")
            namespace = try reader.readString(what: "namespace")
            reserved = try reader.readString(what: "reserved")
            hash = try reader.readString(what: "hash")
            signature = try reader.readString(what: "signature")
        }

        var blob: [UInt8] {
            var w = SSHWireWriter()
            w.writeRaw(magic)
            w.writeUInt32(version)
            w.writeString(key)
            w.writeString(namespace)
            w.writeString(reserved)
            w.writeString(hash)
            w.writeString(signature)
            w.writeRaw(trailing)
            return w.bytes
        }
    }

    @Test func refusesStructuralDamageWithTheRightKind() throws {
        let fields = try Fields(dearmor(try keys.ecdsa256.sign(sampleData)))
        var innerSig = SSHWireReader(fields.signature)
        _ = try innerSig.readString(what: "alg")
        let rs = try innerSig.readString(what: "rs")

        func change(_ edit: (inout Fields) -> Void) -> [UInt8] {
            var copy = fields
            edit(&copy)
            return copy.blob
        }
        func inner(_ algorithm: String, _ value: [UInt8]) -> [UInt8] {
            var w = SSHWireWriter()
            w.writeString(algorithm)
            w.writeString(value)
            return w.bytes
        }
        let cases: [(String, [UInt8], SSHSignature.ParseError.Kind, String)] = [
            ("magic", change { $0.magic = Array("SSHSIH".utf8) }, .malformed, "does not start with \"SSHSIG\""),
            ("version", change { $0.version = 2 }, .unsupported, "version 2"),
            ("reserved", change { $0.reserved = [1] }, .unsupported, "reserved field is not empty"),
            ("hash", change { $0.hash = Array("sha1".utf8) }, .unsupported, "hash algorithm \"sha1\""),
            ("empty namespace", change { $0.namespace = [] }, .malformed, "namespace is empty"),
            ("binary namespace", change { $0.namespace = [0x67, 0x00, 0x74] }, .malformed, "namespace is not valid text"),
            ("trailing", change { $0.trailing = [0] }, .malformed, "unexpected bytes after the signature"),
            ("key type", change { $0.key = Array(keys.ed25519.publicKey.blob) }, .malformed, "does not fit an ssh-ed25519 key"),
            ("sig trailing", change { $0.signature += [0] }, .malformed, "unexpected bytes"),
            ("ecdsa trailing", change { $0.signature = inner("ecdsa-sha2-nistp256", rs + [0]) }, .malformed, "unexpected bytes"),
            ("ecdsa r too big", change {
                var w = SSHWireWriter()
                w.writePositiveMPInt([UInt8](repeating: 0x7F, count: 40))
                w.writePositiveMPInt([1])
                $0.signature = inner("ecdsa-sha2-nistp256", w.bytes)
            }, .malformed, "out of range"),
            ("ecdsa negative", change {
                var w = SSHWireWriter()
                w.writeString([0x80, 1])
                w.writeString([1])
                $0.signature = inner("ecdsa-sha2-nistp256", w.bytes)
            }, .malformed, "negative"),
            ("certificate", change {
                var w = SSHWireWriter()
                w.writeString("ssh-ed25519-cert-v01@openssh.com")
                w.writeString([UInt8](repeating: 0, count: 32))
                $0.key = w.bytes
            }, .unsupported, "certificates are not supported"),
        ]
        for (name, blob, kind, fragment) in cases {
            do {
                _ = try SSHSignature(armored: armor(blob))
                Issue.record("\(name): accepted")
            } catch {
                #expect(error.kind == kind, "\(name): \(error)")
                #expect(error.message.contains(fragment), "\(name): \(error)")
            }
        }
    }

    @Test func refusesSHA1RSASignatures() throws {
        var fields = try Fields(dearmor(try keys.rsa.sign(sampleData)))
        var reader = SSHWireReader(fields.signature)
        _ = try reader.readString(what: "alg")
        let value = try reader.readString(what: "value")
        var w = SSHWireWriter()
        w.writeString("ssh-rsa")
        w.writeString(value)
        fields.signature = w.bytes
        do {
            _ = try SSHSignature(armored: armor(fields.blob))
            Issue.record("accepted ssh-rsa")
        } catch {
            #expect(error.kind == .unsupported)
            #expect(error.message.hasPrefix("RSA signatures with SHA-1 (ssh-rsa) are insecure"))
        }
    }

    @Test func hugeLengthFieldsAndTruncationsAreErrorsNotCrashes() throws {
        let allowed = keys.allowedSigners()
        for key in keys.all {
            let blob = dearmor(try key.sign(sampleData))
            // Every prefix is refused.
            for length in 0..<blob.count {
                #expect(throws: SSHSignature.ParseError.self) { try SSHSignature(blob: Data(blob[0..<length])) }
            }
            // Every 4-byte window set to huge lengths is refused or at least never crashes.
            for offset in 6..<(blob.count - 3) {
                for huge: [UInt8] in [[0xFF, 0xFF, 0xFF, 0xFF], [0x7F, 0xFF, 0xFF, 0xFF], [0x00, 0x01, 0x00, 0x00]] {
                    var hostile = blob
                    hostile.replaceSubrange(offset..<(offset + 4), with: huge)
                    if hostile == blob { continue }  // the window held these bytes already
                    let result = CommitSignatureVerifier.verify(
                        signature: armor(hostile), signedData: sampleData, allowed: allowed, at: now)
                    #expect(!result.isValid, "offset \(offset) set to \(huge)")
                }
            }
        }
    }

    @Test func randomDamageNeverVerifies() throws {
        let allowed = keys.allowedSigners()
        var generator = SplitMix64(seed: 0x5EED)
        for key in keys.all {
            let blob = dearmor(try key.sign(sampleData))
            for _ in 0..<300 {
                var damaged = blob
                let flips = Int.random(in: 1...4, using: &generator)
                for _ in 0..<flips {
                    let index = Int.random(in: 0..<damaged.count, using: &generator)
                    damaged[index] ^= UInt8.random(in: 1...255, using: &generator)
                }
                let result = CommitSignatureVerifier.verify(signature: armor(damaged), signedData: sampleData, allowed: allowed, at: now)
                #expect(!result.isValid, "damaged \(key.name) signature verified")
            }
            // Random bytes of random lengths, and random text inside the armor.
            for _ in 0..<200 {
                let length = Int.random(in: 0..<600, using: &generator)
                let noise = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
                #expect(!CommitSignatureVerifier.verify(signature: armor(noise), signedData: sampleData, allowed: allowed, at: now).isValid)
                let text = "-----BEGIN SSH SIGNATURE-----\n" + String(decoding: noise, as: UTF8.self) + "\n-----END SSH SIGNATURE-----"
                #expect(!CommitSignatureVerifier.verify(signature: text, signedData: sampleData, allowed: allowed, at: now).isValid)
            }
        }
    }
}
