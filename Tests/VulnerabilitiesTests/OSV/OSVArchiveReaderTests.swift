import Foundation
import Testing
import Vulnerabilities

@Suite struct OSVArchiveReaderTests {
    @Test func readsEveryRecordAndNamesTheFilesThatFail() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osv-archive-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: false)
        defer { try? FileManager.default.removeItem(at: folder) }
        let files = [
            "GHSA-b.json": #"{"id": "GHSA-b", "affected": []}"#,
            "DSA-a.json": #"{"id": "DSA-a", "aliases": ["CVE-2024-1"]}"#,
            "broken.json": #"{"id": "X", "affected": [{"package": {"ecosystem": "npm"}}]}"#,
            "README.md": "not a record",
        ]
        for (name, text) in files {
            try Data(text.utf8).write(to: folder.appendingPathComponent(name))
        }

        let contents = try OSVArchiveReader(folder: folder).read()

        #expect(contents.records.map(\.id) == ["DSA-a", "GHSA-b"])
        #expect(contents.failures == [.init(fileName: "broken.json", reason: "affected[0].package.name: is missing")])
    }

    @Test func aMissingFolderThrows() {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("osv-missing-\(UUID().uuidString)")
        #expect(throws: (any Error).self) { try OSVArchiveReader(folder: folder).read() }
    }
}
