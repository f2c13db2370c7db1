import Crypto
import _CryptoExtras
import Foundation
import Testing
@testable import CommitSigning
import TestSupport
import WireFormats

@Suite struct VerifierTests {
    let keys = Keys.shared

    @Test(arguments: ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"], ["sha512", "sha256"])
    func signaturesBySSHKeygenVerify(name: String, hash: String) throws {
        let key = keys.all.first { $0.name == name }!
        let signature = try key.sign(sampleData, hashAlgorithm: hash)
        let result = CommitSignatureVerifier.verify(
            signature: signature, signedData: sampleData, allowed: keys.allowedSigners(), at: now)
        #expect(result == .valid(principal: "\(name)@example.com", fingerprint: key.publicKey.fingerprint))
        #expect(result.description == "good signature by \(name)@example.com with key \(key.publicKey.fingerprint)")
    }

    @Test(arguments: ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"])
    func tamperedDataDoesNotVerify(name: String) throws {
        let key = keys.all.first { $0.name == name }!
        let signature = try key.sign(sampleData)
        var tampered = sampleData
        tampered[tampered.count - 2] ^= 0x01
        let result = CommitSignatureVerifier.verify(signature: signature, signedData: tampered, allowed: keys.allowedSigners(), at: now)
        #expect(result == .invalid(.badSignature(fingerprint: key.publicKey.fingerprint)))
        #expect(result.description.contains("does not verify"))
        // Data with one more byte, or none at all.
        #expect(!CommitSignatureVerifier.verify(signature: signature, signedData: sampleData + Data("\n".utf8), allowed: keys.allowedSigners(), at: now).isValid)
        #expect(!CommitSignatureVerifier.verify(signature: signature, signedData: Data(), allowed: keys.allowedSigners(), at: now).isValid)
    }

    @Test func wrongNamespace() throws {
        let signature = try keys.ed25519.sign(sampleData, namespace: "file")
        let result = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: keys.allowedSigners(), at: now)
        #expect(result == .invalid(.wrongNamespace(expected: "git", found: "file")))
        #expect(result.description == "the signature is for namespace \"file\", not \"git\"")
        // And it verifies where that namespace is asked for.
        #expect(CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: keys.allowedSigners(), namespace: "file", at: now).isValid)
    }

    @Test func keyNotInTheAllowedSigners() throws {
        let signature = try keys.stranger.sign(sampleData)
        let result = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: keys.allowedSigners(), at: now)
        #expect(result == .invalid(.keyNotAllowed(fingerprint: keys.stranger.publicKey.fingerprint)))
        #expect(result.description == "the signing key \(keys.stranger.publicKey.fingerprint) is not in the allowed signers")
    }

    @Test func namespaceNotAllowedForTheKey() throws {
        let allowed = keys.allowedSigners(options: "namespaces=\"file,release-*\"")
        let signature = try keys.ecdsa256.sign(sampleData)
        let result = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: allowed, at: now)
        #expect(result == .invalid(.namespaceNotAllowed(fingerprint: keys.ecdsa256.publicKey.fingerprint, principal: "ecdsa256@example.com", namespace: "git")))
    }

    @Test func validityWindow() throws {
        let signature = try keys.ed25519.sign(sampleData)
        let expired = keys.allowedSigners(options: "valid-before=\"20240101Z\"")
        let result = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: expired, at: now)
        guard case .invalid(.keyNotValid(let fingerprint, let principal, let reason)) = result else {
            Issue.record("\(result)"); return
        }
        #expect(fingerprint == keys.ed25519.publicKey.fingerprint)
        #expect(principal == "ed25519@example.com")
        #expect(reason == "it expired at 2024-01-01T00:00:00Z (valid-before, line 1), the commit is of 2025-06-15T15:06:40Z")

        let notYet = keys.allowedSigners(options: "valid-after=\"20300101Z\"")
        let early = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: notYet, at: now)
        #expect(early.description.contains("it is valid only from 2030-01-01T00:00:00Z (valid-after, line 1)"))

        // Commits made inside the window verify, whenever they are checked.
        let window = keys.allowedSigners(options: "valid-after=\"20250101Z\",valid-before=\"20251231Z\"")
        #expect(CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: window, at: now).isValid)
        // A later line for the same key can still allow it.
        let rotated = try AllowedSigners(contents: """
            old@example.com valid-before="20240101Z" \(keys.ed25519.publicLine)
            new@example.com valid-after="20240101Z" \(keys.ed25519.publicLine)
            """)
        #expect(CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: rotated, at: now)
            == .valid(principal: "new@example.com", fingerprint: keys.ed25519.publicKey.fingerprint))
    }

    @Test func gpgAndOtherTexts() {
        let gpg = """
            -----BEGIN PGP SIGNATURE-----

            iHUEABYKAB0WIQQ8u0f2W+2jmbnn5dy1WvFsoqDJbgUCZbK2tQAKCRC1WvFsoqDJ
            bjK9AQCq5w7wvQ==
            =Xh6V
            -----END PGP SIGNATURE-----
            """
        let result = CommitSignatureVerifier.verify(signature: gpg, signedData: sampleData, allowed: keys.allowedSigners(), at: now)
        #expect(result == .invalid(.notSSHSignature("GPG signatures are not supported; sign with gpg.format=ssh")))
        #expect(result.description == "GPG signatures are not supported; sign with gpg.format=ssh")
        #expect(CommitSignatureVerifier.verify(signature: "", signedData: sampleData, allowed: keys.allowedSigners(), at: now) == .invalid(.unsigned))
    }

    @Test func truncatedAndGarbageSignatures() throws {
        let armored = try keys.ed25519.sign(sampleData)
        let blob = dearmor(armored)
        for text in [armor(Array(blob.prefix(blob.count / 2))), armor(Array(blob.dropLast())),
                     "-----BEGIN SSH SIGNATURE-----\nnot base64 at all!\n-----END SSH SIGNATURE-----\n",
                     String(armored.prefix(armored.count / 2))] {
            let result = CommitSignatureVerifier.verify(signature: text, signedData: sampleData, allowed: keys.allowedSigners(), at: now)
            guard case .invalid(.malformed(let message)) = result else { Issue.record("\(result)"); return }
            #expect(result.description == "malformed SSH signature: \(message)")
        }
        // A length field claiming 4 GiB.
        var huge = blob
        huge.replaceSubrange(10..<14, with: [0xFF, 0xFF, 0xFF, 0xFF])
        let result = CommitSignatureVerifier.verify(signature: armor(huge), signedData: sampleData, allowed: keys.allowedSigners(), at: now)
        #expect(result == .invalid(.malformed("length of public key (4294967295) exceeds the \(blob.count - 14) bytes left")))
    }

    // MARK: - Signatures ssh-keygen does not make: rsa-sha2-256 and SHA-1 ssh-rsa

    /// The RSA test key's private half, through a PEM copy ssh-keygen converts.
    func rsaPrivateKey() throws -> _RSA.Signing.PrivateKey {
        let directory = try TemporaryDirectory()
        let copy = directory.path("rsa")
        try FileManager.default.copyItem(atPath: keys.rsa.privateKeyPath, toPath: copy)
        try run("ssh-keygen", ["-q", "-p", "-m", "PEM", "-P", "", "-N", "", "-f", copy])
        return try _RSA.Signing.PrivateKey(pemRepresentation: String(contentsOfFile: copy, encoding: .utf8))
    }

    /// Signs the SSHSIG message for `data` with the RSA test key through swift-crypto.
    func rsaSignature(_ data: Data, algorithm: String, privateKey given: _RSA.Signing.PrivateKey? = nil) throws -> String {
        let privateKey = try given ?? rsaPrivateKey()
        let message = SSHSignature.signedMessage(namespace: "git", hashAlgorithm: .sha512, data: data)
        let value: _RSA.Signing.RSASignature
        switch algorithm {
        case "rsa-sha2-256": value = try privateKey.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        case "rsa-sha2-512": value = try privateKey.signature(for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5)
        default: value = try privateKey.signature(for: Insecure.SHA1.hash(data: message), padding: .insecurePKCS1v1_5)
        }
        var inner = SSHWireWriter()
        inner.writeString(algorithm)
        inner.writeString([UInt8](value.rawRepresentation))
        var outer = SSHWireWriter()
        outer.writeRaw(Array("SSHSIG".utf8))
        outer.writeUInt32(1)
        outer.writeString([UInt8](keys.rsa.publicKey.blob))
        outer.writeString("git")
        outer.writeString([UInt8]())
        outer.writeString("sha512")
        outer.writeString(inner.bytes)
        return armor(outer.bytes)
    }

    @Test func rsaSHA256AndSHA1() throws {
        let allowed = keys.allowedSigners()
        let fingerprint = keys.rsa.publicKey.fingerprint
        for algorithm in ["rsa-sha2-256", "rsa-sha2-512"] {
            let signature = try rsaSignature(sampleData, algorithm: algorithm)
            #expect(CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: allowed, at: now)
                == .valid(principal: "rsa@example.com", fingerprint: fingerprint))
            #expect(try OpenSSH.verifies(signature, sampleData, allowed: keys.allowedSignersText(), principal: "rsa@example.com"))
            #expect(CommitSignatureVerifier.verify(signature: signature, signedData: sampleData + Data([0]), allowed: allowed, at: now)
                == .invalid(.badSignature(fingerprint: fingerprint)))
        }
        let sha1 = try rsaSignature(sampleData, algorithm: "ssh-rsa")
        let result = CommitSignatureVerifier.verify(signature: sha1, signedData: sampleData, allowed: allowed, at: now)
        guard case .invalid(.unsupported(let message)) = result else { Issue.record("\(result)"); return }
        #expect(message.hasPrefix("RSA signatures with SHA-1 (ssh-rsa) are insecure and not accepted"))
        #expect(result.description.hasPrefix("unsupported SSH signature: RSA signatures with SHA-1"))
    }

    @Test func rsaSignatureWithoutLeadingZerosVerifies() throws {
        // RFC 8332 says the value is as long as the modulus; OpenSSH and Berth also accept it with leading zeros
        // dropped. Sign until a value starts with a zero byte (1 in 256), then drop it.
        let privateKey = try rsaPrivateKey()
        for attempt in 0..<5000 {
            let data = sampleData + Data("\(attempt)".utf8)
            let armored = try rsaSignature(data, algorithm: "rsa-sha2-512", privateKey: privateKey)
            var fields = try SSHSignatureTests.Fields(dearmor(armored))
            var reader = SSHWireReader(fields.signature)
            let algorithm = try reader.readText(what: "alg")
            let value = try reader.readString(what: "value")
            guard value.first == 0 else { continue }
            var inner = SSHWireWriter()
            inner.writeString(algorithm)
            inner.writeString(Array(value.dropFirst()))
            fields.signature = inner.bytes
            let short = armor(fields.blob)
            #expect(CommitSignatureVerifier.verify(signature: short, signedData: data, allowed: keys.allowedSigners(), at: now).isValid)
            #expect(try OpenSSH.verifies(short, data, allowed: keys.allowedSignersText(), principal: "rsa@example.com"))
            return
        }
        Issue.record("no RSA signature with a leading zero byte in 5000 tries")
    }

    // MARK: - Agreement with ssh-keygen -Y verify

    @Test func agreesWithSSHKeygenVerify() throws {
        let text = keys.allowedSignersText()
        let strangerText = text + "files@example.com namespaces=\"file\" \(keys.stranger.publicLine)\n"
        let expiredText = keys.allowedSignersText(options: "valid-before=\"20240101Z\"")
        let futureText = keys.allowedSignersText(options: "valid-after=\"20300101Z\"")
        struct Case { let name: String; let signature: String; let data: Data; let allowed: String; let principal: String }
        var cases: [Case] = []
        for key in keys.all {
            let principal = "\(key.name)@example.com"
            let good = try key.sign(sampleData)
            cases.append(Case(name: "\(key.name) good", signature: good, data: sampleData, allowed: text, principal: principal))
            cases.append(Case(name: "\(key.name) good sha256", signature: try key.sign(sampleData, hashAlgorithm: "sha256"), data: sampleData, allowed: text, principal: principal))
            cases.append(Case(name: "\(key.name) tampered", signature: good, data: sampleData + Data(" ".utf8), allowed: text, principal: principal))
            cases.append(Case(name: "\(key.name) namespace", signature: try key.sign(sampleData, namespace: "file"), data: sampleData, allowed: text, principal: principal))
            cases.append(Case(name: "\(key.name) expired", signature: good, data: sampleData, allowed: expiredText, principal: principal))
            cases.append(Case(name: "\(key.name) future", signature: good, data: sampleData, allowed: futureText, principal: principal))
        }
        let strangerSig = try keys.stranger.sign(sampleData)
        cases.append(Case(name: "stranger", signature: strangerSig, data: sampleData, allowed: text, principal: "ed25519@example.com"))
        cases.append(Case(name: "stranger file-only", signature: strangerSig, data: sampleData, allowed: strangerText, principal: "files@example.com"))
        // ECDSA r and s with redundant leading zero bytes: both sides read mpints that way.
        do {
            var fields = try SSHSignatureTests.Fields(dearmor(try keys.ecdsa384.sign(sampleData)))
            var reader = SSHWireReader(fields.signature)
            let algorithm = try reader.readText(what: "alg")
            var rs = SSHWireReader(try reader.readString(what: "rs"))
            let r = try rs.readString(what: "r"), s = try rs.readString(what: "s")
            var value = SSHWireWriter()
            value.writeString([0] + r)
            value.writeString(s)
            var inner = SSHWireWriter()
            inner.writeString(algorithm)
            inner.writeString(value.bytes)
            fields.signature = inner.bytes
            cases.append(Case(name: "ecdsa padded r", signature: armor(fields.blob), data: sampleData, allowed: text, principal: "ecdsa384@example.com"))
        }
        let rsa256 = try rsaSignature(sampleData, algorithm: "rsa-sha2-256")
        cases.append(Case(name: "rsa-sha2-256", signature: rsa256, data: sampleData, allowed: text, principal: "rsa@example.com"))

        var agreed = 0
        for c in cases {
            let allowed = try AllowedSigners(contents: c.allowed)
            let ours = CommitSignatureVerifier.verify(signature: c.signature, signedData: c.data, allowed: allowed, at: now)
            let theirs = try OpenSSH.verifies(c.signature, c.data, allowed: c.allowed, principal: c.principal)
            #expect(ours.isValid == theirs, "\(c.name): Berth says \(ours), ssh-keygen says \(theirs)")
            if ours.isValid == theirs { agreed += 1 }
        }
        #expect(agreed == cases.count)
        #expect(cases.filter { $0.name.hasSuffix("good") }.count == 5)
    }

    @Test func validityBoundariesAndQuotedPrincipalsAgreeWithSSHKeygen() throws {
        let signature = try keys.ecdsa521.sign(sampleData)
        let start = Date(timeIntervalSince1970: 1_749_945_600)  // 2025-06-15T00:00:00Z
        let end = Date(timeIntervalSince1970: 1_750_032_000)    // 2025-06-16T00:00:00Z
        let text = "\"release team@example.com,other@example.com\" NAMESPACES=\"g*\",valid-after=\"20250615Z\",valid-before=\"202506160000Z\" \(keys.ecdsa521.publicLine)\n"
        let allowed = try AllowedSigners(contents: text)
        #expect(allowed.signers[0].principals == ["release team@example.com", "other@example.com"])
        for (date, expected) in [(start - 1, false), (start, true), (end, true), (end + 1, false)] {
            let ours = CommitSignatureVerifier.verify(signature: signature, signedData: sampleData, allowed: allowed, at: date)
            #expect(ours.isValid == expected, "\(date): \(ours)")
            #expect(try OpenSSH.verifies(signature, sampleData, allowed: text, principal: "release team@example.com", at: date) == expected, "\(date)")
        }
    }

    /// Where Berth is deliberately stricter than ssh-keygen: it may refuse what OpenSSH accepts, never the reverse.
    @Test func stricterThanSSHKeygenOnlyWhereIntended() throws {
        let text = keys.allowedSignersText()
        let allowed = try AllowedSigners(contents: text)
        // A non-empty reserved field: OpenSSH ignores it (and signs over an empty one); Berth refuses it.
        var fields = try SSHSignatureTests.Fields(dearmor(try keys.ed25519.sign(sampleData)))
        fields.reserved = Array("future".utf8)
        let reserved = armor(fields.blob)
        #expect(CommitSignatureVerifier.verify(signature: reserved, signedData: sampleData, allowed: allowed, at: now)
            == .invalid(.unsupported("the reserved field is not empty (6 bytes)")))
        // (OpenSSH 9.2 accepts it: the one known case where Berth refuses what ssh-keygen accepts.)
        let opensshTakesReserved = try OpenSSH.verifies(reserved, sampleData, allowed: text, principal: "ed25519@example.com")
        print("ssh-keygen -Y verify with a non-empty reserved field: \(opensshTakesReserved ? "accepted" : "refused")")
        // SHA-1 RSA: refused by both.
        let sha1 = try rsaSignature(sampleData, algorithm: "ssh-rsa")
        #expect(!CommitSignatureVerifier.verify(signature: sha1, signedData: sampleData, allowed: allowed, at: now).isValid)
        #expect(try !OpenSSH.verifies(sha1, sampleData, allowed: text, principal: "rsa@example.com"))
    }
}

enum OpenSSH {
    /// `ssh-keygen -Y verify` of `signature` over `data`, for `principal` in `namespace` at `date`.
    static func verifies(_ signature: String, _ data: Data, allowed: String, principal: String, namespace: String = "git",
                         at date: Date = now) throws -> Bool {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let time = String(format: "%04d%02d%02d%02d%02d%02dZ", c.year!, c.month!, c.day!, c.hour!, c.minute!, c.second!)
        let directory = try TemporaryDirectory()
        let allowedPath = try directory.write("allowed_signers", allowed)
        let signaturePath = try directory.write("data.sig", signature)
        let result = try run("ssh-keygen", [
            "-Y", "verify", "-f", allowedPath, "-I", principal, "-n", namespace, "-s", signaturePath,
            "-O", "verify-time=\(time)",
        ], stdin: data, check: false)
        return result.status == 0
    }
}
