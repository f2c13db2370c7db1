/// A repository name, or a glob over repository names.
///
/// Names follow the OCI distribution grammar: components of
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*` joined by `/`, at most 255 characters.
/// In a glob, a whole component may instead be `*` (exactly one component)
/// or `**` (zero or more components): `payments/*`, `team-a/**`, `**`.
public struct RepositoryPattern: Sendable, Hashable, Comparable, CustomStringConvertible {
    public enum Segment: Sendable, Hashable {
        case literal(String)
        /// `*`: exactly one component.
        case anyComponent
        /// `**`: zero or more components.
        case anyDepth
    }

    public let text: String
    public let segments: [Segment]

    /// True when the pattern has no wildcard: it names one repository.
    public var isExact: Bool {
        !segments.contains { if case .literal = $0 { false } else { true } }
    }

    public var description: String { text }

    public static func < (lhs: RepositoryPattern, rhs: RepositoryPattern) -> Bool { lhs.text < rhs.text }

    public static let maxLength = 255

    /// Parses a name or glob; the error says what is wrong.
    public static func parse(_ text: String) -> Result<RepositoryPattern, PatternError> {
        var text = text
        text.makeContiguousUTF8()
        let count = text.utf8.count
        if count == 0 { return .failure(.init(reason: "it is empty")) }
        if count > maxLength {
            return .failure(.init(reason: "it is \(count) characters long, more than \(maxLength)"))
        }
        return text.utf8.withContiguousStorageIfAvailable { bytes -> Result<RepositoryPattern, PatternError> in
            var segments: [Segment] = []
            var start = 0
            var index = 0
            while true {
                var end = start
                while end < bytes.count && bytes[end] != UInt8(ascii: "/") { end += 1 }
                let component = UnsafeBufferPointer(rebasing: bytes[start..<end])
                index += 1
                if component.count == 1 && component[0] == UInt8(ascii: "*") {
                    segments.append(.anyComponent)
                } else if component.count == 2 && component[0] == UInt8(ascii: "*") && component[1] == UInt8(ascii: "*") {
                    if segments.last == .anyDepth {
                        return .failure(.init(reason: "'**/**' is redundant; use a single '**'"))
                    }
                    segments.append(.anyDepth)
                } else if let problem = componentProblem(component) {
                    let shown = String(decoding: component, as: UTF8.self)
                    return .failure(.init(reason: "component \(index) '\(shown)' \(problem)"))
                } else {
                    segments.append(.literal(String(decoding: component, as: UTF8.self)))
                }
                if end == bytes.count { break }
                start = end + 1
            }
            return .success(RepositoryPattern(text: text, segments: segments))
        }!
    }

    public init?(_ text: String) {
        guard case .success(let pattern) = RepositoryPattern.parse(text) else { return nil }
        self = pattern
    }

    private init(text: String, segments: [Segment]) {
        self.text = text
        self.segments = segments
    }

    /// True when `name` is a valid repository name (no wildcards).
    public static func isValidName(_ name: String) -> Bool {
        guard let pattern = RepositoryPattern(name) else { return false }
        return pattern.isExact
    }

    /// Why a component is not valid, or nil.
    static func componentProblem(_ bytes: UnsafeBufferPointer<UInt8>) -> String? {
        if bytes.isEmpty { return "is empty (no leading, trailing or double '/')" }
        if bytes.contains(UInt8(ascii: "*")) {
            return "mixes '*' with other characters; a wildcard must be a whole component ('*' or '**')"
        }
        func isAlnum(_ b: UInt8) -> Bool { (b >= 0x61 && b <= 0x7A) || (b >= 0x30 && b <= 0x39) }
        if bytes.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) { return "has upper-case letters; names are lower-case" }
        guard isAlnum(bytes[0]) else { return "must start with a lower-case letter or digit" }
        guard isAlnum(bytes[bytes.count - 1]) else { return "must end with a lower-case letter or digit" }
        var i = 0
        while i < bytes.count {
            if isAlnum(bytes[i]) { i += 1; continue }
            // A separator: '.', '_', '__' or one or more '-'.
            let start = i
            switch bytes[i] {
            case UInt8(ascii: "."):
                i += 1
            case UInt8(ascii: "_"):
                i += 1
                if i < bytes.count && bytes[i] == UInt8(ascii: "_") { i += 1 }
            case UInt8(ascii: "-"):
                while i < bytes.count && bytes[i] == UInt8(ascii: "-") { i += 1 }
            default:
                let character = bytes[start] < 0x80
                    ? "the character '\(Character(Unicode.Scalar(bytes[start])))'" : "a non-ASCII character"
                return "has \(character); allowed are a-z, 0-9 and the separators '.', '_', '__', '-'"
            }
            guard i < bytes.count, isAlnum(bytes[i]) else {
                return "has the separator '\(String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<i]), as: UTF8.self))' not followed by a letter or digit"
            }
        }
        return nil
    }

    // MARK: Matching

    /// True when the concrete repository `name` matches this pattern.
    public func matches(_ name: String) -> Bool {
        if isExact { return name == text }
        return matches(components: RepositoryPattern.components(of: name))
    }

    /// Splits a name on '/', working on UTF-8 (cheaper than Characters).
    static func components(of name: String) -> [Substring] {
        let utf8 = name.utf8
        var result: [Substring] = []
        var start = utf8.startIndex
        var i = start
        while i != utf8.endIndex {
            if utf8[i] == UInt8(ascii: "/") {
                result.append(name[start..<i])
                start = utf8.index(after: i)
            }
            i = utf8.index(after: i)
        }
        result.append(name[start..<utf8.endIndex])
        return result
    }

    func matches(components: [Substring]) -> Bool {
        // reachable[j]: the first i pattern segments can match the first j components.
        let n = components.count
        var reachable = [Bool](repeating: false, count: n + 1)
        reachable[0] = true
        for segment in segments {
            var next = [Bool](repeating: false, count: n + 1)
            switch segment {
            case .anyDepth:
                var any = false
                for j in 0...n {
                    any = any || reachable[j]
                    next[j] = any
                }
            case .anyComponent:
                for j in 0..<n where reachable[j] { next[j + 1] = true }
            case .literal(let literal):
                for j in 0..<n where reachable[j] && components[j] == literal { next[j + 1] = true }
            }
            reachable = next
        }
        return reachable[n]
    }

    /// True when some repository name matches both patterns.
    public func overlaps(_ other: RepositoryPattern) -> Bool {
        let a = segments
        let b = other.segments
        // Cheap rejections: differing literals before the first wildcard, or
        // at the same distance from the end after the last `**`.
        for (x, y) in zip(a, b) {
            guard case .literal(let l) = x, case .literal(let r) = y else { break }
            if l != r { return false }
        }
        for (x, y) in zip(a.reversed(), b.reversed()) {
            guard case .literal(let l) = x, case .literal(let r) = y else { break }
            if l != r { return false }
        }
        if !a.contains(.anyDepth) && !b.contains(.anyDepth) && a.count != b.count { return false }
        // States (i, j, consumed): some concrete prefix is matched by both
        // a[..<i] and b[..<j]; `consumed` once it has at least one component
        // (an empty name is not a repository).
        let width = b.count + 1
        var seen = [Bool](repeating: false, count: (a.count + 1) * width * 2)
        var stack: [(Int, Int, Bool)] = [(0, 0, false)]
        while let (i, j, consumed) = stack.popLast() {
            let key = (i * width + j) * 2 + (consumed ? 1 : 0)
            if seen[key] { continue }
            seen[key] = true
            if i == a.count && j == b.count {
                if consumed { return true }
                continue
            }
            if i < a.count, a[i] == .anyDepth { stack.append((i + 1, j, consumed)) }
            if j < b.count, b[j] == .anyDepth { stack.append((i, j + 1, consumed)) }
            // Consume one concrete component on both sides.
            guard i < a.count, j < b.count else { continue }
            if case .literal(let x) = a[i], case .literal(let y) = b[j], x != y { continue }
            let ni = a[i] == .anyDepth ? i : i + 1
            let nj = b[j] == .anyDepth ? j : j + 1
            stack.append((ni, nj, true))
        }
        return false
    }

    // MARK: Specificity

    /// Rank of a position when comparing specificity: a literal component is
    /// more specific than `*`, `*` than the end of the pattern, and the end
    /// of the pattern than `**`.
    private static func rank(_ segment: Segment?) -> Int {
        switch segment {
        case .literal: return 3
        case .anyComponent: return 2
        case nil: return 1
        case .anyDepth: return 0
        }
    }

    /// Compares specificity from the left, component by component; the first
    /// position that differs decides. Returns nil when both patterns have the
    /// same shape (equal specificity).
    public func isMoreSpecific(than other: RepositoryPattern) -> Bool? {
        let count = max(segments.count, other.segments.count)
        for i in 0..<count {
            let l = RepositoryPattern.rank(i < segments.count ? segments[i] : nil)
            let r = RepositoryPattern.rank(i < other.segments.count ? other.segments[i] : nil)
            if l != r { return l > r }
        }
        return nil
    }

    /// The shape used to group patterns of equal specificity.
    var shape: [Int] {
        segments.map { RepositoryPattern.rank($0) }
    }
}

/// Why a repository name or glob is invalid.
public struct PatternError: Error, Sendable, Hashable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
