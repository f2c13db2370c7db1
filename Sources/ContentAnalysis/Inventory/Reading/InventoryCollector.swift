/// Builds one layer's `LayerInventory` from its files as the reading thread meets them: parses each recognised file
/// when it ends, records what Go build information was found, and notes links at recognised paths (which hide the
/// same path below as a file would).
struct InventoryCollector {
    let limits: ScanLimits
    private var inventory = LayerInventory()
    private var sources: Set<String> = []
    private var omittedProblems = 0
    private var packagesOmitted = false

    init(limits: ScanLimits) {
        self.limits = limits
    }

    func open(path: String) -> InventoryFile {
        InventoryFile(path: path, limits: limits)
    }

    mutating func close(_ file: consuming InventoryFile) {
        file.finish()
        if let source = file.source {
            replaceSource(file.path)
            if file.isOverCap {
                problem(file.path, "larger than \(file.cap) bytes, not read")
            } else {
                read(source, file.held[...], path: file.path)
            }
        } else if let result = file.goSearch?.result {
            replaceSource(file.path)
            switch result {
            case .found(let info):
                if GoToolchainVersion.semVer(info.goVersion) == nil {
                    problem(file.path, "Go toolchain \(info.goVersion.prefix(40)) is not a release: stdlib not recorded")
                }
                add(Self.packages(of: info, path: file.path))
            case .pointerLayout: problem(file.path, "Go build info in the pre-1.18 layout is not read")
            case .tooLarge(let reason): problem(file.path, "Go build info not read: \(reason)")
            case .truncated: problem(file.path, "Go build info cut short by the end of the file")
            }
        }
    }

    /// A symlink or hardlink at `path`: it replaces a file of this layer at that path, and hides one below when the
    /// path is a recognised one.
    mutating func link(at path: String) {
        if sources.contains(path) || InventorySource(path: path) != nil { replaceSource(path) }
    }

    consuming func finish() -> LayerInventory {
        inventory.sources = sources.sorted()
        // Stable: a file's packages keep their order.
        inventory.packages = inventory.packages.enumerated()
            .sorted { ($0.element.path, $0.offset) < ($1.element.path, $1.offset) }.map(\.element)
        if packagesOmitted { appendLine("more than \(LayerInventory.maxPackages) packages: the rest are not recorded") }
        if omittedProblems > 0 { inventory.problems.append("\(omittedProblems) more problems not listed") }
        return inventory
    }

    private mutating func read(_ source: InventorySource, _ bytes: ArraySlice<UInt8>, path: String) {
        let room = max(0, LayerInventory.maxPackages - inventory.packages.count)
        do {
            switch source {
            case .dpkgStatus: add(DpkgStatus.packages(in: bytes, path: path, limit: room + 1))
            case .apkInstalled: add(ApkInstalled.packages(in: bytes, path: path, limit: room + 1))
            case .osRelease: inventory.osReleases[path] = OSRelease(parsing: bytes)
            case .pythonMetadata: add([try PythonMetadata.package(in: bytes, path: path)])
            case .npmManifest: add(try NpmManifest.package(in: bytes, path: path).map { [$0] } ?? [])
            case .rpmDatabase: problem(path, "an rpm database: rpm packages are not inventoried yet")
            }
        } catch let problem as InventoryFileProblem {
            self.problem(path, problem.reason)
        } catch {
            self.problem(path, "\(error)")
        }
    }

    /// The stdlib the toolchain is, the main module and the dependencies.
    private static func packages(of info: GoBuildInfo, path: String) -> [InstalledPackage] {
        var packages: [InstalledPackage] = []
        if let version = GoToolchainVersion.semVer(info.goVersion) {
            packages.append(InstalledPackage(kind: .go, name: "stdlib", version: version, path: path))
        }
        for module in [info.main].compactMap({ $0 }) + info.dependencies {
            packages.append(InstalledPackage(kind: .go, name: module.path, version: module.version, path: path))
        }
        return packages
    }

    /// Notes `path` as a source, forgetting what an earlier entry of this layer at the same path gave (a tar may
    /// carry a path twice; the later entry is the file).
    private mutating func replaceSource(_ path: String) {
        if sources.insert(path).inserted { return }
        inventory.packages.removeAll { $0.path == path }
        inventory.osReleases[path] = nil
    }

    private mutating func add(_ packages: [InstalledPackage]) {
        let room = max(0, LayerInventory.maxPackages - inventory.packages.count)
        inventory.packages += packages.prefix(room)
        if packages.count > room { packagesOmitted = true }
    }

    private mutating func problem(_ path: String, _ reason: String) {
        appendLine("\(path): \(reason)")
    }

    private mutating func appendLine(_ line: String) {
        if inventory.problems.count < LayerInventory.maxProblems {
            inventory.problems.append(line)
        } else {
            omittedProblems += 1
        }
    }
}
