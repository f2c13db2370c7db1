import Foundation

extension ComparisonResult {
    /// Every ordering here compares field after field, the first difference deciding: this reads that way.
    func then(_ next: @autoclosure () -> ComparisonResult) -> ComparisonResult {
        self == .orderedSame ? next() : self
    }

    init<Value: Comparable>(_ a: Value, _ b: Value) {
        self = a < b ? .orderedAscending : a > b ? .orderedDescending : .orderedSame
    }

    /// Byte-wise, a proper prefix first: strcmp's order, and the ASCII order SemVer and PEP 440 ask for.
    static func bytes<Bytes: Collection<UInt8>>(_ a: Bytes, _ b: Bytes) -> ComparisonResult {
        if a.lexicographicallyPrecedes(b) { return .orderedAscending }
        if b.lexicographicallyPrecedes(a) { return .orderedDescending }
        return .orderedSame
    }
}
