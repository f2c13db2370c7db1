import Foundation
import Testing
import Declarations

/// Runs `body`; with `BERTH_PERF=1` prints how long it took as `BERTH_PERF label: N ms` for bench/declarations.sh.
/// Tests assert what hostile input produces, never how fast: a hang is caught by the suites' time limits, and the
/// speed targets live in the benchmark, measured in a release build.
func timed<T>(_ label: String, _ body: () -> T) -> T {
    let clock = ContinuousClock()
    var result: T?
    let elapsed = clock.measure { result = body() }
    if ProcessInfo.processInfo.environment["BERTH_PERF"] != nil {
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        print("BERTH_PERF \(label): \(String(format: "%.1f", milliseconds)) ms")
    }
    return result!
}

func billionLaughs(levels: Int = 9, fanOut: Int = 9) -> String {
    var yaml = "\(H)kind: Team\nmetadata: {name: lol}\nspec:\n  l0: &l0 [lol]\n"
    for level in 1..<levels {
        let refs = Array(repeating: "*l\(level - 1)", count: fanOut).joined(separator: ", ")
        yaml += "  l\(level): &l\(level) [\(refs)]\n"
    }
    yaml += "  members: *l\(levels - 1)\n"
    return yaml
}

/// Serialized: the time bounds should measure each case, not contention
/// between them.
@Suite(.serialized, .timeLimit(.minutes(5))) struct HostileInputTests {
    @Test func billionLaughsIsRejectedQuickly() {
        let result = timed("billionLaughsIsRejectedQuickly") { load(billionLaughs()) }
        let text = rendered(result)
        #expect(text.contains("test.yaml:11:12: alias '*l5' expands the document to more than 250000 nodes; expansion of aliases is limited to stop alias bombs"), "\(text)")
        #expect(result.state.teams.isEmpty)
    }

    @Test func aliasBombUsedAsAKeyIsRejectedQuickly() {
        var yaml = billionLaughs(levels: 6, fanOut: 9)
        yaml += "  ? *l5\n  : x\n"
        let result = timed("aliasBombUsedAsAKeyIsRejectedQuickly") { load(yaml) }
        #expect(result.hasErrors)
    }

    @Test func linearAliasAmplificationHitsTheFileBudget() {
        // One 30,000-element list referenced 60 times: linear amplification.
        let items = Array(repeating: "x", count: 30_000).joined(separator: ",")
        var yaml = "a: &big [\(items)]\n"
        for i in 0..<60 { yaml += "k\(i): *big\n" }
        let limits = DeclarationLimits(maxNodesPerDocument: 10_000_000, maxNodesPerFile: 1_000_000)
        let result = timed("linearAliasAmplificationHitsTheFileBudget") { load([("test.yaml", yaml)], limits: limits) }
        #expect(rendered(result).contains("file has more than 1000000 nodes once aliases are expanded"), "\(rendered(result))")
    }

    @Test func deeplyNestedFlowCollectionsAreRejected() {
        let yaml = String(repeating: "[", count: 100_000) + String(repeating: "]", count: 100_000)
        let result = timed("deeplyNestedFlowCollectionsAreRejected") { load(yaml) }
        #expect(rendered(result) == "test.yaml:1:65: document nests deeper than 64 levels of mappings and sequences")
    }

    @Test func flowNestingPastOurLimitIsRejected() {
        let yaml = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
        let result = timed("flowNestingPastOurLimitIsRejected") { load(yaml) }
        #expect(rendered(result).contains("test.yaml:1:65: document nests deeper than 64 levels of mappings and sequences"), "\(rendered(result))")
    }

    @Test func deeplyNestedBlockSequencesAreRejected() {
        let yaml = String(repeating: "- ", count: 500) + "x\n"
        let result = timed("deeplyNestedBlockSequencesAreRejected") { load(yaml) }
        #expect(rendered(result).contains("document nests deeper than 64 levels"), "\(rendered(result))")
    }

    @Test func depthThroughAliasesIsCounted() {
        var yaml = "a: &a " + String(repeating: "[", count: 40) + String(repeating: "]", count: 40) + "\n"
        yaml += "b: " + String(repeating: "[", count: 30) + "*a" + String(repeating: "]", count: 30) + "\n"
        let result = timed("depthThroughAliasesIsCounted") { load(yaml) }
        #expect(rendered(result).contains("alias '*a' nests the document deeper than 64 levels"), "\(rendered(result))")
    }

    @Test func nestingWithinTheLimitIsFine() {
        let yaml = "x: " + String(repeating: "[", count: 60) + String(repeating: "]", count: 60) + "\n"
        let result = load(yaml)
        #expect(!rendered(result).contains("deeper"))
    }

    @Test func hugeFileIsRejectedWithoutParsing() {
        let big = "# " + String(repeating: "x", count: 5 << 20) + "\n"
        let result = timed("hugeFileIsRejectedWithoutParsing") { load(big) }
        #expect(rendered(result) == "test.yaml:1:1: file is 5.0 MiB, over the limit of 4 MiB per file; split it into smaller files")
    }

    @Test func totalSizeIsLimited() {
        let doc = "# " + String(repeating: "x", count: 1000) + "\n"
        let limits = DeclarationLimits(maxTotalBytes: 2500)
        let result = load([("a.yaml", doc), ("b.yaml", doc), ("c.yaml", doc)], limits: limits)
        #expect(rendered(result).contains("c.yaml:1:1: declarations total more than 2.4 KiB, the limit for all files together; stopped loading here"), "\(rendered(result))")
        #expect(result.files == ["a.yaml", "b.yaml"])
    }

    @Test func invalidUTF8IsReportedWithItsPosition() {
        var bytes = Array("\(H)kind: Role\nmetadata: {name: caf".utf8)
        bytes += [0xE9]  // Latin-1 'é'
        bytes += Array("}\nspec: {permissions: [pull]}\n".utf8)
        let result = DeclarationLoader().load([DeclarationFile(path: "latin1.yaml", contents: Data(bytes))])
        #expect(rendered(result) == "latin1.yaml:3:21: file is not valid UTF-8: unexpected byte 0xE9 at byte offset 62; declarations must be UTF-8 text")
    }

    @Test func utf16IsReportedAsNotUTF8() {
        let data = "kind: Role\n".data(using: .utf16LittleEndian)!
        let result = DeclarationLoader().load([DeclarationFile(path: "u16.yaml", contents: data)])
        #expect(rendered(result).contains("u16.yaml:1:2: file contains a NUL byte"), "\(rendered(result))")
    }

    @Test func controlCharactersAreReportedByTheParser() {
        let result = load("\(H)kind: Role\nmetadata: {name: \u{7}bell}\n")
        #expect(rendered(result).contains("test.yaml:3:18: unreadable YAML: control characters are not allowed"), "\(rendered(result))")
    }

    @Test func scalarDocumentIsNotAMapping() {
        let result = load("just a string\n---\n42\n")
        let text = rendered(result)
        #expect(text.contains("test.yaml:1:1: a declaration must be a mapping with apiVersion, kind, metadata and spec; found 'just a string'"))
        #expect(text.contains("test.yaml:3:1: a declaration must be a mapping with apiVersion, kind, metadata and spec; found '42'"))
    }

    @Test func emptyFilesAndEmptyDocumentsAreIgnored() {
        let result = load([("empty.yaml", ""), ("comments.yaml", "# nothing here\n---\n---\n")])
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
    }

    @Test func duplicateKeysInALargeMappingAreAllReported() {
        var yaml = "\(H)kind: Role\nmetadata:\n  name: r\n  labels:\n"
        for i in 0..<50 { yaml += "    k\(i): v\n" }
        yaml += "    k7: again\n    k42: again\nspec: {permissions: [pull]}\n"
        let result = load(yaml)
        let text = rendered(result)
        #expect(text.contains("test.yaml:56:5: duplicate key 'k7' in mapping; first defined at 13:5"), "\(text)")
        #expect(text.contains("test.yaml:57:5: duplicate key 'k42' in mapping; first defined at 48:5"), "\(text)")
    }

    @Test func manyDocumentsLoadInBoundedTime() {
        let yaml = String(repeating: "---\n", count: 50_000)
        let result = timed("manyDocumentsLoadInBoundedTime") { load(yaml) }
        #expect(result.diagnostics.isEmpty)
    }

    @Test func longScalarIsFine() {
        let description = String(repeating: "a", count: 3 << 20)
        let yaml = "\(H)kind: Role\nmetadata: {name: r}\nspec: {permissions: [pull], description: \(description)}\n"
        let result = timed("longScalarIsFine") { load(yaml) }
        #expect(result.diagnostics.isEmpty)
        #expect(result.state.roles.first?.description?.count == 3 << 20)
    }

    @Test func windowsLineEndingsAndByteOrderMarkAreFine() {
        let yaml = "\u{FEFF}\(H)kind: Role\r\nmetadata: {name: r}\r\nspec: {permissions: [pull, fly]}\r\n"
        let result = load(yaml)
        #expect(rendered(result) == "test.yaml:4:28: spec.permissions[1]: expected one of: pull, push, delete, admin; found 'fly'")
    }

    @Test func columnsCountCharactersNotBytes() {
        let result = load("\(H)kind: Team\nmetadata: {name: t, labels: {équipe: 'ü'}}\nspec: {members: [älice]}\n")
        #expect(rendered(result).contains("test.yaml:4:18: spec.members[0] refers to User 'älice'"), "\(rendered(result))")
    }

    @Test func tabIndentationIsASyntaxError() {
        let result = load("\(H)kind: Role\nmetadata:\n\tname: r\n")
        #expect(rendered(result).contains("test.yaml:4:1: invalid YAML: found character that cannot start any token"), "\(rendered(result))")
    }

    @Test func complexKeysAreRejected() {
        let result = load("? [a, b]\n: c\n")
        #expect(rendered(result).contains("test.yaml:1:3: mapping keys must be plain strings, found a sequence used as a key"), "\(rendered(result))")
    }

    @Test func parsingResumesAfterASyntaxErrorInAnEarlierDocument() {
        let yaml = """
            \(H)kind: Role
            metadata: {name: a
            ---
            \(H)kind: Role
            metadata: {name: b}
            spec: {permissions: [fly]}
            """
        let result = load(yaml)
        let text = rendered(result)
        #expect(text.contains("test.yaml:4:1: invalid YAML"), "\(text)")
        #expect(text.contains("test.yaml:8:22: spec.permissions[0]: expected one of: pull, push, delete, admin; found 'fly'"), "\(text)")
    }
}

@Suite struct DirectoryLoadingTests {
    @Test func walksFoldersSkippingHiddenOnesAndOtherFiles() throws {
        let fm = FileManager.default
        let root = fm.temporaryDirectory.appendingPathComponent("berth-decl-\(UUID().uuidString)").path
        defer { try? fm.removeItem(atPath: root) }
        try fm.createDirectory(atPath: "\(root)/a/b", withIntermediateDirectories: true)
        try fm.createDirectory(atPath: "\(root)/.git", withIntermediateDirectories: true)
        let role = "\(H)kind: Role\nmetadata: {name: NAME}\nspec: {permissions: [pull]}\n"
        try role.replacingOccurrences(of: "NAME", with: "one").write(toFile: "\(root)/one.yaml", atomically: true, encoding: .utf8)
        try role.replacingOccurrences(of: "NAME", with: "two").write(toFile: "\(root)/a/b/two.yml", atomically: true, encoding: .utf8)
        try "not: [valid".write(toFile: "\(root)/.git/broken.yaml", atomically: true, encoding: .utf8)
        try "not: [valid".write(toFile: "\(root)/a/.hidden.yaml", atomically: true, encoding: .utf8)
        try "not yaml at all: [".write(toFile: "\(root)/a/README.md", atomically: true, encoding: .utf8)
        try fm.createSymbolicLink(atPath: "\(root)/a/loop", withDestinationPath: root)

        let result = DeclarationLoader().load(directory: root + "/", now: fixedNow)
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        #expect(result.files == ["\(root)/a/b/two.yml", "\(root)/one.yaml"])
        #expect(result.state.roles.map(\.name) == ["one", "two"])
    }

    @Test func inMemoryFilesAreAccepted() {
        let role = "\(H)kind: Role\nmetadata: {name: r}\nspec: {permissions: [pull]}\n"
        let result = DeclarationLoader().load([DeclarationFile(path: "roles.yaml", contents: Data(role.utf8))], now: fixedNow)
        #expect(result.diagnostics.isEmpty)
        #expect(result.state.role(named: "r")?.permissions == [.pull])
        #expect(DeclarationLoader().load([]).state == .empty)
    }

    @Test func missingFolderIsReported() {
        let result = DeclarationLoader().load(directory: "/nonexistent/berth", now: fixedNow)
        #expect(rendered(result) == "/nonexistent/berth:1:1: declarations folder not found (or not a folder)")
    }

    @Test func inMemoryFilesIgnoreNonYAMLAndHiddenPaths() {
        let role = "\(H)kind: Role\nmetadata: {name: r}\nspec: {permissions: [pull]}\n"
        let result = load([("roles.yaml", role), (".github/ci.yaml", "broken: ["), ("README.md", "[")])
        #expect(result.diagnostics.isEmpty)
        #expect(result.files == ["roles.yaml"])
    }
}
