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

extension KeywordAutomatonTests {
    /// Long blocks run as two interleaved passes: keywords at, just before and just after the middle, and straddling
    /// it, are each found once and in order, as by a search for every keyword at every offset.
    @Test func findsEveryKeywordInLongBlocksAsANaiveSearchDoes() {
        let keywords = [["token", "secret"], ["hooks.slack.com"], ["pwd", "passwd"]]
        // Deterministic filler, then keywords planted at fixed, spread-out offsets, some of them around the middle.
        var seed: UInt64 = 1
        func next(_ bound: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % bound
        }
        let alphabet = Array("abcdefghijklmnopqrstuvwxyz .\n".utf8)
        var bytes = (0..<5000).map { _ in alphabet[next(alphabet.count)] }
        let words = ["token", "SECRET", "hooks.slack.com", "passwd", "pwd", "tokensecret"]
        for (index, at) in ([2490, 2495, 2498, 2500, 2503] + (0..<100).map { _ in next(4980) }).enumerated() {
            let word = Array(words[index % words.count].utf8)
            bytes.replaceSubrange(at..<at + word.count, with: word)
        }
        let text = String(decoding: bytes, as: UTF8.self)
        let lowered = Array(text.lowercased().utf8)
        var expected: [(Int, [Int])] = []
        for end in lowered.indices {
            let patterns = keywords.indices.filter { pattern in
                keywords[pattern].contains { word in
                    let word = Array(word.utf8)
                    return end + 1 >= word.count && Array(lowered[end + 1 - word.count...end]) == word
                }
            }
            if !patterns.isEmpty { expected.append((end, patterns)) }
        }
        for blockSize in [1, 31, 32, 33, 100, 2499, 2500, 5000] {
            let found = hits(text, keywords: keywords, blockSize: blockSize)
            #expect(found.map(\.0) == expected.map(\.0), "block size \(blockSize)")
            #expect(found.map(\.1) == expected.map(\.1), "block size \(blockSize)")
        }
    }
}
