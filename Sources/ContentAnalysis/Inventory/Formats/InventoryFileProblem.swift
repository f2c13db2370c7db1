/// Why an inventory file gave nothing, as its line in `LayerInventory.problems` says after the path.
struct InventoryFileProblem: Error, Equatable {
    var reason: String

    init(_ reason: String) { self.reason = reason }
}
