import ContentAnalysis
import Foundation
import TestSupport
import Testing

/// Package inventories read in the scan's single pass, from images inventory.py builds, and merged into the final
/// filesystem.
@Suite struct ImageInventoryTests {
    @Test func aDebianImageListsItsInstalledDebsPythonAndNpmPackages() throws {
        let image = try Scans.inventoryImage("debian")
        let layer = try #require(image.layers[0].report.inventory)
        // etc/os-release is a symlink: a source (it hides a lower file) that is not read.
        #expect(Array(layer.osReleases.keys) == ["usr/lib/os-release"])
        #expect(layer.sources.contains("etc/os-release"))
        #expect(layer.problems == [])
        let inventory = try #require(image.inventory)
        #expect(inventory.osRelease == OSRelease(id: "debian", versionID: "12", versionCodename: "bookworm",
                                                 prettyName: "Debian GNU/Linux 12 (bookworm)"))
        let status = "var/lib/dpkg/status"
        #expect(inventory.packages(.dpkg) == [
            InstalledPackage(kind: .dpkg, name: "base-files", version: "12.4+deb12u5", path: status),
            InstalledPackage(kind: .dpkg, name: "libc6", version: "2.36-9+deb12u4", sourceName: "glibc", path: status),
            InstalledPackage(kind: .dpkg, name: "bsdutils", version: "1:2.38.1-5+b1", sourceName: "util-linux",
                             sourceVersion: "2.38.1-5+b1", path: status),
            InstalledPackage(kind: .dpkg, name: "zlib1g", version: "1:1.2.13.dfsg-1", sourceName: "zlib", path: status),
        ])
        let python = inventory.packages(.python)
        // In path order (byte order: upper case first).
        #expect(python.map(\.name) == ["PyYAML", "Ruamel__Yaml", "Zope.Interface", "requests", "typing_extensions"])
        #expect(python.compactMap(\.normalizedPythonName) == ["pyyaml", "ruamel-yaml", "zope-interface", "requests", "typing-extensions"])
        #expect(python.map(\.path) == [
            "usr/lib/python3/dist-packages/PyYAML-6.0.egg-info/PKG-INFO",
            "usr/lib/python3/dist-packages/Ruamel__Yaml-0.17.egg-info",
            "usr/lib/python3/dist-packages/Zope.Interface-6.0.dist-info/METADATA",
            "usr/lib/python3/dist-packages/requests-2.31.0.dist-info/METADATA",
            "usr/local/lib/python3.11/site-packages/typing_extensions-4.8.0.dist-info/METADATA",
        ])
        #expect(python.map(\.version) == ["6.0", "0.17", "6.0", "2.31.0", "4.8.0"])
        // Only package roots under node_modules; not app/package.json, a/lib/package.json, nor a stub without version.
        #expect(inventory.packages(.npm).map { "\($0.name)@\($0.version) \($0.path)" } == [
            "@babel/core@7.23.0 app/node_modules/@babel/core/package.json",
            "b@2.0.0 app/node_modules/a/node_modules/b/package.json",
            "a@1.0.0 app/node_modules/a/package.json",
            "express@4.18.2 app/node_modules/express/package.json",
        ])
        #expect(inventory.packages.allSatisfy { $0.layerIndex == 0 && $0.layerDigest == image.layers[0].digest })
        #expect(inventory.problems == [])
    }

    @Test func anAlpineImageListsApkPackagesWithTheirOrigins() throws {
        let inventory = try Scans.inventory("alpine")
        #expect(inventory.osRelease == OSRelease(id: "alpine", versionID: "3.18.4", prettyName: "Alpine Linux v3.18"))
        let path = "lib/apk/db/installed"
        #expect(inventory.packages(.apk) == [
            InstalledPackage(kind: .apk, name: "musl", version: "1.2.4-r2", sourceName: "musl", path: path),
            InstalledPackage(kind: .apk, name: "busybox-binsh", version: "1.36.1-r5", sourceName: "busybox", path: path),
            InstalledPackage(kind: .apk, name: "libcrypto3", version: "3.1.4-r1", sourceName: "openssl", path: path),
            InstalledPackage(kind: .apk, name: "alpine-baselayout-data", version: "3.4.3-r1", path: path),
        ])
    }

    @Test func aDistrolessImageListsItsStatusDirectoryStanzas() throws {
        let image = try Scans.inventoryImage("distroless")
        let inventory = try #require(image.inventory)
        #expect(inventory.packages(.dpkg).map { "\($0.name) \($0.version) \($0.sourceName ?? "-") \($0.path)" } == [
            "base-files 12.4+deb12u5 - var/lib/dpkg/status.d/base",
            "libc6 2.36-9+deb12u4 glibc var/lib/dpkg/status.d/libc6",
            "tzdata 2024a-0+deb12u1 - var/lib/dpkg/status.d/tzdata-netbase",
            "netbase 6.4 - var/lib/dpkg/status.d/tzdata-netbase",
        ])
        #expect(image.layers[0].report.inventory?.sources.contains("var/lib/dpkg/status.d/libc6.md5sums") == false)
        #expect(inventory.osRelease?.versionCodename == "bookworm")
    }

    @Test func goExecutablesGiveTheirModulesAndToolchain() throws {
        let image = try Scans.inventoryImage("go")
        let inventory = try #require(image.inventory)
        let go = inventory.packages(.go)
        func modules(_ path: String) -> [String] {
            go.filter { $0.path == path }.map { "\($0.name) \($0.version)" }
        }
        let app = ["stdlib v1.21.5", "example.com/app (devel)", "golang.org/x/net v0.17.0",
                   // Replaced by a fork: its version under the path the code imports.
                   "github.com/old/lib v1.0.1-fixed",
                   // Replaced by a local folder: the required version is kept.
                   "github.com/local/thing v0.3.0"]
        #expect(modules("usr/local/bin/app") == app)
        for boundary in [10240, 65536, 655360] {
            #expect(modules("usr/local/bin/straddle-\(boundary)") == app, "magic across a \(boundary)-byte boundary")
        }
        #expect(modules("usr/local/bin/rc") == ["stdlib v1.21.0-rc.2"])
        #expect(modules("usr/share/app/buildinfo.bin") == [])
        #expect(inventory.problems == ["layer 0: usr/local/bin/legacy: Go build info in the pre-1.18 layout is not read"])
        #expect(image.layers[0].report.inventory?.sources.contains("usr/local/bin/legacy") == true)

        // A real Go binary, against what Python reads from the same file.
        let oracle = try goModulesOracle("/usr/bin/skopeo")
        let skopeo = go.filter { $0.path == "usr/local/bin/skopeo" }
        let stdlib = try #require(skopeo.first)
        #expect(stdlib.name == "stdlib")
        #expect(stdlib.version.wholeMatch(of: /v1\.\d+\.\d+/) != nil)
        #expect(stdlib.version == "v" + oracle.goVersion.dropFirst(2))
        let expected = ([oracle.main].compactMap { $0 } + oracle.dependencies).map { $0.joined(separator: " ") }
        #expect(Array(skopeo.dropFirst().map { "\($0.name) \($0.version)" }) == expected)
    }

    @Test func aWhiteoutRemovesAPackageFolderFromTheFinalFilesystem() throws {
        let image = try Scans.inventoryImage("python-removed")
        #expect(image.layers[0].report.inventory?.packages.map(\.name) == ["gone", "kept"])
        let inventory = try #require(image.inventory)
        #expect(inventory.packages.map(\.package.name) == ["kept"])
        #expect(inventory.packages.map(\.layerIndex) == [0])
    }

    @Test func anOpaqueDirectoryHidesTheLowerPackages() throws {
        let inventory = try Scans.inventory("python-opaque")
        #expect(inventory.packages.map { "\($0.package.name) \($0.layerIndex)" } == ["fresh 1"])
        #expect(inventory.osRelease == OSRelease(id: "debian"))
    }

    @Test func aRewrittenStatusReplacesTheLowerOneAndALinkHidesALowerOSRelease() throws {
        let image = try Scans.inventoryImage("dpkg-rewritten")
        let inventory = try #require(image.inventory)
        #expect(inventory.packages.map { "\($0.package.name) \($0.layerIndex)" } == ["base-files 1", "libc6 1", "bsdutils 1"])
        #expect(inventory.packages.allSatisfy { $0.layerDigest == image.layers[1].digest })
        // Layer 1 turns etc/os-release ("ID=old") into a symlink: usr/lib/os-release is what remains.
        #expect(inventory.osRelease?.id == "debian")

        // Over its cap, the rewritten status lists nothing, and still replaces the lower one.
        let capped = try Scans.inventory("dpkg-rewritten", scanner: LayerScanner(limits: ScanLimits(maxPackageDatabaseBytes: 2048)))
        #expect(capped.packages.isEmpty)
        #expect(capped.problems == ["layer 1: var/lib/dpkg/status: larger than 2048 bytes, not read"])
    }

    @Test func hostileInventoryFilesAreProblemsNeverFailures() throws {
        let image = try Scans.inventoryImage("inventory-hostile")
        #expect(image.layers[0].report.outcome == .scanned)
        let inventory = try #require(image.inventory)
        #expect(inventory.packages(.dpkg).count == 4 + 2000)
        #expect(inventory.packages(.python).isEmpty)
        #expect(inventory.packages(.npm).isEmpty)
        #expect(inventory.packages(.apk).contains(InstalledPackage(kind: .apk, name: "ok", version: "1.0-r0", path: "lib/apk/db/installed")))
        #expect(inventory.osRelease?.id != nil)
        #expect(inventory.problems == [
            "layer 0: srv/node_modules/broken/package.json: not JSON",
            "layer 0: srv/node_modules/deep/package.json: not JSON",
            "layer 0: usr/lib/python3/dist-packages/garbage-1.0.dist-info/METADATA: no Name and Version headers",
            "layer 0: usr/lib/python3/dist-packages/longline-1.0.dist-info/METADATA: no Name and Version headers",
        ])

        let capped = try Scans.inventory("inventory-hostile", scanner: LayerScanner(limits: ScanLimits(maxPackageDatabaseBytes: 4096)))
        #expect(capped.packages(.dpkg).isEmpty)
        #expect(capped.problems.contains("layer 0: var/lib/dpkg/status: larger than 4096 bytes, not read"))
    }

    @Test func inventoriesOffLeaveNoInventoryAndAnotherFingerprint() throws {
        let scanner = LayerScanner(inventories: false)
        let image = try Scans.inventoryImage("debian", scanner: scanner)
        #expect(image.layers[0].report.inventory == nil)
        #expect(image.inventory == nil)
        #expect(scanner.fingerprint != LayerScanner().fingerprint)
        #expect(image.layers[0].report.outcome == .scanned)
    }

    @Test func aReportStoredByEngine2DecodesWithoutAnInventory() throws {
        let stored = #"{"outcome":{"scanned":{}},"findings":[],"omittedFindings":0,"entries":3,"expandedBytes":10240,"whiteouts":[],"opaqueDirectories":[]}"#
        let report = try JSONDecoder().decode(LayerReport.self, from: Data(stored.utf8))
        #expect(report.inventory == nil)
        #expect(report.entries == 3)
        let layered = LayeredReport(index: 0, digest: "sha256:00", mediaType: "application/vnd.oci.image.layer.v1.tar", report: report)
        #expect(ImageInventory(layers: [layered]) == nil)
        var current = report
        current.inventory = LayerInventory(packages: [InstalledPackage(kind: .npm, name: "a", version: "1.0.0", path: "node_modules/a/package.json")])
        #expect(try JSONDecoder().decode(LayerReport.self, from: JSONEncoder().encode(current)) == current)
    }
}
