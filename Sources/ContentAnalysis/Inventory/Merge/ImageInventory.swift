/// The installed software of an image's final filesystem: each layer's inventory, bottom first, less what later
/// layers replaced, whited out or hid under an opaque directory.
public struct ImageInventory: Sendable, Hashable, Codable {
    /// A package and the layer it was read from.
    public struct Package: Sendable, Hashable, Codable {
        public var package: InstalledPackage
        public var layerIndex: Int
        public var layerDigest: String

        public init(package: InstalledPackage, layerIndex: Int, layerDigest: String) {
            self.package = package
            self.layerIndex = layerIndex
            self.layerDigest = layerDigest
        }
    }

    /// In layer order, then path order.
    public var packages: [Package]
    /// `etc/os-release` where the final filesystem has it as a file, else `usr/lib/os-release` (os-release(5)'s
    /// order: in Debian the first is a symlink to the second).
    public var osRelease: OSRelease?
    /// Each layer's problems, as "layer N: PATH: …", and a line for each layer that was not read to its end.
    public var problems: [String]

    public init(packages: [Package], osRelease: OSRelease?, problems: [String]) {
        self.packages = packages
        self.osRelease = osRelease
        self.problems = problems
    }

    /// Nil when some layer's report has no inventory (the caller must rescan it).
    public init?(layers: [LayeredReport]) {
        var inventories: [LayerInventory] = []
        for layer in layers {
            guard let inventory = layer.report.inventory else { return nil }
            inventories.append(inventory)
        }
        var later = LaterLayers()
        var packagesTopDown: [[Package]] = []
        var osReleases: [String: OSRelease] = [:]
        for (layer, inventory) in zip(layers, inventories).reversed() {
            packagesTopDown.append(inventory.packages.filter { !later.hide($0.path) }.map {
                Package(package: $0, layerIndex: layer.index, layerDigest: layer.digest)
            })
            for (path, release) in inventory.osReleases where !later.hide(path) {
                osReleases[path] = release
            }
            later.add(layer.report, inventory: inventory)
        }
        packages = packagesTopDown.reversed().flatMap { $0 }
        osRelease = osReleases["etc/os-release"] ?? osReleases["usr/lib/os-release"]
        problems = zip(layers, inventories).flatMap { layer, inventory in
            var lines = inventory.problems.map { "layer \(layer.index): \($0)" }
            if case .unscannable(let reason) = layer.report.outcome {
                lines.insert("layer \(layer.index): not read to its end (\(reason)): its packages may be missing", at: 0)
            }
            return lines
        }
    }
}
