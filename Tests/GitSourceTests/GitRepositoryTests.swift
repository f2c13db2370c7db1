import Foundation
import GitSource
import TestSupport
import Testing

/// A throwaway git repository driven by the real git CLI.
struct ScratchRepository {
    private let temporary: TemporaryDirectory
    var directory: URL { temporary.url }

    init() throws {
        temporary = try TemporaryDirectory()
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Platform Team")
        try git("config", "user.email", "platform@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    func write(_ path: String, _ contents: String) throws {
        let url = directory.appendingPathComponent(path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    @discardableResult
    func commit(_ message: String, extraArguments: [String] = []) throws -> String {
        try git("add", "-A")
        try git(["commit", "-q", "-m", message] + extraArguments)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String { try git(arguments) }

    @discardableResult
    func git(_ arguments: [String]) throws -> String {
        let result = try run("/usr/bin/git", arguments, in: directory, check: false)
        guard result.status == 0 else {
            throw ScratchFailure(description: "git \(arguments.joined(separator: " ")) failed: \(result.stderr)")
        }
        return result.text
    }

    func remove() { temporary.remove() }
}

@Suite struct GitRepositoryTests {
    @Test func readsDeclarationFilesOfACommitWithoutACheckout() async throws {
        let scratch = try ScratchRepository()
        defer { scratch.remove() }
        try scratch.write("tiers.yaml", "kind: Tier\n")
        try scratch.write("teams/payments.yml", "kind: Team\n")
        try scratch.write("README.md", "not a declaration")
        try scratch.write(".github/workflow.yaml", "hidden folders are skipped")
        let first = try scratch.commit("first")
        try scratch.write("tiers.yaml", "kind: Tier # changed\n")
        let second = try scratch.commit("second")
        try scratch.git("tag", "v1", first)

        let repository = try GitRepository(path: scratch.directory.path)
        #expect(try repository.resolve("main") == second)
        #expect(try repository.resolve("v1") == first)
        #expect(try repository.resolve(String(first.prefix(10))) == first)
        #expect(throws: GitError.self) { try repository.resolve("no-such-branch") }

        let snapshot = try repository.snapshot(commit: first)
        #expect(snapshot.files.map(\.path) == ["teams/payments.yml", "tiers.yaml"])
        #expect(snapshot.files.last?.contents == Data("kind: Tier\n".utf8))
        #expect(snapshot.authorName == "Platform Team")
        #expect(snapshot.authorEmail == "platform@example.com")
        #expect(snapshot.message == "first\n")
        #expect(snapshot.signature == nil)
        #expect(try repository.snapshot(commit: second).files.last?.contents == Data("kind: Tier # changed\n".utf8))
    }

    @Test func readsOnlyTheRequestedFolder() async throws {
        let scratch = try ScratchRepository()
        defer { scratch.remove() }
        try scratch.write("registry/a.yaml", "a")
        try scratch.write("registry/sub/b.yaml", "b")
        try scratch.write("other/c.yaml", "c")
        let commit = try scratch.commit("layout")
        let repository = try GitRepository(path: scratch.directory.path)
        let snapshot = try repository.snapshot(commit: commit, directory: "registry")
        #expect(snapshot.files.map(\.path) == ["registry/a.yaml", "registry/sub/b.yaml"])
        #expect(throws: GitError.self) { try repository.snapshot(commit: commit, directory: "missing") }
    }

    @Test func cutsOversizedFilesSoTheLoaderCanRefuseThem() async throws {
        let scratch = try ScratchRepository()
        defer { scratch.remove() }
        try scratch.write("huge.yaml", String(repeating: "x", count: 5000))
        let commit = try scratch.commit("huge")
        let snapshot = try GitRepository(path: scratch.directory.path).snapshot(commit: commit, maximumFileSize: 1000)
        #expect(snapshot.files.first?.size == 5000)
        #expect(snapshot.files.first?.contents.count == 1001)
    }

    @Test func mirrorsARemoteAndFollowsNewCommits() async throws {
        let scratch = try ScratchRepository()
        defer { scratch.remove() }
        try scratch.write("a.yaml", "one")
        let first = try scratch.commit("one")
        // A folder that does not exist yet: the first open clones into it.
        let cacheParent = try TemporaryDirectory()
        defer { cacheParent.remove() }
        let cache = cacheParent.url.appendingPathComponent("cache")
        let mirror = try GitRepository(url: "file://\(scratch.directory.path)", cacheDirectory: cache)
        #expect(try mirror.resolve("main") == first)
        try scratch.write("a.yaml", "two")
        let second = try scratch.commit("two")
        #expect(try mirror.resolve("main") == first)
        try mirror.fetch()
        #expect(try mirror.resolve("main") == second)
        #expect(try mirror.snapshot(commit: second).files.first?.contents == Data("two".utf8))
        // A second open reuses the cached clone.
        #expect(try GitRepository(url: "file://\(scratch.directory.path)", cacheDirectory: cache).resolve("main") == second)
    }

    @Test func exposesTheSignatureAndSignedBytesOfASignedCommit() async throws {
        let scratch = try ScratchRepository()
        defer { scratch.remove() }
        let key = scratch.directory.appendingPathComponent("signing-key").path
        try run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", "release", "-f", key])
        try scratch.git("config", "gpg.format", "ssh")
        try scratch.git("config", "user.signingkey", key)
        try scratch.write("declarations/a.yaml", "signed")
        let commit = try scratch.commit("signed", extraArguments: ["-S"])
        let snapshot = try GitRepository(path: scratch.directory.path).snapshot(commit: commit, directory: "declarations")
        let signature = try #require(snapshot.signature)
        #expect(signature.signature.hasPrefix("-----BEGIN SSH SIGNATURE-----"))
        #expect(String(decoding: signature.signedData, as: UTF8.self).contains("\nsigned\n") || String(decoding: signature.signedData, as: UTF8.self).hasSuffix("signed\n"))
        #expect(!String(decoding: signature.signedData, as: UTF8.self).contains("gpgsig"))
    }
}

struct ScratchFailure: Error, CustomStringConvertible {
    let description: String
}
