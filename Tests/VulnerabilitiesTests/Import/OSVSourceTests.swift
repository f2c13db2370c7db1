import Foundation
import Testing
import TestSupport
import Vulnerabilities

@Suite struct OSVSourceTests {
    /// Writes `entries` (name → text) into a zip at `path` with Python's zipfile, deflated as osv.dev's all.zip is.
    private func makeZip(_ path: String, _ entries: [String: String]) throws {
        let python = try python3(with: "zipfile")
        let script = """
            import json, sys, zipfile
            with zipfile.ZipFile(sys.argv[1], "w", zipfile.ZIP_DEFLATED) as archive:
                for name, text in sorted(json.loads(sys.stdin.read()).items()):
                    archive.writestr(name, text)
            """
        try run(python, ["-c", script, path], stdin: try JSONEncoder().encode(entries))
    }

    @Test func aFolderIsWalkedAndABrokenFileDoesNotLoseTheOthers() throws {
        let folder = try TemporaryDirectory("osv-folder")
        try folder.write("GHSA-b.json", #"{"id": "GHSA-b", "affected": []}"#)
        _ = try folder.subdirectory("Debian")
        try folder.write("Debian/DSA-a.json", #"{"id": "DSA-a", "aliases": ["CVE-2024-1"]}"#)
        try folder.write("broken.json", #"{"id": "X", "affected": [{"package": {"ecosystem": "npm"}}]}"#)
        try folder.write("truncated.json", #"{"id": "Y", "#)
        try folder.write("README.md", "not a record")

        let contents = try OSVSource.read([folder.url])

        #expect(contents.records.map(\.id) == ["DSA-a", "GHSA-b"])
        #expect(contents.failures.map(\.fileName) == [folder.path("broken.json"), folder.path("truncated.json")])
        #expect(contents.failures.first?.reason == "affected[0].package.name: is missing")
    }

    @Test func anAllZipIsStreamedEntryByEntry() throws {
        let folder = try TemporaryDirectory("osv-zip")
        let zip = folder.path("all.zip")
        try makeZip(zip, [
            "PYSEC-1.json": #"{"id": "PYSEC-1", "affected": [{"package": {"ecosystem": "PyPI", "name": "a"}}]}"#,
            "PYSEC-2.json": #"{"id": "PYSEC-2"}"#,
            "PYSEC-3.json": #"{"id": 3}"#,
            "notes.txt": "skipped",
        ])

        let contents = try OSVSource.read([URL(fileURLWithPath: zip)])

        #expect(contents.records.map(\.id) == ["PYSEC-1", "PYSEC-2"])
        #expect(contents.failures.map(\.fileName) == ["\(zip)!/PYSEC-3.json"])
    }

    @Test func zipsInsideAFolderAndSingleFilesAreRead() throws {
        let folder = try TemporaryDirectory("osv-mixed")
        _ = try folder.subdirectory("npm")
        try makeZip(folder.path("npm/all.zip"), ["GHSA-z.json": #"{"id": "GHSA-z"}"#])
        let single = try TemporaryDirectory("osv-single")
        try single.write("GO-1.json", #"{"id": "GO-1"}"#)

        let contents = try OSVSource.read([folder.url, URL(fileURLWithPath: single.path("GO-1.json"))])

        #expect(contents.records.map(\.id) == ["GHSA-z", "GO-1"])
        #expect(contents.failures.isEmpty)
    }

    @Test func anEntryOverTheLimitIsAFailureAndTheRestStillLoads() throws {
        let folder = try TemporaryDirectory("osv-big")
        let zip = folder.path("all.zip")
        let padding = String(repeating: " ", count: (16 << 20) + 1)
        try makeZip(zip, ["A.json": #"{"id": "A"}"#, "BIG.json": #"{"id": "BIG"\#(padding)}"#, "C.json": #"{"id": "C"}"#])

        let contents = try OSVSource.read([URL(fileURLWithPath: zip)])

        #expect(contents.records.map(\.id) == ["A", "C"])
        #expect(contents.failures == [.init(fileName: "\(zip)!/BIG.json", reason: "is larger than the 16 MiB an entry may be")])
    }

    @Test func aFileThatIsNotAZipIsAFailureNamedAfterIt() throws {
        let folder = try TemporaryDirectory("osv-notzip")
        try folder.write("all.zip", "this is not a zip")
        try folder.write("OK-1.json", #"{"id": "OK-1"}"#)

        let contents = try OSVSource.read([folder.url])

        #expect(contents.records.map(\.id) == ["OK-1"])
        #expect(contents.failures.map(\.fileName) == [folder.path("all.zip")])
    }

    @Test func aMissingPathOrAnotherKindOfFileThrows() throws {
        let folder = try TemporaryDirectory("osv-missing")
        #expect(throws: OSVSourceError.self) { try OSVSource.read([folder.url.appendingPathComponent("nothing")]) }
        try folder.write("records.txt", "{}")
        #expect(throws: OSVSourceError.self) { try OSVSource.read([URL(fileURLWithPath: folder.path("records.txt"))]) }
    }
}
