import Foundation

/// Base64url (RFC 4648 §5), as JWS and our robot secrets use: unpadded unless asked otherwise.
public enum Base64URL {
    public static func encode(_ bytes: some Sequence<UInt8>, padded: Bool = false) -> String {
        Base64.encode(bytes, padded: padded)
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
    }

    /// `nil` for anything but the URL-safe alphabet with the padding `padding` allows (none by default).
    public static func decode(_ text: some StringProtocol, padding: Base64Padding = .forbidden) -> [UInt8]? {
        Base64Decoding.decode(text, alphabet: .url, padding: padding)
    }
}
