import Foundation
import Testing
@testable import CommitSigning
import TestSupport

@Suite struct AllowedSignersTests {
    let keys = Keys.shared
    let utc = TimeZone(identifier: "UTC")!

    @Test func readsTheFullFormat() throws {
        let text = """
            # Trusted committers
            alice@example.com,alice@corp.example namespaces="git",valid-after="20240101",valid-before="20991231235959Z" \(keys.ed25519.publicLine)

            \t  # indented comment
            "bob the builder@example.com" \(keys.ecdsa256.publicLine)\r
            carol@example.com NAMESPACES="git,file" \(keys.rsa.publicLine.split(separator: " ")[0...1].joined(separator: " "))
            """
        let allowed = try AllowedSigners(contents: text, source: "trusted", timeZone: utc)
        #expect(allowed.signers.count == 3)
        let alice = allowed.signers[0]
        #expect(alice.principals == ["alice@example.com", "alice@corp.example"])
        #expect(alice.principal == "alice@example.com")
        #expect(alice.namespaces == ["git"])
        #expect(alice.validAfter == Date(timeIntervalSince1970: 1_704_067_200))
        #expect(alice.validBefore == Date(timeIntervalSince1970: 4_102_444_799))
        #expect(alice.line == 2)
        #expect(alice.key == keys.ed25519.publicKey)
        #expect(alice.key.comment == "ed25519@example.com")
        let bob = allowed.signers[1]
        #expect(bob.principals == ["bob the builder@example.com"])
        #expect(bob.namespaces == nil && bob.validAfter == nil && bob.validBefore == nil)
        #expect(bob.line == 5)
        #expect(allowed.signers[2].namespaces == ["git", "file"])
        #expect(allowed.signers[2].key.comment == nil)
    }

    @Test func readsAuthorizedKeysStyleLines() throws {
        let bare = keys.ecdsa384.publicLine.split(separator: " ")[0...1].joined(separator: " ")
        let text = """
            \(keys.ed25519.publicLine)
            \(bare)
            """
        let allowed = try AllowedSigners(contents: text)
        #expect(allowed.signers.map(\.principals) == [["ed25519@example.com"], [keys.ecdsa384.publicKey.fingerprint]])
        #expect(allowed.signers.allSatisfy { $0.namespaces == nil })
    }

    @Test func matchesByKeyNamespaceAndTime() throws {
        let text = """
            old@example.com valid-before="20200101Z" \(keys.ed25519.publicLine)
            files@example.com namespaces="file" \(keys.ed25519.publicLine)
            current@example.com namespaces="g?t,!gitx",valid-after="20200101Z" \(keys.ed25519.publicLine)
            """
        let allowed = try AllowedSigners(contents: text)
        let key = keys.ed25519.publicKey
        guard case .allowed(let line) = allowed.match(key: key, namespace: "git", at: now) else {
            Issue.record("not allowed"); return
        }
        #expect(line.principal == "current@example.com")
        // Before 2020 only the first line is valid, and it allows any namespace.
        let early = Date(timeIntervalSince1970: 1_500_000_000)
        guard case .allowed(let old) = allowed.match(key: key, namespace: "git", at: early) else {
            Issue.record("not allowed"); return
        }
        #expect(old.principal == "old@example.com")
        // For "gitx" only the first line fits, and it has expired.
        #expect(allowed.match(key: key, namespace: "gitx", at: now) == .notValid([allowed.signers[0]]))
        let restricted = try AllowedSigners(contents: text.split(separator: "\n").dropFirst().joined(separator: "\n"))
        #expect(restricted.match(key: key, namespace: "gitx", at: now) == .namespaceNotAllowed(restricted.signers))
        #expect(allowed.match(key: keys.stranger.publicKey, namespace: "git", at: now) == .notListed)
        guard case .allowed(let files) = allowed.match(key: key, namespace: "file", at: now) else {
            Issue.record("not allowed"); return
        }
        #expect(files.principal == "files@example.com")
    }

    @Test func validityWindowEndsAreIncluded() throws {
        let allowed = try AllowedSigners(
            contents: "a valid-after=\"202401010000Z\",valid-before=\"20240101000010Z\" \(keys.ed25519.publicLine)")
        let signer = allowed.signers[0]
        let start = Date(timeIntervalSince1970: 1_704_067_200)
        #expect(!signer.isValid(at: start - 1))
        #expect(signer.isValid(at: start))
        #expect(signer.isValid(at: start + 10))
        #expect(!signer.isValid(at: start + 11))
    }

    @Test func timesWithoutZAreInTheGivenTimeZone() throws {
        let paris = TimeZone(identifier: "Europe/Paris")!
        let allowed = try AllowedSigners(contents: "a valid-after=\"20240101\" \(keys.ed25519.publicLine)", timeZone: paris)
        #expect(allowed.signers[0].validAfter == Date(timeIntervalSince1970: 1_704_067_200 - 3600))
        #expect(AllowedSigners.parseTime("20240229", timeZone: utc) != nil)
        for bad in ["2024010", "20230229", "20241301", "202401011260", "20240101235960", "2024-01-01", "20240101ZZ", "１２３４５６７８"] {
            #expect(AllowedSigners.parseTime(bad, timeZone: utc) == nil, "\(bad)")
        }
    }

    @Test func refusesTheWholeFileWithEveryProblemAtItsLine() throws {
        let ed = keys.ed25519.publicLine
        let text = """
            ok@example.com \(ed)
            ca@example.com cert-authority \(ed)
            x@example.com frobnicate=1 \(ed)
            y@example.com valid-after="yesterday" \(ed)
            z@example.com
            w@example.com namespaces="git" ssh-ed25519
            v@example.com ssh-ed25519 AAAA!!!!
            ,u@example.com \(ed)
            t@example.com namespaces="git \(ed)
            s@example.com valid-after="20250101Z",valid-before="20240101Z" \(ed)
            r@example.com sk-ssh-ed25519@openssh.com AAAA
            q@example.com namespaces="git",namespaces="file" \(ed)
            p@example.com valid-after="20240101",valid-after="20250101" \(ed)
            o@example.com ssh-ed25519-cert-v01@openssh.com AAAA
            n@example.com valid-after=20240101 \(ed)
            "m m@example.com",m@example.com \(ed)
            """
        do {
            _ = try AllowedSigners(contents: text, source: "/etc/berth/allowed_signers")
            Issue.record("accepted a broken file")
        } catch {
            let lines = error.problems.map(\.line)
            #expect(lines == Array(2...16))
            #expect(error.problems.allSatisfy { $0.file == "/etc/berth/allowed_signers" })
            let report = error.description.split(separator: "\n").map(String.init)
            #expect(report[0] == "/etc/berth/allowed_signers:2: cert-authority: SSH certificates are not supported; list each signer's own public key")
            #expect(report[1].hasPrefix("/etc/berth/allowed_signers:3: unknown option \"frobnicate\""))
            #expect(report[2].contains("valid-after=yesterday is not a time"))
            #expect(report[3].hasSuffix("missing key after the principals"))
            #expect(report[4].hasSuffix("missing base64 key after ssh-ed25519"))
            #expect(report[5].hasSuffix("key is not valid base64"))
            #expect(report[6].hasSuffix("empty principal in \",u@example.com\""))
            #expect(report[7].hasSuffix("unterminated quote"))
            #expect(report[8].hasSuffix("valid-before is not after valid-after"))
            #expect(report[9].contains("security-key"))
            #expect(report[10].hasSuffix("option namespaces is given twice"))
            #expect(report[11].hasSuffix("option valid-after is given twice"))
            #expect(report[12].contains("certificates are not supported"))
            #expect(report[14].hasSuffix("quotes must enclose the whole principals field: \"a@example.com,b c@example.com\""))
            #expect(report[13].hasSuffix("the value of valid-after must be in double quotes (as OpenSSH requires): valid-after=\"20240101\""))
        }
    }

    @Test func refusesAnEmptyFile() {
        #expect(throws: AllowedSigners.ParseError.self) { try AllowedSigners(contents: "# nobody\n\n") }
        do {
            _ = try AllowedSigners(contents: "", source: "keys")
        } catch {
            #expect(error.description == "keys: no keys in the file: every signature would be refused")
        }
    }

    @Test func readsAFileAndNamesItInProblems() throws {
        let directory = try TemporaryDirectory()
        let good = try directory.write("good", keys.allowedSignersText())
        #expect(try AllowedSigners(contentsOf: URL(fileURLWithPath: good)).signers.count == 5)
        let bad = try directory.write("bad", "\n\nalice@example.com nonsense\n")
        do {
            _ = try AllowedSigners(contentsOf: URL(fileURLWithPath: bad))
            Issue.record("accepted")
        } catch {
            #expect(error.description.hasPrefix("\(bad):3: "))
        }
        do {
            _ = try AllowedSigners(contentsOf: URL(fileURLWithPath: directory.path("missing")))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("cannot read the file"))
        }
        let binary = try directory.write("binary", Data([0xFF, 0xFE, 0x00, 0x41]))
        #expect(throws: AllowedSigners.ParseError.self) { try AllowedSigners(contentsOf: URL(fileURLWithPath: binary)) }
    }

    @Test func hostileFilesAreRefusedNotCrashedOn() throws {
        var generator = SplitMix64(seed: 42)
        let pieces = ["alice@example.com", "\"", ",", "=", " ", "\t", "namespaces", "valid-after", "valid-before",
                      "cert-authority", "\"2024\"", "\"git\"", "ssh-ed25519", "ssh-rsa", "ecdsa-sha2-nistp256", "AAAA",
                      "#", "\r", "é", "\u{0}", String(keys.ed25519.publicLine.split(separator: " ")[1]),
                      String(keys.rsa.publicLine.split(separator: " ")[1].prefix(100))]
        for _ in 0..<2000 {
            let count = Int.random(in: 1...12, using: &generator)
            let line = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined()
            _ = try? AllowedSigners(contents: line)
        }
        // One enormous line, and a file over the size limit.
        #expect(throws: AllowedSigners.ParseError.self) {
            try AllowedSigners(contents: "a ssh-ed25519 " + String(repeating: "A", count: 1 << 20))
        }
        do {
            _ = try AllowedSigners(contents: String(repeating: "#\n", count: 3 << 20))
            Issue.record("accepted")
        } catch {
            #expect(error.description.contains("file is too large"))
        }
        // Many bad lines: reported up to the limit.
        do {
            _ = try AllowedSigners(contents: String(repeating: "x y z\n", count: 1000))
            Issue.record("accepted")
        } catch {
            #expect(error.problems.count == AllowedSigners.maximumProblems)
        }
    }

    @Test func patternLists() {
        #expect(Pattern.matchList("git", patterns: ["git"]))
        #expect(Pattern.matchList("git", patterns: ["file", "g*"]))
        #expect(!Pattern.matchList("git", patterns: ["*", "!git"]))
        #expect(!Pattern.matchList("git", patterns: ["!file"]))
        #expect(Pattern.matchList("git", patterns: ["?i?"]))
        #expect(!Pattern.matchList("gits", patterns: ["?i?"]))
        #expect(Pattern.matchList("a*b", patterns: ["a*b"]))
        #expect(Pattern.matchList("", patterns: ["*"]))
        // No exponential blow-up on hostile patterns.
        let s = String(repeating: "a", count: 2000)
        #expect(!Pattern.matchList(s, patterns: [String(repeating: "*a", count: 1000) + "b"]))
    }
}
