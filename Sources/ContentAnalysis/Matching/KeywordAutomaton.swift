/// The keyword prefilter: an Aho-Corasick automaton compiled to a full DFA over bytes, ASCII-case-insensitive, that
/// finds every occurrence of every keyword in one pass with one table load per byte.
///
/// Hand-written because the pass must run over every byte of every text file at decompression speed, and no kept
/// library does it: Hyperscan (Debian's libhyperscan) is not installed, and NSRegularExpression per block is orders of
/// magnitude slower. The table is flat (`states × 256` Int32) and holds states pre-shifted (`state << 8`), so the next
/// index is one OR away; a negative entry `~(next << 8)` marks a transition into a state where at least one keyword
/// ends, so the hot loop has a single, rarely taken branch.
///
/// Each byte's load depends on the one before, so a single pass is bound by load latency, not bandwidth. A long block
/// is therefore run as two interleaved passes over its halves; the second starts `longestKeyword` bytes early from
/// the root, which is enough for its state to agree with the first pass's by the middle (a state is the longest
/// suffix of the input that is a keyword prefix, never longer than a keyword).
struct KeywordAutomaton: Sendable {
    /// `transitions[state << 8 | byte]`: the next state shifted left by 8, or its complement when that state ends a
    /// keyword.
    private let transitions: [Int32]
    /// Bytes of the longest keyword: how far back a pass must start to know the state at a given byte.
    private let longestKeyword: Int
    /// For each state, the indices of the patterns whose keywords end there (through the failure links too).
    let patternsEndingAt: [[Int]]

    /// Where a keyword ends in a block: the index of its last byte, and the state that says which patterns it gates.
    struct Hit: Sendable {
        var position: Int
        var state: Int32
    }

    /// `keywords[i]` lists pattern i's keywords.
    init(keywords: [[String]]) {
        var children: [[UInt8: Int32]] = [[:]]
        var outputs: [Set<Int>] = [[]]
        for (pattern, words) in keywords.enumerated() {
            for word in words {
                var state = 0
                for byte in word.utf8 {
                    let lowered = Self.lowercase(byte)
                    if let next = children[state][lowered] {
                        state = Int(next)
                    } else {
                        children.append([:])
                        outputs.append([])
                        children[state][lowered] = Int32(children.count - 1)
                        state = children.count - 1
                    }
                }
                outputs[state].insert(pattern)
            }
        }
        // Breadth-first, so a state's failure target is complete before the state itself.
        let count = children.count
        var table = [Int32](repeating: 0, count: count << 8)
        var failure = [Int](repeating: 0, count: count)
        var queue: [Int] = []
        for byte in 0..<256 {
            if let child = children[0][UInt8(byte)] {
                table[byte] = child
                queue.append(Int(child))
            }
        }
        var head = 0
        while head < queue.count {
            let state = queue[head]
            head += 1
            outputs[state].formUnion(outputs[failure[state]])
            for byte in 0..<256 {
                if let child = children[state][UInt8(byte)] {
                    failure[Int(child)] = Int(table[failure[state] << 8 | byte])
                    table[state << 8 | byte] = child
                    queue.append(Int(child))
                } else {
                    table[state << 8 | byte] = table[failure[state] << 8 | byte]
                }
            }
        }
        // Upper-case letters move exactly as their lower-case forms.
        for state in 0..<count {
            for byte in UInt8(ascii: "A")...UInt8(ascii: "Z") {
                table[state << 8 | Int(byte)] = table[state << 8 | Int(byte | 0x20)]
            }
        }
        for index in table.indices {
            let next = table[index]
            table[index] = outputs[Int(next)].isEmpty ? next << 8 : ~(next << 8)
        }
        transitions = table
        longestKeyword = keywords.joined().map(\.utf8.count).max() ?? 0
        patternsEndingAt = outputs.map { $0.sorted() }
    }

    /// Runs the automaton over `bytes` from `state` (carried between blocks, so keywords may straddle them), appending
    /// every keyword end to `hits`, in order.
    func scan(_ bytes: UnsafeRawBufferPointer, state: inout Int32, hits: inout [Hit]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = bytes.count
        transitions.withUnsafeBufferPointer { table in
            guard let table = table.baseAddress else { return }
            let middle = count / 2
            guard middle > longestKeyword else {
                state = Int32(Self.pass(table, base, 0..<count, from: Int(state) << 8, hitsFrom: 0, into: &hits) >> 8)
                return
            }
            // The second half's pass, from the root `longestKeyword` bytes early, keeps only its hits from the middle.
            var first = Int(state) << 8, second = 0
            var secondHits: [Hit] = []
            var index = 0, other = middle - longestKeyword
            while index < middle {
                let next = table[first | Int(base[index])]
                let otherNext = table[second | Int(base[other])]
                if next < 0 {
                    first = Int(~next)
                    hits.append(Hit(position: index, state: Int32(first >> 8)))
                } else {
                    first = Int(next)
                }
                if otherNext < 0 {
                    second = Int(~otherNext)
                    if other >= middle { secondHits.append(Hit(position: other, state: Int32(second >> 8))) }
                } else {
                    second = Int(otherNext)
                }
                index &+= 1
                other &+= 1
            }
            second = Self.pass(table, base, other..<count, from: second, hitsFrom: middle, into: &secondHits)
            hits += secondHits
            state = Int32(second >> 8)
        }
    }

    /// One pass over `base[range]` from the pre-shifted state `current`, appending the hits at or after `hitsFrom`;
    /// returns the pre-shifted state at the end.
    private static func pass(_ table: UnsafePointer<Int32>, _ base: UnsafePointer<UInt8>, _ range: Range<Int>,
                             from current: Int, hitsFrom: Int, into hits: inout [Hit]) -> Int {
        var current = current
        var index = range.lowerBound
        while index < range.upperBound {
            let next = table[current | Int(base[index])]
            if next < 0 {
                current = Int(~next)
                if index >= hitsFrom { hits.append(Hit(position: index, state: Int32(current >> 8))) }
            } else {
                current = Int(next)
            }
            index &+= 1
        }
        return current
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
