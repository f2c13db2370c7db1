/// The parsed YAML documents of one file, stored as a flat arena.
///
/// Aliases are not expanded: an alias is a node that points at its anchored
/// target, so an alias bomb costs memory proportional to its text, and the
/// reader measures the expanded size without building it.
struct YAMLTree {
    enum Kind: UInt8 {
        case scalar, sequence, mapping, alias
    }

    enum ScalarStyle: UInt8 {
        case plain, singleQuoted, doubleQuoted, literal, folded, none
    }

    struct Node {
        var kind: Kind
        var style: ScalarStyle
        var line: Int32
        var column: Int32
        /// scalar: index in `strings`; collection: first index in `children`;
        /// alias: the target node.
        var start: Int32
        /// Collections: number of entries in `children` (a mapping stores key,
        /// value, key, value, …).
        var count: Int32
    }

    struct Document {
        var root: Int32
        var line: Int32
        var column: Int32
    }

    var nodes: [Node] = []
    var strings: [String] = []
    var children: [Int32] = []
    var documents: [Document] = []

    /// Follows an alias to its target (targets are never aliases).
    @inline(__always)
    func resolved(_ index: Int32) -> Node {
        let node = nodes[Int(index)]
        if node.kind == .alias { return nodes[Int(node.start)] }
        return node
    }

    func scalarString(_ node: Node) -> String {
        strings[Int(node.start)]
    }

    /// Children of a collection node (already resolved node).
    func childIndices(_ node: Node) -> ArraySlice<Int32> {
        let start = Int(node.start)
        return children[start..<(start + Int(node.count))]
    }

    /// True for `~`, `null`, `Null`, `NULL` and an empty plain scalar.
    func isNull(_ node: Node) -> Bool {
        guard node.kind == .scalar, node.style == .plain else { return false }
        switch strings[Int(node.start)] {
        case "", "~", "null", "Null", "NULL": return true
        default: return false
        }
    }
}
