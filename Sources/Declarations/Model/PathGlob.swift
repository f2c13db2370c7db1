/// Globs over file paths inside an image layer, as SecretRule and SecretException `paths` write them:
/// `/`-separated segments where `*` matches any run of characters within one segment and a whole segment `**`
/// matches zero or more segments (`app/**`, `**/id_rsa`, `etc/*.conf`).
public enum PathGlob {
    public static let maxLength = 1_024

    public static let expectation = "a relative path glob such as 'etc/**', '**/id_rsa' or 'app/*.env' ('*' within a segment, '**' as a whole segment for any depth)"

    /// Why `glob` is not a usable path glob, or nil when it is.
    public static func problem(_ glob: String) -> String? {
        if glob.isEmpty { return "it is empty" }
        if glob.utf8.count > maxLength { return "it is longer than \(maxLength) characters" }
        if glob.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            return "it contains a control character"
        }
        if glob.hasPrefix("/") { return "it starts with '/'; paths inside a layer are relative (write 'etc/**', not '/etc/**')" }
        var previous: Substring?
        for segment in glob.split(separator: "/", omittingEmptySubsequences: false) {
            if segment.isEmpty { return "it has an empty segment (a trailing or double '/')" }
            if segment == "." || segment == ".." { return "it has a '\(segment)' segment; write the path from the layer root" }
            if segment != "**" && segment.contains("**") {
                return "segment '\(segment)' mixes '**' with other characters; '**' must be a whole segment"
            }
            if segment == "**" && previous == "**" { return "'**/**' is redundant; use a single '**'" }
            previous = segment
        }
        return nil
    }

    /// True when `path` matches `glob`. A leading `/` or `./` on the path is ignored: layers write both forms.
    public static func matches(_ glob: String, path: String) -> Bool {
        var path = Substring(path)
        while path.hasPrefix("./") { path = path.dropFirst(2) }
        while path.hasPrefix("/") { path = path.dropFirst() }
        let names = path.split(separator: "/", omittingEmptySubsequences: false)
        let segments = glob.split(separator: "/", omittingEmptySubsequences: false)
        // reachable[j]: the segments seen so far can match the first j names.
        var reachable = [Bool](repeating: false, count: names.count + 1)
        reachable[0] = true
        for segment in segments {
            var next = [Bool](repeating: false, count: names.count + 1)
            if segment == "**" {
                var any = false
                for j in 0...names.count {
                    any = any || reachable[j]
                    next[j] = any
                }
            } else {
                for j in 0..<names.count where reachable[j] && matchesSegment(segment, names[j]) { next[j + 1] = true }
            }
            reachable = next
        }
        return reachable[names.count]
    }

    /// `*` matches any run of characters; everything else matches itself. Greedy with one backtrack point: linear
    /// in practice, never exponential.
    static func matchesSegment(_ pattern: Substring, _ name: Substring) -> Bool {
        let p = Array(pattern.unicodeScalars), n = Array(name.unicodeScalars)
        var i = 0, j = 0
        var star = -1, resume = 0
        while j < n.count {
            if i < p.count && p[i] == "*" {
                star = i
                resume = j
                i += 1
            } else if i < p.count && p[i] == n[j] {
                i += 1
                j += 1
            } else if star >= 0 {
                i = star + 1
                resume += 1
                j = resume
            } else {
                return false
            }
        }
        while i < p.count && p[i] == "*" { i += 1 }
        return i == p.count
    }
}
