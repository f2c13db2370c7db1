/// What the layers above a given one do to its paths, gathered top-down: the inventory sources they write (a rewritten
/// file replaces the lower one entirely, even when it lists nothing), the paths they white out (with everything under
/// them) and the directories they make opaque (hiding everything lower below them).
struct LaterLayers {
    private var sources: Set<String> = []
    private var whiteouts: Set<String> = []
    private var opaqueDirectories: Set<String> = []

    /// Adds a layer, once every layer above it has been added and the ones below it are still to be judged.
    mutating func add(_ report: LayerReport, inventory: LayerInventory) {
        sources.formUnion(inventory.sources)
        whiteouts.formUnion(report.whiteouts)
        opaqueDirectories.formUnion(report.opaqueDirectories)
    }

    /// Whether `path`, a file of a lower layer, is gone from the final filesystem or replaced in it.
    func hide(_ path: String) -> Bool {
        if sources.contains(path) || whiteouts.contains(path) || opaqueDirectories.contains("") { return true }
        var directory = path
        while let slash = directory.lastIndex(of: "/") {
            directory = String(directory[..<slash])
            if whiteouts.contains(directory) || opaqueDirectories.contains(directory) { return true }
        }
        return false
    }
}
