/// Lower-case hexadecimal, as digests, audit hashes and signatures are written: two digits per byte, written straight
/// into a byte buffer so that no string is made per byte.
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    public static func write(_ bytes: some Sequence<UInt8>, to out: inout [UInt8]) {
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0xF)])
        }
    }

    public static func string(_ bytes: some Sequence<UInt8>, prefix: String = "") -> String {
        var text = Array(prefix.utf8)
        text.reserveCapacity(text.count + 2 * bytes.underestimatedCount)
        write(bytes, to: &text)
        return String(decoding: text, as: UTF8.self)
    }
}
