/// A layer's symlinks and hardlinks, resolved once the layer has been read: a link whose resolution takes more than
/// the hop limit is a loop, which would trap any tool that later walks the unpacked layer.
struct LinkGraph {
    private var symlinks: [String: String] = [:]
    private var hardlinks: [String: String] = [:]
    /// Link paths in archive order, so the loop reported is the first one in the layer.
    private var order: [String] = []

    mutating func addSymlink(_ path: String, target: String) {
        if symlinks.updateValue(target, forKey: path) == nil, hardlinks[path] == nil { order.append(path) }
    }

    /// `target` is a path inside the layer, as hardlinks name them.
    mutating func addHardlink(_ path: String, target: String) {
        if hardlinks.updateValue(target, forKey: path) == nil, symlinks[path] == nil { order.append(path) }
    }

    /// The first link that does not resolve within `maxHops` links followed.
    func firstLoop(maxHops: Int) -> String? {
        order.first { !resolves($0, maxHops: maxHops) }
    }

    /// Walks `path` component by component, replacing a prefix that is a link with its target, as the kernel does.
    private func resolves(_ path: String, maxHops: Int) -> Bool {
        var hops = 0
        var resolved: [Substring] = []
        // Components still to walk, the next one last.
        var remaining = Array(path.split(separator: "/").reversed())
        while let component = remaining.popLast() {
            if component == "." { continue }
            if component == ".." {
                _ = resolved.popLast()
                continue
            }
            let candidate = (resolved + [component]).joined(separator: "/")
            if let target = symlinks[candidate] {
                hops += 1
                if hops > maxHops { return false }
                if target.hasPrefix("/") { resolved.removeAll() }
                remaining.append(contentsOf: target.split(separator: "/").reversed())
            } else if let target = hardlinks[candidate] {
                hops += 1
                if hops > maxHops { return false }
                resolved.removeAll()
                remaining.append(contentsOf: LayerPath.normalized(target).split(separator: "/").reversed())
            } else {
                resolved.append(component)
            }
        }
        return true
    }
}
