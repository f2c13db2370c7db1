import Foundation

/// A Semantic Versioning 2.0.0 version, `MAJOR.MINOR.PATCH[-prerelease][+build]`, as semver.org's grammar allows it.
struct SemanticVersion: Sendable {
    let core: [ArraySlice<UInt8>]
    /// Empty when the version is not a pre-release.
    let preRelease: [ArraySlice<UInt8>]

    init?(_ text: String, acceptingLeadingV: Bool) {
        var rest = Array(text.utf8)[...]
        if acceptingLeadingV, rest.first == UInt8(ascii: "v") { rest.removeFirst() }
        // Build metadata is validated, then dropped: §10 says it plays no part in precedence.
        if let plus = rest.firstIndex(of: UInt8(ascii: "+")) {
            guard Self.identifiers(rest[rest.index(after: plus)...]) != nil else { return nil }
            rest = rest[..<plus]
        }
        // The first hyphen starts the pre-release; hyphens after it belong to its identifiers.
        if let hyphen = rest.firstIndex(of: UInt8(ascii: "-")) {
            guard let preRelease = Self.identifiers(rest[rest.index(after: hyphen)...]),
                  preRelease.allSatisfy({ !Self.isNumeric($0) || !Self.hasLeadingZero($0) })
            else { return nil }
            self.preRelease = preRelease
            rest = rest[..<hyphen]
        } else {
            preRelease = []
        }
        core = rest.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard core.count == 3, core.allSatisfy({ !$0.isEmpty && Self.isNumeric($0) && !Self.hasLeadingZero($0) }) else { return nil }
    }

    /// §11: the three numbers by value; then a pre-release comes before the version itself, and pre-releases compare
    /// identifier by identifier: numbers by value, before any alphanumeric identifier, which compare in ASCII order,
    /// and a pre-release whose identifiers run out first is the lesser.
    static func compare(_ a: SemanticVersion, _ b: SemanticVersion) -> ComparisonResult {
        for (numberA, numberB) in zip(a.core, b.core) {
            let numbers = DecimalDigits.compare(numberA, numberB)
            if numbers != .orderedSame { return numbers }
        }
        switch (a.preRelease.isEmpty, b.preRelease.isEmpty) {
        case (true, true): return .orderedSame
        case (true, false): return .orderedDescending
        case (false, true): return .orderedAscending
        case (false, false): break
        }
        for (identifierA, identifierB) in zip(a.preRelease, b.preRelease) {
            let identifiers: ComparisonResult
            switch (isNumeric(identifierA), isNumeric(identifierB)) {
            case (true, true): identifiers = DecimalDigits.compare(identifierA, identifierB)
            case (true, false): identifiers = .orderedAscending
            case (false, true): identifiers = .orderedDescending
            case (false, false): identifiers = .bytes(identifierA, identifierB)
            }
            if identifiers != .orderedSame { return identifiers }
        }
        return ComparisonResult(a.preRelease.count, b.preRelease.count)
    }

    /// Dot-separated, non-empty identifiers of ASCII letters, digits and hyphens; nil when the text is not that.
    private static func identifiers(_ text: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        let identifiers = text.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        let valid = identifiers.allSatisfy { identifier in
            !identifier.isEmpty && identifier.allSatisfy { ASCIIText.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
        return valid ? identifiers : nil
    }

    private static func isNumeric(_ identifier: ArraySlice<UInt8>) -> Bool { identifier.allSatisfy(DecimalDigits.isDigit) }

    private static func hasLeadingZero(_ number: ArraySlice<UInt8>) -> Bool {
        number.count > 1 && number.first == UInt8(ascii: "0")
    }
}
