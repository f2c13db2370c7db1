/// The one base64 decoder behind ``Base64`` and ``Base64URL``.
///
/// Strict RFC 4648: only the alphabet's 64 characters and the padding the caller asks for; no whitespace, no `=`
/// inside. Like Foundation's decoder it ignores the unused low bits of the last character, so the two agree on
/// every text this one reads; Foundation also reads some that RFC 4648 forbids (`QQ=A`, data after a `=`).
enum Base64Decoding {
    enum Alphabet {
        /// RFC 4648 §4: `+` and `/`.
        case standard
        /// RFC 4648 §5: `-` and `_`, safe in URLs and file names.
        case url

        func value(of character: UInt8) -> UInt8? {
            switch character {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): character - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): character - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+") where self == .standard, UInt8(ascii: "-") where self == .url: 62
            case UInt8(ascii: "/") where self == .standard, UInt8(ascii: "_") where self == .url: 63
            default: nil
            }
        }
    }

    static func decode(_ text: some StringProtocol, alphabet: Alphabet, padding: Base64Padding) -> [UInt8]? {
        var characters = Array(text.utf8)
        var padCount = 0
        while characters.last == UInt8(ascii: "=") {
            characters.removeLast()
            padCount += 1
        }
        // The `=` a complete text would end with: 0, 2 or 1. 3 means a lone character in the last group, which no
        // encoder writes.
        let fullPadding = (4 - characters.count % 4) % 4
        guard fullPadding != 3 else { return nil }
        switch padding {
        case .required: guard padCount == fullPadding else { return nil }
        case .forbidden: guard padCount == 0 else { return nil }
        case .optional: guard padCount == 0 || padCount == fullPadding else { return nil }
        }
        var decoded: [UInt8] = []
        decoded.reserveCapacity(characters.count / 4 * 3 + 2)
        // Six bits in per character, a byte out whenever eight are pending; fewer than eight remain after each step.
        var pending: UInt32 = 0
        var pendingBits = 0
        for character in characters {
            guard let value = alphabet.value(of: character) else { return nil }
            pending = pending << 6 | UInt32(value)
            pendingBits += 6
            if pendingBits >= 8 {
                pendingBits -= 8
                decoded.append(UInt8(truncatingIfNeeded: pending >> UInt32(pendingBits)))
            }
        }
        return decoded
    }
}
