/// Comparison whose running time does not depend on where two secrets first differ, so a
/// remote caller cannot find a matching digest byte by byte from response times.
public enum ConstantTime {
    /// Equal length and equal bytes. Time depends only on the longer length: every byte
    /// position up to it is visited, and a length difference is folded into the result
    /// instead of returning early.
    public static func equals(_ lhs: some Collection<UInt8>, _ rhs: some Collection<UInt8>) -> Bool {
        let left = Array(lhs)
        let right = Array(rhs)
        var difference = UInt64(truncatingIfNeeded: left.count ^ right.count)
        for index in 0..<max(left.count, right.count) {
            let a = index < left.count ? left[index] : 0
            let b = index < right.count ? right[index] : 0
            difference |= UInt64(a ^ b)
        }
        return difference == 0
    }

    public static func equals(_ lhs: String, _ rhs: String) -> Bool {
        equals(lhs.utf8, rhs.utf8)
    }
}
