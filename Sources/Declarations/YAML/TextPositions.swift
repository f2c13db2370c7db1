/// Line starts of a UTF-8 buffer, counting line breaks the way libyaml does
/// (CRLF, CR, LF, NEL, LS, PS), to turn byte offsets into line:column.
struct LineTable {
    /// Byte offset of the first byte of each line (line 0 starts at 0).
    let starts: [Int]

    init(_ bytes: UnsafeBufferPointer<UInt8>) {
        var starts = [0]
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b == 0x0A {
                starts.append(i + 1)
                i += 1
            } else if b == 0x0D {
                i += (i + 1 < n && bytes[i + 1] == 0x0A) ? 2 : 1
                starts.append(i)
            } else if b == 0xC2, i + 1 < n, bytes[i + 1] == 0x85 {
                i += 2
                starts.append(i)
            } else if b == 0xE2, i + 2 < n, bytes[i + 1] == 0x80,
                      bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9 {
                i += 3
                starts.append(i)
            } else {
                i += 1
            }
        }
        self.starts = starts
    }

    /// 0-based line containing a byte offset.
    func line(ofByte offset: Int) -> Int {
        var lo = 0
        var hi = starts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if starts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// 1-based line and column (columns count characters, not bytes).
    func position(ofByte offset: Int, in bytes: UnsafeBufferPointer<UInt8>) -> (line: Int, column: Int) {
        let line = line(ofByte: offset)
        var column = 1
        var i = starts[line]
        while i < offset && i < bytes.count {
            // Count only lead bytes, so a multi-byte character is one column.
            if bytes[i] & 0xC0 != 0x80 { column += 1 }
            i += 1
        }
        return (line + 1, column)
    }

    /// True when line `line` (0-based) starts with a document marker `---`
    /// followed by a blank or the end of the line.
    func isDocumentStart(line: Int, in bytes: UnsafeBufferPointer<UInt8>) -> Bool {
        let s = starts[line]
        guard s + 3 <= bytes.count,
              bytes[s] == 0x2D, bytes[s + 1] == 0x2D, bytes[s + 2] == 0x2D else { return false }
        if s + 3 == bytes.count { return true }
        let next = bytes[s + 3]
        return next == 0x20 || next == 0x09 || next == 0x0A || next == 0x0D
    }
}

/// Validates UTF-8 and reports the byte offset of the first invalid sequence.
enum UTF8Check {
    enum Problem {
        case invalid(offset: Int, byte: UInt8)
        case nul(offset: Int)
    }

    static func firstProblem(in bytes: UnsafeBufferPointer<UInt8>) -> Problem? {
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            if b < 0x80 {
                if b == 0 { return .nul(offset: i) }
                i += 1
                continue
            }
            let need: Int
            var lowerBound: UInt8 = 0x80
            var upperBound: UInt8 = 0xBF
            switch b {
            case 0xC2...0xDF: need = 1
            case 0xE0: need = 2; lowerBound = 0xA0
            case 0xE1...0xEC, 0xEE, 0xEF: need = 2
            case 0xED: need = 2; upperBound = 0x9F
            case 0xF0: need = 3; lowerBound = 0x90
            case 0xF1...0xF3: need = 3
            case 0xF4: need = 3; upperBound = 0x8F
            default: return .invalid(offset: i, byte: b)
            }
            guard i + need < n else { return .invalid(offset: i, byte: b) }
            let second = bytes[i + 1]
            if second < lowerBound || second > upperBound { return .invalid(offset: i, byte: b) }
            var k = 2
            while k <= need {
                if bytes[i + k] & 0xC0 != 0x80 { return .invalid(offset: i, byte: b) }
                k += 1
            }
            i += need + 1
        }
        return nil
    }
}
