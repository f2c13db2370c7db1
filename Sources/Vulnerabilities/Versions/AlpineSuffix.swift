/// apk's version suffixes in their order: the pre-release ones before a version without a suffix, the others after.
enum AlpineSuffix: Int, Comparable, Sendable {
    case alpha, beta, pre, rc, none, cvs, svn, git, hg, p

    init?(name: ArraySlice<UInt8>) {
        guard let suffix = Self.named[String(decoding: name, as: UTF8.self)] else { return nil }
        self = suffix
    }

    private static let named: [String: AlpineSuffix] = [
        "alpha": .alpha, "beta": .beta, "pre": .pre, "rc": .rc, "cvs": .cvs, "svn": .svn, "git": .git, "hg": .hg, "p": .p,
    ]

    var isPreRelease: Bool { self < .none }

    static func < (a: AlpineSuffix, b: AlpineSuffix) -> Bool { a.rawValue < b.rawValue }
}
