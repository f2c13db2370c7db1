import Foundation
import Vulnerabilities

/// A test-only ordering: versions are dot-separated non-negative integers ("1.2.10" > "1.2.9"), missing components
/// count as zero, and anything else is invalid. Enough to exercise range evaluation without a real ecosystem.
struct DottedIntegerOrdering: VersionOrdering {
    func compare(_ a: String, _ b: String) -> ComparisonResult? {
        guard let left = Self.components(a), let right = Self.components(b) else { return nil }
        for index in 0..<max(left.count, right.count) {
            let l = index < left.count ? left[index] : 0
            let r = index < right.count ? right[index] : 0
            if l != r { return l < r ? .orderedAscending : .orderedDescending }
        }
        return .orderedSame
    }

    private static func components(_ version: String) -> [Int]? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        var numbers: [Int] = []
        for part in parts {
            guard !part.isEmpty, part.allSatisfy({ $0.isASCII && $0.isNumber }), let number = Int(part) else { return nil }
            numbers.append(number)
        }
        return numbers
    }
}
