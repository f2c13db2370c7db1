import Foundation

/// An Alpine package version, `digits{.digits}[letter]{_suffix[digits]}[~hash][-r digits]`, as the token sequence
/// apk-tools validates and compares (its `src/version.c`).
struct AlpineVersion: Sendable {
    /// In the order the grammar allows them: a token may only follow kinds before it (digits may follow digits), and
    /// the order decides versions whose common tokens are equal (see `compare`).
    enum Kind: Int, Comparable, Sendable {
        case initialDigits, digits, letter, suffix, suffixNumber, commitHash, revision, end

        static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
    }

    struct Token: Sendable {
        let kind: Kind
        let text: ArraySlice<UInt8>
        /// For `.suffix` only.
        var suffix: AlpineSuffix = .none
    }

    let tokens: [Token]

    init?(_ text: String) {
        var rest = Array(text.utf8)[...]
        var tokens: [Token] = []
        func take(while belongs: (UInt8) -> Bool) -> ArraySlice<UInt8> {
            let taken = rest.prefix(while: belongs)
            rest.removeFirst(taken.count)
            return taken
        }
        let initial = take(while: DecimalDigits.isDigit)
        guard !initial.isEmpty else { return nil }
        tokens.append(Token(kind: .initialDigits, text: initial))
        while let next = rest.first {
            let previous = tokens[tokens.count - 1].kind
            switch next {
            case UInt8(ascii: "."):
                guard previous <= .digits else { return nil }
                rest.removeFirst()
                let digits = take(while: DecimalDigits.isDigit)
                guard !digits.isEmpty else { return nil }
                tokens.append(Token(kind: .digits, text: digits))
            case _ where DecimalDigits.isDigit(next):
                // Digits right after other digits were taken with them; right after a suffix they are its number.
                guard previous == .suffix else { return nil }
                tokens.append(Token(kind: .suffixNumber, text: take(while: DecimalDigits.isDigit)))
            case _ where ASCIIText.isLowercaseLetter(next):
                guard previous <= .digits else { return nil }
                tokens.append(Token(kind: .letter, text: rest.prefix(1)))
                rest.removeFirst()
            case UInt8(ascii: "_"):
                guard previous <= .suffixNumber else { return nil }
                rest.removeFirst()
                let name = take(while: ASCIIText.isLowercaseLetter)
                guard let suffix = AlpineSuffix(name: name) else { return nil }
                tokens.append(Token(kind: .suffix, text: name, suffix: suffix))
            case UInt8(ascii: "~"):
                guard previous < .commitHash else { return nil }
                rest.removeFirst()
                let hash = take { DecimalDigits.isDigit($0) || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f")) }
                guard !hash.isEmpty else { return nil }
                tokens.append(Token(kind: .commitHash, text: hash))
            case UInt8(ascii: "-"):
                guard previous < .revision, rest.dropFirst().first == UInt8(ascii: "r") else { return nil }
                rest.removeFirst(2)
                let number = take(while: DecimalDigits.isDigit)
                guard !number.isEmpty else { return nil }
                tokens.append(Token(kind: .revision, text: number))
            default:
                return nil
            }
        }
        self.tokens = tokens
    }

    /// Token by token while both have a token of the same kind. Where they part, a pre-release suffix
    /// (`_alpha`…`_rc`) makes its version the lesser; otherwise the version whose next token comes later in the
    /// grammar is the lesser, the one that ended the least of all: `1.2 < 1.2a < 1.2.1`, `1.2_rc1 < 1.2 < 1.2_p1`.
    static func compare(_ a: AlpineVersion, _ b: AlpineVersion) -> ComparisonResult {
        for index in 0... {
            let tokenA = index < a.tokens.count ? a.tokens[index] : nil
            let tokenB = index < b.tokens.count ? b.tokens[index] : nil
            guard let tokenA, let tokenB, tokenA.kind == tokenB.kind else {
                if tokenA?.suffix.isPreRelease == true { return .orderedAscending }
                if tokenB?.suffix.isPreRelease == true { return .orderedDescending }
                return ComparisonResult(tokenB?.kind ?? .end, tokenA?.kind ?? .end)
            }
            let tokens = compare(tokenA, tokenB)
            if tokens != .orderedSame { return tokens }
        }
        return .orderedSame
    }

    private static func compare(_ a: Token, _ b: Token) -> ComparisonResult {
        switch a.kind {
        case .digits where a.text.first == UInt8(ascii: "0") || b.text.first == UInt8(ascii: "0"):
            // A component with a leading zero reads as a fraction, as Gentoo's rules do: `1.01 < 1.1` and
            // `1.001 < 1.01`, so apk compares such components as text.
            return .bytes(a.text, b.text)
        case .initialDigits, .digits, .suffixNumber, .revision:
            return DecimalDigits.compare(a.text, b.text)
        case .suffix:
            return ComparisonResult(a.suffix, b.suffix)
        case .letter, .commitHash, .end:
            return .bytes(a.text, b.text)
        }
    }
}
