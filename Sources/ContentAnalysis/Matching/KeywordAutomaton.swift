/// The keyword prefilter: an Aho-Corasick automaton compiled to a full DFA over bytes, ASCII-case-insensitive, that
/// finds every occurrence of every keyword in one pass with one table load per byte.
///
/// Hand-written because the pass must run over every byte of every text file at decompression speed, and no kept
/// library does it: Hyperscan (Debian's libhyperscan) is not installed, and NSRegularExpression per block is orders of
/// magnitude slower. The table is flat (`states × 256` Int32); a negative entry `~next` marks a transition into a
/// state where at least one keyword ends, so the hot loop has a single, rarely taken branch.
struct KeywordAutomaton: Sendable {
    /// `transitions[state << 8 | byte]`: the next state, or its complement when that state ends a keyword.
    private let transitions: [Int32]
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
        for index in table.indices where !outputs[Int(table[index])].isEmpty {
            table[index] = ~table[index]
        }
        transitions = table
        patternsEndingAt = outputs.map { $0.sorted() }
    }

    /// Runs the automaton over `bytes` from `state` (carried between blocks, so keywords may straddle them), appending
    /// every keyword end to `hits`.
    func scan(_ bytes: UnsafeRawBufferPointer, state: inout Int32, hits: inout [Hit]) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        let count = bytes.count
        var current = Int(state)
        transitions.withUnsafeBufferPointer { table in
            guard let table = table.baseAddress else { return }
            var index = 0
            while index < count {
                let next = table[current &<< 8 | Int(base[index])]
                if next < 0 {
                    current = Int(~next)
                    hits.append(Hit(position: index, state: Int32(current)))
                } else {
                    current = Int(next)
                }
                index &+= 1
            }
        }
        state = Int32(current)
    }

    private static func lowercase(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }
}
