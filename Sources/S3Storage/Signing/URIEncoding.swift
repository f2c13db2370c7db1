import WireFormats

/// Percent-encoding as SigV4 and S3 want it (RFC 3986 unreserved characters kept, everything else as `%XX` with
/// upper-case hex over UTF-8). Hand-written: Foundation's `addingPercentEncoding` keeps characters S3 requires encoded.
enum URIEncoding {
    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"):
            true
        default:
            false
        }
    }

    /// One query name or value, or (with `keepingSlashes`) an object path: S3 encodes each segment once and keeps the
    /// slashes between them.
    static func encode(_ text: String, keepingSlashes: Bool = false) -> String {
        var out: [UInt8] = []
        out.reserveCapacity(text.utf8.count)
        for byte in text.utf8 {
            if isUnreserved(byte) || (keepingSlashes && byte == UInt8(ascii: "/")) {
                out.append(byte)
            } else {
                out.append(UInt8(ascii: "%"))
                // The hex writer is lower-case; SigV4 wants upper-case digits.
                for digit in Hex.string(CollectionOfOne(byte)).utf8 {
                    out.append(digit >= UInt8(ascii: "a") ? digit - 32 : digit)
                }
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}
