import Crypto

/// A private key block being read: its BEGIN line matched, its END line not yet seen. The block is hashed as it
/// streams past, so its fingerprint covers the whole key without the key ever being held.
struct PrivateKeyBlock {
    let pattern: SecretPattern
    /// The index of its finding, whose fingerprint is filled in when the block closes.
    let finding: Int
    var hasher = SHA256()
    /// The file offset of the first byte not hashed yet.
    var next: Int64

    init(pattern: SecretPattern, finding: Int, next: Int64) {
        self.pattern = pattern
        self.finding = finding
        self.next = next
    }

    /// Hashes the file's bytes from `next` up to `end`, taking them from the open line's carry and the current block.
    mutating func hash(through end: Int64, carry: [UInt8], carryStart: Int64, block: UnsafeRawBufferPointer?, blockStart: Int64) {
        guard end > next else { return }
        let carryEnd = carryStart + Int64(carry.count)
        if next < carryEnd {
            let from = Int(max(next, carryStart) - carryStart), to = Int(min(end, carryEnd) - carryStart)
            if from < to { carry[from..<to].withUnsafeBytes { hasher.update(bufferPointer: $0) } }
        }
        if let block, end > blockStart {
            let from = Int(max(next, blockStart) - blockStart), to = Int(min(end - blockStart, Int64(block.count)))
            if from < to { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: block[from..<to])) }
        }
        next = end
    }
}
