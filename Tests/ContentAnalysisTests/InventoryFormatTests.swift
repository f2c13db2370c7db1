@testable import ContentAnalysis
import Testing
import Foundation
import TestSupport

/// The hand-written readers of inventory formats, on bytes written here.
@Suite struct InventoryFormatTests {
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)

    /// Build information in the ≥ 1.18 layout, after a false magic (a string constant, as in a Go program that reads
    /// build information) and some bytes.
    static func executable(version: String = "go1.22", modules: String) -> [UInt8] {
        let framed = [UInt8](repeating: 0xaa, count: 16) + Array(modules.utf8) + [UInt8](repeating: 0xbb, count: 16)
        let header = magic + [8, 2] + [UInt8](repeating: 0, count: 16)
        return [0x7f, 0x45, 0x4c, 0x46] + [UInt8](repeating: 1, count: 40) + magic + Array("readBuildInfo".utf8)
            + [UInt8](repeating: 2, count: 30) + header + [UInt8(version.utf8.count)] + Array(version.utf8)
            + uvarint(framed.count) + framed + [UInt8](repeating: 0, count: 20)
    }

    static func uvarint(_ value: Int) -> [UInt8] {
        var value = value
        var bytes: [UInt8] = []
        while value >= 0x80 {
            bytes.append(UInt8(value & 0x7f) | 0x80)
            value >>= 7
        }
        return bytes + [UInt8(value)]
    }

    static func search(_ bytes: [UInt8], splits: [Int], maxModuleInfo: Int = 1 << 20) -> GoBuildInfoSearch.Result? {
        var search = GoBuildInfoSearch(maxModuleInfo: maxModuleInfo)
        var start = 0
        for end in splits + [bytes.count] where end >= start {
            bytes[start..<end].withUnsafeBytes { search.feed($0) }
            start = end
        }
        search.finish()
        return search.result
    }

    @Test func goBuildInfoIsFoundWhereverTheBlocksSplitIt() {
        let bytes = Self.executable(modules: "path\tx/cmd\nmod\tx\tv1.0.0\t\ndep\ty\tv0.1.0\th1:=\n")
        let expected = GoBuildInfoSearch.Result.found(GoBuildInfo(
            goVersion: "go1.22", main: .init(path: "x", version: "v1.0.0"), dependencies: [.init(path: "y", version: "v0.1.0")]))
        for split in 0...bytes.count {
            #expect(Self.search(bytes, splits: [split]) == expected, "split at \(split)")
        }
        #expect(Self.search(bytes, splits: Array(1..<bytes.count)) == expected, "one byte at a time")
        #expect(Self.search(bytes, splits: Array(stride(from: 7, to: bytes.count, by: 13))) == expected)
    }

    @Test func goBuildInfoOverItsCapOrCutShortIsSaidSo() {
        let bytes = Self.executable(modules: String(repeating: "dep\tz\tv1.0.0\t\n", count: 100))
        #expect(Self.search(bytes, splits: [], maxModuleInfo: 64) == .tooLarge("module information of 1432 bytes, more than 64"))
        let cut = Array(bytes.prefix(bytes.count - 100))
        #expect(Self.search(cut, splits: [50]) == .truncated)
        #expect(Self.search(Array(bytes.prefix(60)), splits: []) == nil)
    }

    @Test func goToolchainVersionsBecomeOSVSemVer() {
        let cases: [(String, String?)] = [
            ("go1.21.5", "v1.21.5"), ("go1.22", "v1.22.0"), ("go1.21rc2", "v1.21.0-rc.2"), ("go1.20beta1", "v1.20.0-beta.1"),
            ("go1.19.8 X:boringcrypto", "v1.19.8"), ("go1", "v1.0.0"),
            ("devel go1.23-abc123 Tue", nil), ("go1.21.x", nil), ("1.21.5", nil), ("", nil), ("go1.21rc", nil),
        ]
        for (tag, semVer) in cases {
            #expect(GoToolchainVersion.semVer(tag) == semVer, "\(tag)")
        }
    }

    @Test func pythonNamesNormalizeAsPEP503Says() {
        #expect(InstalledPackage.pep503Normalized("Zope.Interface") == "zope-interface")
        #expect(InstalledPackage.pep503Normalized("typing__extensions") == "typing-extensions")
        #expect(InstalledPackage.pep503Normalized("A-_.b") == "a-b")
        #expect(InstalledPackage(kind: .npm, name: "A_B", version: "1", path: "p").normalizedPythonName == nil)
    }

    @Test func osReleaseValuesUnquoteAsAShellWould() {
        let text = #"""
        # comment
        ID="debian"
        VERSION_ID='12'
        VERSION_CODENAME=book\ worm
        PRETTY_NAME="Debian \"GNU\"/Linux \$12 \q"
        ID=ignored-second
        BROKEN="unterminated
        """#
        let release = OSRelease(parsing: Array(text.utf8)[...])
        #expect(release == OSRelease(id: "debian", versionID: "12", versionCodename: "book worm",
                                     prettyName: #"Debian "GNU"/Linux $12 \q"#))
        #expect(OSRelease(parsing: Array("NAME=x\n".utf8)[...]) == OSRelease(id: "linux"))
    }

    @Test func inventorySourcesAreRecognisedByPath() {
        let cases: [(String, InventorySource?)] = [
            ("var/lib/dpkg/status", .dpkgStatus), ("var/lib/dpkg/status.d/libc6", .dpkgStatus),
            ("var/lib/dpkg/status.d/libc6.md5sums", nil), ("var/lib/dpkg/status-old", nil),
            ("lib/apk/db/installed", .apkInstalled), ("etc/os-release", .osRelease), ("usr/lib/os-release", .osRelease),
            ("opt/os-release", nil), ("x/a-1.dist-info/METADATA", .pythonMetadata), ("x/a-1.egg-info/PKG-INFO", .pythonMetadata),
            ("x/a-1.egg-info", .pythonMetadata), ("x/.egg-info", nil), ("x/PKG-INFO", nil),
            ("node_modules/a/package.json", .npmManifest), ("srv/node_modules/@s/a/package.json", .npmManifest),
            ("node_modules/a/lib/package.json", nil), ("node_modules/@s/package.json", nil), ("package.json", nil),
            ("node_modules/package.json", nil), ("node_modules/.bin/package.json", nil),
            ("var/lib/rpm/rpmdb.sqlite", .rpmDatabase), ("usr/lib/sysimage/rpm/Packages.db", .rpmDatabase), ("var/lib/rpm/Packages", .rpmDatabase),
            ("var/lib/rpm/Index.db", nil),
        ]
        for (path, source) in cases {
            #expect(InventorySource(path: path) == source, "\(path)")
        }
    }

    @Test func dpkgContinuationLinesAndStatesAreNotFields() {
        let status = "Package: a\nVersion: 1\nDescription: x\n Package: b\n Version: 2\n\n \t\nPackage: c\nStatus: install ok half-installed\nVersion: 3\n"
        #expect(DpkgStatus.packages(in: Array(status.utf8)[...], path: "s", limit: 10).map(\.name) == ["a"])
        let many = String(repeating: "Package: p\nVersion: 1\n\n", count: 50)
        #expect(DpkgStatus.packages(in: Array(many.utf8)[...], path: "s", limit: 7).count == 7)
    }

    @Test func anRpmDatabaseIsAProblemNotAnEmptyInventory() throws {
        let layer = tarArchive([(path: "var/lib/rpm/rpmdb.sqlite", contents: Array(repeating: 7, count: 3 << 20)),
                                (path: "etc/os-release", contents: Array("ID=fedora\nVERSION_ID=40\n".utf8))])
        let folder = try TemporaryDirectory("rpm-layer")
        let file = folder.url.appendingPathComponent("layer.tar")
        try Data(layer).write(to: file)
        let report = try Scans.scanFile(file, mediaType: "application/vnd.oci.image.layer.v1.tar")
        #expect(report.inventory?.problems == ["var/lib/rpm/rpmdb.sqlite: an rpm database: rpm packages are not inventoried yet"])
        #expect(report.inventory?.sources == ["etc/os-release", "var/lib/rpm/rpmdb.sqlite"])
    }
}
