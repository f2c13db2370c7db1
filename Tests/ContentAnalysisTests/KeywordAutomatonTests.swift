@testable import ContentAnalysis
import Testing

@Suite struct KeywordAutomatonTests {
    func hits(_ text: String, keywords: [[String]], blockSize: Int) -> [(Int, [Int])] {
        let automaton = KeywordAutomaton(keywords: keywords)
        let bytes = Array(text.utf8)
        var state: Int32 = 0
        var found: [(Int, [Int])] = []
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + blockSize)
            var blockHits: [KeywordAutomaton.Hit] = []
            bytes[offset..<end].withUnsafeBytes { automaton.scan($0, state: &state, hits: &blockHits) }
            found += blockHits.map { (offset + $0.position, automaton.patternsEndingAt[Int($0.state)]) }
            offset = end
        }
        return found
    }

    @Test func findsOverlappingKeywordsInAnyCaseAcrossBlocks() {
        let text = "xx SHE said: hers, and HIS tokens"
        let keywords = [["he", "she"], ["hers"], ["his", "token"]]
        let expected: [(Int, [Int])] = [(5, [0]), (14, [0]), (16, [1]), (25, [2]), (31, [2])]
        for blockSize in [1, 2, 3, 7, 64] {
            let found = hits(text, keywords: keywords, blockSize: blockSize)
            #expect(found.map(\.0) == expected.map(\.0), "block size \(blockSize)")
            #expect(found.map(\.1) == expected.map(\.1), "block size \(blockSize)")
        }
    }
}
