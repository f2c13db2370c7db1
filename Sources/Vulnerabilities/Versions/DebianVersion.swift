import Foundation

/// A Debian package version, `[epoch:]upstream[-revision]`, read as Debian Policy §5.6.12 and dpkg read it.
struct DebianVersion: Sendable {
    let epoch: ArraySlice<UInt8>
    let upstream: ArraySlice<UInt8>
    /// Empty when the version has none, which compares like "0": dpkg holds `1.0` and `1.0-0` equal.
    let revision: ArraySlice<UInt8>

    private static let largestEpoch = Array(String(Int32.max).utf8)[...]

    init?(_ text: String) {
        var rest = ASCIIText.trimmed(text)
        // The first colon ends the epoch, so an upstream part may hold colons only when an epoch is written.
        if let colon = rest.firstIndex(of: UInt8(ascii: ":")) {
            let epoch = rest[..<colon]
            // dpkg keeps the epoch in a C int and refuses a larger one.
            guard !epoch.isEmpty, epoch.allSatisfy(DecimalDigits.isDigit),
                  DecimalDigits.compare(epoch, Self.largestEpoch) != .orderedDescending
            else { return nil }
            self.epoch = epoch
            rest = rest[rest.index(after: colon)...]
        } else {
            epoch = []
        }
        // The last hyphen starts the revision, so an upstream part may hold hyphens only when a revision is written.
        if let hyphen = rest.lastIndex(of: UInt8(ascii: "-")) {
            revision = rest[rest.index(after: hyphen)...]
            guard !revision.isEmpty else { return nil }
            rest = rest[..<hyphen]
        } else {
            revision = []
        }
        upstream = rest
        guard let first = upstream.first, DecimalDigits.isDigit(first),
              upstream.allSatisfy({ ASCIIText.isAlphanumeric($0) || Array(".+~-:".utf8).contains($0) }),
              revision.allSatisfy({ ASCIIText.isAlphanumeric($0) || Array(".+~".utf8).contains($0) })
        else { return nil }
    }

    static func compare(_ a: DebianVersion, _ b: DebianVersion) -> ComparisonResult {
        DecimalDigits.compare(a.epoch, b.epoch)
            .then(compareParts(a.upstream, b.upstream))
            .then(compareParts(a.revision, b.revision))
    }

    /// dpkg's order for an upstream version or a revision: alternately a run of non-digits, compared character by
    /// character, then a run of digits, compared by value, until both are used up.
    private static func compareParts(_ a: ArraySlice<UInt8>, _ b: ArraySlice<UInt8>) -> ComparisonResult {
        var a = a, b = b
        while !a.isEmpty || !b.isEmpty {
            let textA = a.prefix { !DecimalDigits.isDigit($0) }, textB = b.prefix { !DecimalDigits.isDigit($0) }
            a.removeFirst(textA.count)
            b.removeFirst(textB.count)
            for index in 0..<max(textA.count, textB.count) {
                let weightA = weight(textA.dropFirst(index).first), weightB = weight(textB.dropFirst(index).first)
                if weightA != weightB { return ComparisonResult(weightA, weightB) }
            }
            let digitsA = a.prefix(while: DecimalDigits.isDigit), digitsB = b.prefix(while: DecimalDigits.isDigit)
            a.removeFirst(digitsA.count)
            b.removeFirst(digitsB.count)
            let numbers = DecimalDigits.compare(digitsA, digitsB)
            if numbers != .orderedSame { return numbers }
        }
        return .orderedSame
    }

    /// A character's weight in a non-digit run; nil is the run's end. '~' sorts before even the end, so `1.0~rc1`
    /// comes before `1.0`; the end before letters, so `1.0` before `1.0a`; letters before all other characters, so
    /// `1.0a` before `1.0+`.
    private static func weight(_ character: UInt8?) -> Int {
        guard let character else { return 0 }
        if character == UInt8(ascii: "~") { return -1 }
        if ASCIIText.isLetter(character) { return Int(character) }
        return Int(character) + 256
    }
}
