import Foundation
import Testing
@testable import CommitSigning
import TestSupport

/// A git repository in a temporary directory, with commits signed through git's own ssh support.
final class TestRepository: @unchecked Sendable {
    let directory: TemporaryDirectory
    var path: String { directory.url.path }

    init(objectFormat: String = "sha1") throws {
        directory = try TemporaryDirectory()
        try git(["init", "-q", "--object-format=\(objectFormat)", "."])
        try git(["config", "user.name", "Test Committer"])
        try git(["config", "user.email", "committer@example.com"])
        try git(["config", "commit.gpgsign", "false"])
    }

    @discardableResult
    func git(_ arguments: [String], environment: [String: String] = [:], stdin: Data? = nil) throws -> ToolResult {
        var env = ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": path]
        for (k, v) in environment { env[k] = v }
        return try run("git", arguments, stdin: stdin, in: directory.url, environment: env)
    }

    /// Commits a file change signed with `key` (`git -c gpg.format=ssh -c user.signingkey=KEY commit -S`).
    @discardableResult
    func signedCommit(_ key: TestKey?, message: String = "Add declarations", file: String = "repo.yaml",
                      date: String? = nil) throws -> String {
        let content = "# \(UUID().uuidString)\nkind: Repository\n"
        try Data(content.utf8).write(to: directory.url.appendingPathComponent(file))
        try git(["add", file])
        var environment: [String: String] = [:]
        if let date { environment["GIT_COMMITTER_DATE"] = date; environment["GIT_AUTHOR_DATE"] = date }
        if let key {
            try git(["-c", "gpg.format=ssh", "-c", "user.signingkey=\(key.privateKeyPath)", "commit", "-q", "-S", "-m", message],
                    environment: environment)
        } else {
            try git(["commit", "-q", "-m", message], environment: environment)
        }
        return try git(["rev-parse", "HEAD"]).text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func rawCommit(_ id: String = "HEAD") throws -> Data {
        try git(["cat-file", "commit", id]).stdout
    }

    /// Whether `git verify-commit` accepts the commit with this allowed signers file.
    func gitVerifies(_ id: String, allowedSignersPath: String) throws -> Bool {
        let result = try run("git", ["-c", "gpg.ssh.allowedSignersFile=\(allowedSignersPath)", "verify-commit", id],
                             in: directory.url, environment: ["GIT_CONFIG_NOSYSTEM": "1", "GIT_CONFIG_GLOBAL": "/dev/null", "HOME": path],
                             check: false)
        return result.status == 0
    }
}

@Suite struct GitCommitTests {
    let keys = Keys.shared

    @Test(arguments: ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"])
    func realSignedCommitsVerify(name: String) throws {
        let key = keys.all.first { $0.name == name }!
        let repository = try TestRepository()
        try repository.signedCommit(key, message: "First\n\nBody line\ngpgsig -----BEGIN SSH SIGNATURE----- (in the message, not a header)")
        let id = try repository.signedCommit(key, message: "Second")   // has a parent header too
        let raw = try repository.rawCommit(id)
        let commit = SignedCommit(rawCommit: raw)
        let signature = try #require(commit.signature)
        #expect(signature.hasPrefix("-----BEGIN SSH SIGNATURE-----\n"))
        #expect(signature.hasSuffix("-----END SSH SIGNATURE-----\n"))
        #expect(!String(decoding: commit.signedData, as: UTF8.self).contains("gpgsig"))

        let allowed = keys.allowedSigners()
        let date = try #require(commit.committerDate)
        let expected = Verification.valid(principal: "\(name)@example.com", fingerprint: key.publicKey.fingerprint)
        #expect(CommitSignatureVerifier.verify(signature: signature, signedData: commit.signedData, allowed: allowed, at: date) == expected)
        #expect(CommitSignatureVerifier.verify(commit: raw, allowed: allowed) == expected)
        // The first commit, whose message mentions gpgsig, too.
        #expect(CommitSignatureVerifier.verify(commit: try repository.rawCommit("HEAD~1"), allowed: allowed) == expected)

        // git agrees.
        let allowedPath = try repository.directory.write("allowed_signers", keys.allowedSignersText())
        #expect(try repository.gitVerifies(id, allowedSignersPath: allowedPath))
    }

    @Test func signedDataIsExactlyWhatGitHashesWithoutTheSignature() throws {
        let repository = try TestRepository()
        let id = try repository.signedCommit(keys.ed25519)
        let raw = try repository.rawCommit(id)
        let commit = SignedCommit(rawCommit: raw)
        // Rebuild the object from the signed data and the signature: it must hash to the commit id.
        let text = String(decoding: commit.signedData, as: UTF8.self)
        let headerEnd = try #require(text.range(of: "\n\n"))
        let signatureLines = commit.signature!.dropLast().split(separator: "\n", omittingEmptySubsequences: false)
        let header = "gpgsig " + signatureLines.joined(separator: "\n ") + "\n"
        let rebuilt = String(text[..<headerEnd.lowerBound]) + "\n" + header + String(text[text.index(after: headerEnd.lowerBound)...])
        #expect(Data(rebuilt.utf8) == raw)
        let hashed = try repository.git(["hash-object", "-t", "commit", "--stdin"], stdin: Data(rebuilt.utf8)).text
        #expect(hashed.trimmingCharacters(in: .whitespacesAndNewlines) == id)
        // What git itself calls the payload (verify-commit --raw prints gpg's view; for ssh, compare with an
        // independent strip: drop the gpgsig line and its continuation lines).
        var stripped: [Substring] = []
        var inSignature = false
        for line in String(decoding: raw, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("gpgsig ") { inSignature = true; continue }
            if inSignature && line.hasPrefix(" ") { continue }
            inSignature = false
            stripped.append(line)
        }
        #expect(commit.signedData == Data(stripped.joined(separator: "\n").utf8))
    }

    @Test func sha256Repositories() throws {
        let repository = try TestRepository(objectFormat: "sha256")
        let id = try repository.signedCommit(keys.ecdsa256)
        let raw = try repository.rawCommit(id)
        #expect(String(decoding: raw, as: UTF8.self).contains("\ngpgsig-sha256 -----BEGIN SSH SIGNATURE-----\n"))
        #expect(SignedCommit(rawCommit: raw).signature == nil)
        let commit = SignedCommit(rawCommit: raw, signatureHeader: "gpgsig-sha256")
        #expect(CommitSignatureVerifier.verify(signature: commit.signature!, signedData: commit.signedData, allowed: keys.allowedSigners(), at: commit.committerDate!)
            == .valid(principal: "ecdsa256@example.com", fingerprint: keys.ecdsa256.publicKey.fingerprint))
    }

    @Test func tamperedCommitDoesNotVerify() throws {
        let repository = try TestRepository()
        let raw = try repository.rawCommit(try repository.signedCommit(keys.ed25519, message: "Allow anonymous pulls: no"))
        let text = String(decoding: raw, as: UTF8.self)
        let changed = Data(text.replacingOccurrences(of: "anonymous pulls: no", with: "anonymous pulls: yes").utf8)
        #expect(CommitSignatureVerifier.verify(commit: changed, allowed: keys.allowedSigners())
            == .invalid(.badSignature(fingerprint: keys.ed25519.publicKey.fingerprint)))
        // A changed committer time is a change to the signed data too.
        let redated = Data(text.replacingOccurrences(of: "> ", with: "> 1").utf8)
        #expect(!CommitSignatureVerifier.verify(commit: redated, allowed: keys.allowedSigners()).isValid)
    }

    @Test func unsignedAndUntrustedCommits() throws {
        let repository = try TestRepository()
        let unsigned = try repository.rawCommit(try repository.signedCommit(nil))
        #expect(SignedCommit(rawCommit: unsigned).signature == nil)
        #expect(CommitSignatureVerifier.verify(commit: unsigned, allowed: keys.allowedSigners()) == .invalid(.unsigned))
        let stranger = try repository.rawCommit(try repository.signedCommit(keys.stranger))
        #expect(CommitSignatureVerifier.verify(commit: stranger, allowed: keys.allowedSigners())
            == .invalid(.keyNotAllowed(fingerprint: keys.stranger.publicKey.fingerprint)))
    }

    @Test func keyValidityIsCheckedAtTheCommitTime() throws {
        let repository = try TestRepository()
        let allowedText = "ed25519@example.com valid-after=\"20240101Z\",valid-before=\"20250101Z\" \(keys.ed25519.publicLine)\n"
        let allowed = try AllowedSigners(contents: allowedText)
        let allowedPath = try repository.directory.write("allowed_signers", allowedText)

        let inside = try repository.signedCommit(keys.ed25519, date: "2024-06-01T12:00:00Z")
        #expect(CommitSignatureVerifier.verify(commit: try repository.rawCommit(inside), allowed: allowed).isValid)
        #expect(try repository.gitVerifies(inside, allowedSignersPath: allowedPath))

        let after = try repository.signedCommit(keys.ed25519, date: "2025-03-01T12:00:00Z")
        let result = CommitSignatureVerifier.verify(commit: try repository.rawCommit(after), allowed: allowed)
        guard case .invalid(.keyNotValid(_, "ed25519@example.com", let reason)) = result else { Issue.record("\(result)"); return }
        #expect(reason.hasPrefix("it expired at 2025-01-01T00:00:00Z"))
        #expect(try !repository.gitVerifies(after, allowedSignersPath: allowedPath))

        let before = try repository.signedCommit(keys.ed25519, date: "2023-03-01T12:00:00Z")
        #expect(CommitSignatureVerifier.verify(commit: try repository.rawCommit(before), allowed: allowed).failure?.description
            .contains("is valid only from 2024-01-01T00:00:00Z") == true)
        #expect(try !repository.gitVerifies(before, allowedSignersPath: allowedPath))
    }

    @Test func commitsSignedForAnotherNamespaceOrWithGPGFail() throws {
        // Splice a `-n file` signature and a GPG armor into a real commit's gpgsig header.
        let repository = try TestRepository()
        let raw = String(decoding: try repository.rawCommit(try repository.signedCommit(keys.ed25519)), as: UTF8.self)
        let commit = SignedCommit(rawCommit: Data(raw.utf8))
        let fileSignature = try keys.ed25519.sign(commit.signedData, namespace: "file")
        func splice(_ signature: String) -> Data {
            let header = "gpgsig " + signature.trimmingCharacters(in: .newlines).split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n ") + "\n"
            let text = String(decoding: commit.signedData, as: UTF8.self)
            let end = text.range(of: "\n\n")!.lowerBound
            return Data((String(text[..<end]) + "\n" + header + String(text[text.index(after: end)...])).utf8)
        }
        #expect(CommitSignatureVerifier.verify(commit: splice(fileSignature), allowed: keys.allowedSigners())
            == .invalid(.wrongNamespace(expected: "git", found: "file")))
        let gpg = "-----BEGIN PGP SIGNATURE-----\n\niHUEABYKAB0WIQQ8u0f2W+2jmbnn5dy1WvFsoqDJbgUCZbK2tQAKCRC1WvFsoqDJ\n=Xh6V\n-----END PGP SIGNATURE-----\n"
        let spliced = splice(gpg)
        #expect(SignedCommit(rawCommit: spliced).signature == gpg)
        #expect(CommitSignatureVerifier.verify(commit: spliced, allowed: keys.allowedSigners()).description
            == "GPG signatures are not supported; sign with gpg.format=ssh")
    }

    @Test func splitsHeadersLikeGit() {
        let raw = """
            tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
            author A <a@example.com> 1700000000 +0000
            committer C <c@example.com> 1700000100 -0130
            gpgsig-sha256 -----BEGIN SSH SIGNATURE-----
             other
             -----END SSH SIGNATURE-----
            gpgsig -----BEGIN SSH SIGNATURE-----
             U1NIU0lH
             -----END SSH SIGNATURE-----
            encoding UTF-8

            message
             gpgsig indented in the message
            gpgsig in the message

            """
        let commit = SignedCommit(rawCommit: Data(raw.utf8))
        #expect(commit.signature == "-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n-----END SSH SIGNATURE-----\n")
        #expect(String(decoding: commit.signedData, as: UTF8.self) == """
            tree 4b825dc642cb6eb9a060e54bf8d69288fbee4904
            author A <a@example.com> 1700000000 +0000
            committer C <c@example.com> 1700000100 -0130
            encoding UTF-8

            message
             gpgsig indented in the message
            gpgsig in the message

            """)
        #expect(commit.committerDate == Date(timeIntervalSince1970: 1_700_000_100))
        let other = SignedCommit(rawCommit: Data(raw.utf8), signatureHeader: "gpgsig-sha256")
        #expect(other.signature == "-----BEGIN SSH SIGNATURE-----\nother\n-----END SSH SIGNATURE-----\n")
        #expect(SignedCommit(rawCommit: Data("committer x <y> notatime +0000\n\nm".utf8)).committerDate == nil)
    }
}
