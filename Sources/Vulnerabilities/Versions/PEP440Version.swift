import Foundation

/// A Python package version as PEP 440 writes it, `[N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]`, read with the
/// spellings PEP 440's normalisation accepts: any case, a leading `v`, `alpha`/`beta`/`c`/`pre`/`preview`,
/// `rev`/`r` or a bare `-N` for post, `-`, `_` or `.` (or nothing) around the labels, implicit zero numbers.
struct PEP440Version: Sendable {
    /// Normalised: `c`, `pre` and `preview` are all `rc`.
    enum PreReleasePhase: Int, Comparable, Sendable {
        case alpha, beta, releaseCandidate

        static func < (a: Self, b: Self) -> Bool { a.rawValue < b.rawValue }
    }

    enum LocalSegment: Sendable {
        case number(ArraySlice<UInt8>)
        case text(ArraySlice<UInt8>)
    }

    var epoch: ArraySlice<UInt8> = []
    var release: [ArraySlice<UInt8>] = []
    var preRelease: (phase: PreReleasePhase, number: ArraySlice<UInt8>)?
    var postRelease: ArraySlice<UInt8>?
    var developmentRelease: ArraySlice<UInt8>?
    var local: [LocalSegment]?

    init?(_ text: String) {
        var scanner = PEP440Scanner(ASCIIText.trimmed(text).map { ASCIIText.isLetter($0) ? $0 | 0x20 : $0 }[...])
        _ = scanner.take("v")
        let start = scanner
        if let epoch = scanner.digits(), scanner.take("!") {
            self.epoch = epoch
        } else {
            scanner = start
        }
        guard let first = scanner.digits() else { return nil }
        release = [first]
        while let component = scanner.attempt({ $0.take(".") ? $0.digits() : nil }) { release.append(component) }

        preRelease = scanner.attempt { scanner in
            scanner.separator()
            // Longer spellings first, so `alpha` is not read as `a` followed by junk.
            let phases: [(String, PreReleasePhase)] = [
                ("alpha", .alpha), ("a", .alpha), ("beta", .beta), ("b", .beta),
                ("preview", .releaseCandidate), ("pre", .releaseCandidate), ("c", .releaseCandidate), ("rc", .releaseCandidate),
            ]
            guard let phase = phases.first(where: { scanner.take($0.0) })?.1 else { return nil }
            return (phase, scanner.optionalNumber())
        }
        postRelease = scanner.attempt { scanner in
            // `1.0-1` is a post-release; only this spelling needs its number.
            if scanner.take("-"), let number = scanner.digits() { return number }
            return nil
        } ?? scanner.attempt { scanner in
            scanner.separator()
            guard ["post", "rev", "r"].contains(where: { scanner.take($0) }) else { return nil }
            return scanner.optionalNumber()
        }
        developmentRelease = scanner.attempt { scanner in
            scanner.separator()
            return scanner.take("dev") ? scanner.optionalNumber() : nil
        }
        if scanner.take("+") {
            var segments: [LocalSegment] = []
            repeat {
                let segment = scanner.alphanumerics()
                guard !segment.isEmpty else { return nil }
                segments.append(segment.allSatisfy(DecimalDigits.isDigit) ? .number(segment) : .text(segment))
            } while scanner.separator()
            local = segments
        }
        guard scanner.isAtEnd else { return nil }
    }

    /// PEP 440's order: epoch, release (trailing zeros ignored: `1.0 == 1.0.0`), then pre, post and development
    /// release, then the local label.
    static func compare(_ a: PEP440Version, _ b: PEP440Version) -> ComparisonResult {
        DecimalDigits.compare(a.epoch, b.epoch)
            .then(compareReleases(a.release, b.release))
            .then(comparePreReleases(a, b))
            .then(compareOptionalNumbers(a.postRelease, b.postRelease, missingIsGreatest: false))
            .then(compareOptionalNumbers(a.developmentRelease, b.developmentRelease, missingIsGreatest: true))
            .then(compareLocals(a.local, b.local))
    }

    private static func compareReleases(_ a: [ArraySlice<UInt8>], _ b: [ArraySlice<UInt8>]) -> ComparisonResult {
        for index in 0..<max(a.count, b.count) {
            let components = DecimalDigits.compare(index < a.count ? a[index] : [], index < b.count ? b[index] : [])
            if components != .orderedSame { return components }
        }
        return .orderedSame
    }

    /// A version without a pre-release comes after its pre-releases, except a bare development release
    /// (`1.0.dev0`), which comes before them all: it precedes the alpha it leads to.
    private static func comparePreReleases(_ a: PEP440Version, _ b: PEP440Version) -> ComparisonResult {
        func rank(_ version: PEP440Version) -> Int {
            if version.preRelease != nil { return 1 }
            return version.postRelease == nil && version.developmentRelease != nil ? 0 : 2
        }
        let ranks = ComparisonResult(rank(a), rank(b))
        guard ranks == .orderedSame, let preA = a.preRelease, let preB = b.preRelease else { return ranks }
        return ComparisonResult(preA.phase, preB.phase).then(DecimalDigits.compare(preA.number, preB.number))
    }

    /// Post-releases come after a version without one; development releases before a version without one.
    private static func compareOptionalNumbers(
        _ a: ArraySlice<UInt8>?, _ b: ArraySlice<UInt8>?, missingIsGreatest: Bool
    ) -> ComparisonResult {
        switch (a, b) {
        case (nil, nil): return .orderedSame
        case (nil, _): return missingIsGreatest ? .orderedDescending : .orderedAscending
        case (_, nil): return missingIsGreatest ? .orderedAscending : .orderedDescending
        case let (a?, b?): return DecimalDigits.compare(a, b)
        }
    }

    /// A local label comes after none; segments compare numbers by value and text as ASCII, a number after text,
    /// and a label that runs out first is the lesser.
    private static func compareLocals(_ a: [LocalSegment]?, _ b: [LocalSegment]?) -> ComparisonResult {
        guard let a, let b else { return ComparisonResult(a == nil ? 0 : 1, b == nil ? 0 : 1) }
        for (segmentA, segmentB) in zip(a, b) {
            let segments: ComparisonResult
            switch (segmentA, segmentB) {
            case let (.number(x), .number(y)): segments = DecimalDigits.compare(x, y)
            case let (.text(x), .text(y)): segments = .bytes(x, y)
            case (.number, .text): segments = .orderedDescending
            case (.text, .number): segments = .orderedAscending
            }
            if segments != .orderedSame { return segments }
        }
        return ComparisonResult(a.count, b.count)
    }
}
