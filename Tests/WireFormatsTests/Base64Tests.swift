import Foundation
import TestSupport
import Testing
import WireFormats

@Suite struct Base64Tests {
    /// Texts close to valid base64: the alphabet of both variants, padding, and a stray space.
    static func nearlyBase64(using generator: inout SplitMix64) -> String {
        let characters = Array("ABCabc019+/-_=  ")
        let length = Int.random(in: 0...12, using: &generator)
        return String((0..<length).map { _ in characters.randomElement(using: &generator)! })
    }

    /// The decoder replaced a strict one in CommitSigning and `Data(base64Encoded:)` behind base64url in Access:
    /// whatever it reads, Foundation reads the same way, and Foundation reads more only where RFC 4648 says no.
    @Test func agreesWithFoundationOnEveryValidText() {
        var generator = SplitMix64(seed: 0xB64)
        for _ in 0..<20_000 {
            let text = Self.nearlyBase64(using: &generator)
            let foundation = Data(base64Encoded: text).map(Array.init)
            if let strict = Base64.decode(text) {
                #expect(strict == foundation, "\(text.debugDescription)")
            } else if foundation != nil {
                // Foundation read it, so the padding must be what RFC 4648 refuses: data after it, or the wrong amount.
                let data = text.reversed().drop { $0 == "=" }
                let padding = text.count - data.count
                #expect(data.contains("=") || padding != (4 - data.count % 4) % 4, "\(text.debugDescription)")
            }
        }
    }

    /// Access's base64url decoder checked the alphabet and the length, then padded the text for Foundation.
    @Test func base64URLAgreesWithTheFoundationRoundTrip() {
        var generator = SplitMix64(seed: 0x5AFE)
        for _ in 0..<20_000 {
            let text = Self.nearlyBase64(using: &generator)
            let urlAlphabet = text.utf8.allSatisfy { $0 != UInt8(ascii: "+") && $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "=") && $0 != UInt8(ascii: " ") }
            var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
            standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
            let expected = urlAlphabet && text.count % 4 != 1 ? Data(base64Encoded: standard).map(Array.init) : nil
            #expect(Base64URL.decode(text) == expected, "\(text.debugDescription)")
        }
    }

    @Test func roundTripsEveryLengthInBothAlphabets() {
        for count in 0..<70 {
            let bytes = randomBytes(count)
            #expect(Base64.decode(Base64.encode(bytes)) == bytes)
            #expect(Base64.decode(Base64.encode(bytes, padded: false), padding: .forbidden) == bytes)
            #expect(Base64URL.decode(Base64URL.encode(bytes)) == bytes)
            #expect(Base64URL.decode(Base64URL.encode(bytes, padded: true), padding: .required) == bytes)
            #expect(!Base64URL.encode(bytes).contains { "+/=".contains($0) })
        }
    }

    @Test func eachVariantRefusesTheOthersAlphabetAndPadding() {
        #expect(Base64URL.decode("-_8") == [0xfb, 0xff])
        #expect(Base64.decode("+/8=") == [0xfb, 0xff])
        #expect(Base64URL.decode("+/8") == nil)
        #expect(Base64.decode("-_8=") == nil)
        #expect(Base64URL.decode("-_8=") == nil, "padding is refused unless asked for")
        #expect(Base64.decode("+/8") == nil, "padding is required unless said otherwise")
        #expect(Base64.decode("QQ=") == nil, "part of the padding is not enough")
        #expect(Base64.decode("QQ=A") == nil && Base64.decode("QUJD====") == nil, "nothing after the padding")
    }

    /// HTTP Basic credentials: some clients drop the padding, none sends half of it.
    @Test func optionalPaddingTakesAllOrNone() {
        #expect(Base64.decode("YTpi", padding: .optional) == Array("a:b".utf8))
        #expect(Base64.decode("YTpiYw==", padding: .optional) == Array("a:bc".utf8))
        #expect(Base64.decode("YTpiYw", padding: .optional) == Array("a:bc".utf8))
        #expect(Base64.decode("YTpiYw=", padding: .optional) == nil)
        #expect(Base64.decode("YTpi=", padding: .optional) == nil)
    }
}
