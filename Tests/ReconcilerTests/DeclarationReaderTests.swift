import Foundation
import Reconciler
import TestSupport
import Testing

@Suite struct DeclarationReaderTests {
    static let examples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples").path

    @Test func theExamplesFolderIsValid() throws {
        let loaded = try reader().read(.folder(Self.examples))
        #expect(loaded.result.errors.isEmpty, "\(loaded.result.errors)")
        #expect(loaded.result.state.tiers.count >= 3)
        #expect(loaded.result.state.repositories.count >= 12)
        #expect(loaded.provenance.commit == nil)
    }

    @Test func readsACommitOfAGitRepositoryWithItsProvenance() throws {
        let repository = try GitFixture()
        defer { repository.remove() }
        try repository.copyExamples(from: Self.examples, into: "registry")
        let first = try repository.commit("examples")
        try repository.write("registry/extra.yaml", """
            apiVersion: berth.dev/v1alpha1
            kind: Team
            metadata: {name: newcomers}
            spec: {members: [ghost]}
            """)
        let second = try repository.commit("a team with an unknown member")

        let good = try reader().read(.git(url: repository.path, ref: first, path: "registry"))
        #expect(good.result.errors.isEmpty)
        #expect(good.provenance.commit == first)
        #expect(good.provenance.author == "Platform Team <platform@example.com>")

        let bad = try reader().read(.git(url: repository.path, ref: "main", path: "registry"))
        #expect(bad.provenance.commit == second)
        let messages = bad.result.errors.map(\.description)
        #expect(messages.contains { $0.hasPrefix("registry/extra.yaml:4:") && $0.contains("ghost") }, "\(messages)")
    }

    @Test func mirrorsARemoteURL() throws {
        let repository = try GitFixture()
        defer { repository.remove() }
        try repository.copyExamples(from: Self.examples, into: "")
        let commit = try repository.commit("examples")
        let loaded = try reader().read(.git(url: "file://\(repository.path)", ref: "main", path: nil))
        #expect(loaded.provenance.commit == commit)
        #expect(loaded.result.errors.isEmpty)
    }

    @Test func missingFolderIsAClearError() {
        #expect(throws: DeclarationSourceError.self) { try reader().read(.folder("/nonexistent/declarations")) }
    }

    func reader() -> DeclarationReader {
        DeclarationReader(cacheDirectory: FileManager.default.temporaryDirectory.appendingPathComponent("berth-cache-\(UUID().uuidString)"))
    }
}

/// A throwaway git repository driven by the real git CLI.
struct GitFixture {
    let directory: URL
    var path: String { directory.path }

    init() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("berth-declarations-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try git("init", "-q", "-b", "main")
        try git("config", "user.name", "Platform Team")
        try git("config", "user.email", "platform@example.com")
        try git("config", "commit.gpgsign", "false")
    }

    func copyExamples(from examples: String, into folder: String) throws {
        let target = folder.isEmpty ? directory : directory.appendingPathComponent(folder)
        try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        if folder.isEmpty {
            for item in try FileManager.default.contentsOfDirectory(atPath: examples) {
                try FileManager.default.copyItem(atPath: "\(examples)/\(item)", toPath: target.appendingPathComponent(item).path)
            }
        } else {
            try FileManager.default.copyItem(atPath: examples, toPath: target.path)
        }
    }

    func write(_ relativePath: String, _ contents: String) throws {
        let url = directory.appendingPathComponent(relativePath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
    }

    @discardableResult
    func commit(_ message: String) throws -> String {
        try git("add", "-A")
        try git("commit", "-q", "-m", message)
        return try git("rev-parse", "HEAD").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @discardableResult
    func git(_ arguments: String...) throws -> String {
        try run("git", arguments, in: directory).text
    }

    func remove() { try? FileManager.default.removeItem(at: directory) }
}
