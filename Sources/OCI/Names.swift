/// A repository name as the distribution spec's grammar allows:
/// `[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*`.
public struct RepositoryName: Hashable, Sendable, Comparable, CustomStringConvertible {
    public static let maximumLength = 255
    public let value: String

    public init?(_ string: some StringProtocol) {
        guard string.utf8.count <= Self.maximumLength,
              !string.isEmpty,
              string.split(separator: "/", omittingEmptySubsequences: false).allSatisfy({ Self.isValidComponent($0) })
        else { return nil }
        value = String(string)
    }

    /// A component is alphanumeric runs joined by `.`, `_`, `__` or any number of `-`.
    static func isValidComponent(_ component: some StringProtocol) -> Bool {
        var previousWasAlphanumeric = false
        var separator: [UInt8] = []
        for byte in component.utf8 {
            let isAlphanumeric = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39)
            if isAlphanumeric {
                if !separator.isEmpty {
                    let valid = separator == [0x2e] || separator == [0x5f] || separator == [0x5f, 0x5f]
                        || separator.allSatisfy { $0 == 0x2d }
                    guard valid else { return false }
                    separator.removeAll()
                }
                previousWasAlphanumeric = true
            } else if byte == 0x2e || byte == 0x5f || byte == 0x2d {
                guard previousWasAlphanumeric || !separator.isEmpty else { return false }
                separator.append(byte)
                previousWasAlphanumeric = false
            } else {
                return false
            }
        }
        return previousWasAlphanumeric
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// A tag: `[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}`.
public struct Tag: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let value: String

    public init?(_ string: some StringProtocol) {
        let bytes = Array(string.utf8)
        guard let first = bytes.first, bytes.count <= 128 else { return nil }
        func isWord(_ b: UInt8) -> Bool {
            (b >= 0x61 && b <= 0x7a) || (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39) || b == 0x5f
        }
        guard isWord(first), bytes.dropFirst().allSatisfy({ isWord($0) || $0 == 0x2e || $0 == 0x2d }) else { return nil }
        value = String(string)
    }

    public var description: String { value }
    public static func < (lhs: Self, rhs: Self) -> Bool { lhs.value < rhs.value }
}

/// What follows `/manifests/`: a tag or a digest.
public enum Reference: Hashable, Sendable, CustomStringConvertible {
    case tag(Tag)
    case digest(Digest)

    public var tag: Tag? {
        if case .tag(let tag) = self { tag } else { nil }
    }

    public init?(_ string: some StringProtocol) {
        if string.contains(":") {
            guard let digest = Digest(string) else { return nil }
            self = .digest(digest)
        } else {
            guard let tag = Tag(string) else { return nil }
            self = .tag(tag)
        }
    }

    public var description: String {
        switch self {
        case .tag(let tag): tag.value
        case .digest(let digest): digest.description
        }
    }
}
