/// A glob over tag names: `v*`, `release-*`, `latest`, `*-rc?`.
/// `*` matches any run of characters and `?` one character; other characters
/// are those of OCI tags (`[A-Za-z0-9_.-]`), at most 128.
public struct TagPattern: Sendable, Hashable, CustomStringConvertible {
    public let text: String
    private let bytes: [UInt8]

    public init?(_ text: String) {
        guard TagPattern.problem(text) == nil else { return nil }
        self.text = text
        self.bytes = Array(text.utf8)
    }

    public var description: String { text }

    static func problem(_ text: String) -> String? {
        if text.isEmpty { return "it is empty" }
        if text.utf8.count > 128 { return "it is longer than 128 characters" }
        for byte in text.utf8 {
            let ok = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?")
            if !ok {
                return "it contains '\(byte < 0x80 ? String(Character(Unicode.Scalar(byte))) : "non-ASCII")'; tags use A-Z, a-z, 0-9, '_', '.', '-' and the wildcards '*' and '?'"
            }
        }
        if let first = text.utf8.first, first == UInt8(ascii: ".") || first == UInt8(ascii: "-") {
            return "a tag cannot start with '.' or '-'"
        }
        return nil
    }

    /// True when `tag` matches this pattern.
    public func matches(_ tag: String) -> Bool {
        let t = Array(tag.utf8)
        var p = 0, s = 0
        var starP = -1, starS = 0
        while s < t.count {
            if p < bytes.count && (bytes[p] == UInt8(ascii: "?") || bytes[p] == t[s]) {
                p += 1; s += 1
            } else if p < bytes.count && bytes[p] == UInt8(ascii: "*") {
                starP = p; starS = s; p += 1
            } else if starP >= 0 {
                p = starP + 1; starS += 1; s = starS
            } else {
                return false
            }
        }
        while p < bytes.count && bytes[p] == UInt8(ascii: "*") { p += 1 }
        return p == bytes.count
    }
}
