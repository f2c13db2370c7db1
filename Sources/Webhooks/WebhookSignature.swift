import Crypto
import WireFormats

/// `X-Berth-Signature`: `sha256=` and the lower-case hex HMAC-SHA256 of the exact body bytes under the webhook's secret,
/// so a receiver can tell a delivery came from whoever holds the secret and was not altered (spec/webhooks.md).
public enum WebhookSignature {
    public static let header = "X-Berth-Signature"

    public static func value(for body: [UInt8], secret: [UInt8]) -> String {
        Hex.string(HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: secret)), prefix: "sha256=")
    }
}
