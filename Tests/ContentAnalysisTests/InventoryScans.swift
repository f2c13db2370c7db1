import ContentAnalysis
import Foundation
import TestSupport

extension Scans {
    /// Builds inventory fixture `name` (inventory.py) and scans the whole image.
    static func inventoryImage(_ name: String, scanner: LayerScanner = LayerScanner()) throws -> ImageReport {
        let folder = try TemporaryDirectory("inventory-\(name)")
        let layout = folder.url.appendingPathComponent("layout")
        try buildInventoryFixture(name, at: layout)
        return try ImageOnDisk.open("oci:" + layout.path).scan(with: scanner, progress: nil)
    }

    /// The merged inventory of fixture `name`, which every layer read must give.
    static func inventory(_ name: String, scanner: LayerScanner = LayerScanner()) throws -> ImageInventory {
        let image = try inventoryImage(name, scanner: scanner)
        guard let inventory = image.inventory else { throw TestFailure("\(name): a layer has no inventory") }
        return inventory
    }
}

extension ImageInventory {
    func packages(_ kind: PackageKind) -> [InstalledPackage] {
        packages.map(\.package).filter { $0.kind == kind }
    }
}
