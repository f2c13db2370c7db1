import Crypto

/// `X-Berth-Signature`: `sha256=` and the lower-case hex HMAC-SHA256 of the exact body bytes under the webhook's secret,
/// so a receiver can tell a delivery came from whoever holds the secret and was not altered (spec/webhooks.md).
public enum WebhookSignature {
    public static let header = "X-Berth-Signature"

    private static let digits = Array("0123456789abcdef".utf8)

    public static func value(for body: [UInt8], secret: [UInt8]) -> String {
        var text = Array("sha256=".utf8)
        for byte in HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)) {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0xF)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}
