import Crypto
import Foundation
import WireFormats

/// Matches one file's bytes, block by block, as they stream out of the archive: the keyword automaton over every
/// byte, and a pattern's regular expression only on a line where one of its keywords occurred.
///
/// Blocks come in any size and lines cross them, so the matcher keeps the open line (the bytes after the last line
/// feed) as `carry`, capped at `carryLimit` bytes keeping its tail, and the automaton's state. Line feeds are counted
/// only up to a hit within a block; a whole block is counted only when the file goes on past it, since a later hit's
/// line number needs it and the block is gone by then.
struct FileMatcher {
    static let carryLimit = 8 << 10

    let matcher: SecretMatcher
    let path: String
    private let active: [Bool]
    private(set) var findings: [SecretFinding] = []
    /// A NUL byte in the first `BinarySniff.length` bytes: the file is binary, and nothing of it is reported.
    var isBinary: Bool { sniff.isBinary }

    private var sniff = BinarySniff()
    private var state: Int32 = 0
    /// The file offset of the current block's first byte.
    private var blockStart: Int64 = 0
    /// The open line's bytes before `blockStart`, and the file offset of `carry[0]`.
    private var carry: [UInt8] = []
    private var carryStart: Int64 = 0
    private var newlinesBeforeBlock = 0
    /// Patterns whose keywords occurred on the open line, which has not ended yet, and that line's number.
    private var pending: Set<Int>?
    private var pendingLine = 0
    /// The file offset of the open line's last keyword hit.
    private var lastHit: Int64 = 0
    /// Everything up to here has been matched against every pattern (a long line matched before its end).
    private var matchedThrough: Int64 = 0
    private var privateKey: PrivateKeyBlock?
    private var hits: [KeywordAutomaton.Hit] = []

    init(matcher: SecretMatcher, path: String) {
        self.matcher = matcher
        self.path = path
        active = matcher.activePatterns(for: path)
    }

    /// Matches the next block. `more` says whether the file may go on after it.
    mutating func feed(_ block: UnsafeRawBufferPointer, more: Bool) {
        guard !isBinary, let base = block.baseAddress?.assumingMemoryBound(to: UInt8.self), block.count > 0 else { return }
        let count = block.count
        if sniff.look(at: base, count: count) { return }
        hits.removeAll(keepingCapacity: true)
        matcher.automaton.scan(block, state: &state, hits: &hits)

        let lines = BlockLines(base: base, count: count)
        let firstFeed = lines.next(from: 0)
        var index = 0
        // The open line from earlier blocks: it ends at the block's first line feed, if any.
        var open = pending ?? []
        while index < hits.count, hits[index].position < (firstFeed ?? count) {
            open.formUnion(matcher.automaton.patternsEndingAt[Int(hits[index].state)])
            index += 1
        }
        if !open.isEmpty {
            let line = pending == nil ? newlinesBeforeBlock + 1 : pendingLine
            if let firstFeed {
                let bytes = carry + UnsafeBufferPointer(start: base, count: firstFeed)
                evaluate(bytes, start: carryStart, line: line, patterns: open, block: block)
                pending = nil
            } else {
                pending = open
                pendingLine = line
                if index > 0 { lastHit = blockStart + Int64(hits[index - 1].position) }
            }
        }
        // Lines that start in this block.
        var counter = NewlineCounter()
        while index < hits.count {
            let position = hits[index].position
            let lineStart = lines.previous(before: position).map { $0 + 1 } ?? 0
            let lineEnd = lines.next(from: position)
            var patterns = Set<Int>()
            while index < hits.count, hits[index].position < (lineEnd ?? count) {
                patterns.formUnion(matcher.automaton.patternsEndingAt[Int(hits[index].state)])
                index += 1
            }
            let line = newlinesBeforeBlock + counter.count(base, through: lineStart) + 1
            if let lineEnd {
                let bytes = Array(UnsafeBufferPointer(start: base + lineStart, count: lineEnd - lineStart))
                evaluate(bytes, start: blockStart + Int64(lineStart), line: line, patterns: patterns, block: block)
            } else {
                pending = patterns
                pendingLine = line
                lastHit = blockStart + Int64(hits[index - 1].position)
            }
        }
        privateKey?.hash(through: blockStart + Int64(count), carry: carry, carryStart: carryStart, block: block, blockStart: blockStart)
        if more { newlinesBeforeBlock += counter.count(base, through: count) }
        carryOpenLine(block, lines: lines)
        blockStart += Int64(count)
    }

    /// Ends the file: matches the last line if a keyword was on it and closes an unterminated private key block.
    mutating func finish() {
        guard !isBinary else { return }
        if let patterns = pending {
            evaluate(carry, start: carryStart, line: pendingLine, patterns: patterns, block: nil)
            pending = nil
        }
        if let open = privateKey { close(open) }
    }

    /// Keeps the bytes after the block's last line feed (joined to the carry when the block has none) as the open
    /// line, at most `carryLimit` of them. When the open line's last keyword would drop out of the carry, the line is
    /// matched now, as far as it goes, so a match up to 8 KiB past its keyword is still seen whole.
    private mutating func carryOpenLine(_ block: UnsafeRawBufferPointer, lines: BlockLines) {
        let count = block.count
        let tailStart = lines.previous(before: count).map { $0 + 1 }
        let blockEnd = blockStart + Int64(count)
        let keptStart = tailStart.map { max(blockStart + Int64($0), blockEnd - Int64(Self.carryLimit)) }
            ?? max(carryStart, blockEnd - Int64(Self.carryLimit))
        if let patterns = pending, lastHit < keptStart {
            if let tailStart {
                evaluate(Array(block[tailStart...]), start: blockStart + Int64(tailStart), line: pendingLine, patterns: patterns, block: block)
            } else {
                evaluate(carry + block, start: carryStart, line: pendingLine, patterns: patterns, block: block)
            }
            pending = nil
        }
        if keptStart >= blockStart {
            carry = Array(block[Int(keptStart - blockStart)...])
        } else {
            carry.removeFirst(Int(keptStart - carryStart))
            carry.append(contentsOf: block)
        }
        carryStart = keptStart
    }

    /// Matches `patterns` on one line (or the part of a long line kept), whose first byte is at file offset `start`.
    private mutating func evaluate(_ bytes: [UInt8], start: Int64, line: Int, patterns: Set<Int>, block: UnsafeRawBufferPointer?) {
        // Each byte must be one UTF-16 unit, so the regular expression's ranges are byte offsets: ASCII lines (the
        // common case) decode fast as UTF-8, others as Latin-1.
        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        guard let text = isASCII ? String(decoding: bytes, as: UTF8.self) : String(bytes: bytes, encoding: .isoLatin1) else { return }
        let whole = NSRange(location: 0, length: bytes.count)
        if let open = privateKey, let end = open.pattern.blockEnd?.firstMatch(in: text, range: whole) {
            privateKey?.hash(through: start + Int64(end.range.upperBound), carry: carry, carryStart: carryStart,
                             block: block, blockStart: blockStart)
            close(privateKey!)
        }
        var claimed: [Range<Int>] = []
        for index in patterns.sorted() where active[index] {
            let pattern = matcher.patterns[index]
            for match in pattern.regex.matches(in: text, range: whole) {
                let secretRange = Self.secretRange(of: match)
                let matchRange = match.range.location..<match.range.upperBound
                guard start + Int64(matchRange.upperBound) > matchedThrough,
                      !claimed.contains(where: { $0.overlaps(matchRange) }) else { continue }
                let secret = Array(bytes[secretRange])
                if Placeholder.matches(secret) { continue }
                if let minimum = pattern.minimumEntropy, shannonEntropy(secret) < minimum { continue }
                claimed.append(matchRange)
                let preview = String(decoding: secret.prefix(4), as: UTF8.self) + "…"
                if pattern.blockEnd != nil {
                    guard privateKey == nil else { continue }
                    findings.append(SecretFinding(rule: pattern.id, path: path, line: line, preview: preview, fingerprint: ""))
                    privateKey = PrivateKeyBlock(pattern: pattern, finding: findings.count - 1,
                                                 next: start + Int64(secretRange.lowerBound))
                } else {
                    findings.append(SecretFinding(rule: pattern.id, path: path, line: line, preview: preview,
                                                  fingerprint: Self.fingerprint(secret)))
                }
            }
        }
        matchedThrough = max(matchedThrough, start + Int64(bytes.count))
    }

    private mutating func close(_ open: PrivateKeyBlock) {
        findings[open.finding].fingerprint = Hex.string(open.hasher.finalize(), prefix: "sha256:")
        privateKey = nil
    }

    /// The first capture group that took part in the match, or the whole match.
    private static func secretRange(of match: NSTextCheckingResult) -> Range<Int> {
        for group in stride(from: 1, to: match.numberOfRanges, by: 1) {
            let range = match.range(at: group)
            if range.location != NSNotFound { return range.location..<range.upperBound }
        }
        return match.range.location..<match.range.upperBound
    }

    static func fingerprint(_ bytes: [UInt8]) -> String {
        Hex.string(SHA256.hash(data: bytes), prefix: "sha256:")
    }
}
