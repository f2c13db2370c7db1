import Foundation
import TestSupport
import Testing
import Vulnerabilities

/// Checks a table of versions listed from least to greatest against an ordering.
enum OrderingExpectations {
    /// Every pair in the order listed, both ways round, and every version equal to itself: antisymmetry over the table,
    /// and, as the table is one chain, transitivity too.
    static func expectAscending(_ chain: [String], by ordering: some VersionOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        for (index, lesser) in chain.enumerated() {
            #expect(ordering.compare(lesser, lesser) == .orderedSame, "\(lesser)", sourceLocation: sourceLocation)
            for greater in chain[(index + 1)...] {
                #expect(ordering.compare(lesser, greater) == .orderedAscending, "\(lesser) < \(greater)", sourceLocation: sourceLocation)
                #expect(ordering.compare(greater, lesser) == .orderedDescending, "\(greater) > \(lesser)", sourceLocation: sourceLocation)
            }
        }
    }

    /// Sorting the table shuffled gives the table back, whatever the shuffle.
    static func expectSortingRestores(_ chain: [String], by ordering: some VersionOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        var generator = SplitMix64(seed: 0x5EED)
        for _ in 0..<20 {
            let sorted = chain.shuffled(using: &generator).sorted { ordering.compare($0, $1) == .orderedAscending }
            #expect(sorted == chain, sourceLocation: sourceLocation)
        }
    }

    static func expectEqual(_ pairs: [(String, String)], by ordering: some VersionOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        for (a, b) in pairs {
            #expect(ordering.compare(a, b) == .orderedSame, "\(a) == \(b)", sourceLocation: sourceLocation)
            #expect(ordering.compare(b, a) == .orderedSame, "\(b) == \(a)", sourceLocation: sourceLocation)
        }
    }

    /// An invalid version makes every comparison nil, on either side, even against itself.
    static func expectInvalid(_ versions: [String], validExample: String, by ordering: some VersionOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(ordering.compare(validExample, validExample) == .orderedSame, sourceLocation: sourceLocation)
        for version in versions {
            #expect(ordering.compare(version, validExample) == nil, "\(version.debugDescription)", sourceLocation: sourceLocation)
            #expect(ordering.compare(validExample, version) == nil, "\(version.debugDescription)", sourceLocation: sourceLocation)
            #expect(ordering.compare(version, version) == nil, "\(version.debugDescription)", sourceLocation: sourceLocation)
        }
    }

    /// Over generated versions, with no table to say the answer: every pair is antisymmetric and every triple
    /// transitive, so a sort by the ordering is well defined.
    static func expectTotalOrder(_ versions: [String], by ordering: some VersionOrdering, sourceLocation: SourceLocation = #_sourceLocation) {
        let results = versions.map { a in versions.map { b in ordering.compare(a, b) } }
        for i in versions.indices {
            for j in versions.indices {
                guard let result = results[i][j] else {
                    Issue.record("\(versions[i]) or \(versions[j]) was not read", sourceLocation: sourceLocation)
                    return
                }
                let reverse: ComparisonResult = switch result {
                case .orderedAscending: .orderedDescending
                case .orderedDescending: .orderedAscending
                case .orderedSame: .orderedSame
                }
                #expect(results[j][i] == reverse, "\(versions[i]) vs \(versions[j])", sourceLocation: sourceLocation)
                for k in versions.indices where results[j][k] == result && result != .orderedSame {
                    #expect(results[i][k] == result, "\(versions[i]), \(versions[j]), \(versions[k])", sourceLocation: sourceLocation)
                }
            }
        }
    }
}
