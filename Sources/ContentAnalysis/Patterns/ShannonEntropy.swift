import Foundation

/// Shannon entropy of a byte string in bits per character: random keys score 4.5–6, words and placeholders 2–3.5.
func shannonEntropy<Bytes: Collection>(_ bytes: Bytes) -> Double where Bytes.Element == UInt8 {
    guard !bytes.isEmpty else { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for byte in bytes { counts[Int(byte)] += 1 }
    let total = Double(bytes.count)
    return counts.reduce(0.0) { sum, count in
        guard count > 0 else { return sum }
        let p = Double(count) / total
        return sum - p * log2(p)
    }
}
