/// Bech32 (BIP 173, original checksum constant 1 — not Bech32m) decoding, as used by age recipients.
///
/// age does not apply BIP 173's 90-character limit, so neither do we.
enum Bech32 {
    private static let charset = Array("qpzry9x8gf2tvdw0s3jn54khce6mua7l".utf8)
    private static let generator: [UInt32] = [0x3b6a_57b2, 0x2650_8e6d, 0x1ea1_19fa, 0x3d42_33dd, 0x2a14_62b3]

    /// Decodes `text` into its human-readable part and 8-bit payload.
    static func decode(_ text: String) -> Result<(hrp: String, data: [UInt8]), DecodeFailure> {
        // Mixed case is forbidden; all-uppercase is a valid spelling of the lowercase form.
        guard text.lowercased() == text || text.uppercased() == text else { return .failure(.mixedCase) }
        let chars = Array(text.lowercased().utf8)
        guard let separator = chars.lastIndex(of: UInt8(ascii: "1")), separator > 0 else {
            return .failure(.missingSeparator)
        }
        let hrp = Array(chars[..<separator])
        guard hrp.allSatisfy({ (33...126).contains($0) }) else { return .failure(.invalidCharacter) }
        var values: [UInt8] = []
        for char in chars[(separator + 1)...] {
            guard let value = charset.firstIndex(of: char) else { return .failure(.invalidCharacter) }
            values.append(UInt8(value))
        }
        guard values.count >= 6 else { return .failure(.tooShort) }
        guard polymod(expand(hrp) + values) == 1 else { return .failure(.badChecksum) }
        guard let data = regroup(values.dropLast(6)) else { return .failure(.badPadding) }
        return .success((String(decoding: hrp, as: UTF8.self), data))
    }

    enum DecodeFailure: Error {
        case mixedCase, missingSeparator, invalidCharacter, tooShort, badChecksum, badPadding

        var reason: String {
            switch self {
            case .mixedCase: return "bech32 text mixes upper and lower case"
            case .missingSeparator: return "bech32 text has no '1' separator after the prefix"
            case .invalidCharacter: return "bech32 text contains a character outside the bech32 alphabet"
            case .tooShort: return "bech32 text is too short to hold a checksum"
            case .badChecksum: return "bech32 checksum does not match (typo or truncated key?)"
            case .badPadding: return "bech32 data has invalid padding bits"
            }
        }
    }

    private static func polymod(_ values: [UInt8]) -> UInt32 {
        var checksum: UInt32 = 1
        for value in values {
            let top = checksum >> 25
            checksum = (checksum & 0x1ff_ffff) << 5 ^ UInt32(value)
            for (bit, g) in generator.enumerated() where (top >> bit) & 1 == 1 {
                checksum ^= g
            }
        }
        return checksum
    }

    private static func expand(_ hrp: [UInt8]) -> [UInt8] {
        hrp.map { $0 >> 5 } + [0] + hrp.map { $0 & 31 }
    }

    /// Regroups 5-bit values into bytes; leftover bits must be fewer than 5 and all zero.
    private static func regroup(_ values: ArraySlice<UInt8>) -> [UInt8]? {
        var accumulator: UInt32 = 0
        var bits = 0
        var out: [UInt8] = []
        for value in values {
            accumulator = accumulator << 5 | UInt32(value)
            bits += 5
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
            }
        }
        guard bits < 5, accumulator & ((1 << UInt32(bits)) - 1) == 0 else { return nil }
        return out
    }
}
