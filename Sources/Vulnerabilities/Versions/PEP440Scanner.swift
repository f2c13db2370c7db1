/// A cursor over a lowercased PEP 440 version for `PEP440Version`'s reader.
struct PEP440Scanner {
    private var rest: ArraySlice<UInt8>

    init(_ bytes: ArraySlice<UInt8>) { rest = bytes }

    var isAtEnd: Bool { rest.isEmpty }

    /// Takes `literal` if the text goes on with it.
    mutating func take(_ literal: String) -> Bool {
        guard rest.starts(with: literal.utf8) else { return false }
        rest.removeFirst(literal.utf8.count)
        return true
    }

    /// One of the separators PEP 440 allows around labels and between local segments, if there is one.
    @discardableResult
    mutating func separator() -> Bool {
        guard let next = rest.first, [UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: ".")].contains(next) else { return false }
        rest.removeFirst()
        return true
    }

    mutating func digits() -> ArraySlice<UInt8>? {
        let digits = rest.prefix(while: DecimalDigits.isDigit)
        rest.removeFirst(digits.count)
        return digits.isEmpty ? nil : digits
    }

    /// The number after a label, after an optional separator; empty, so zero, when there is none (`1.0a` is `1.0a0`).
    /// The separator stays taken without a number, as PEP 440's regular expression takes it: `1.0a-` is `1.0a0`.
    mutating func optionalNumber() -> ArraySlice<UInt8> {
        separator()
        return digits() ?? []
    }

    mutating func alphanumerics() -> ArraySlice<UInt8> {
        let run = rest.prefix(while: ASCIIText.isAlphanumeric)
        rest.removeFirst(run.count)
        return run
    }

    /// Runs `read`, and puts the cursor back where it was when it finds nothing: every part after the release is optional.
    mutating func attempt<Part>(_ read: (inout PEP440Scanner) -> Part?) -> Part? {
        var trial = self
        guard let part = read(&trial) else { return nil }
        self = trial
        return part
    }
}
