import Foundation

/// Standard base64 (RFC 4648 §4), as SSH keys, signatures, age files and HTTP Basic credentials use.
public enum Base64 {
    /// `padded: false` drops the trailing `=`, as age headers and OpenSSH fingerprints want.
    public static func encode(_ bytes: some Sequence<UInt8>, padded: Bool = true) -> String {
        let encoded = Data(bytes).base64EncodedString()
        return padded ? encoded : String(encoded.prefix { $0 != "=" })
    }

    /// `nil` for anything but the standard alphabet with the padding `padding` allows.
    public static func decode(_ text: some StringProtocol, padding: Base64Padding = .required) -> [UInt8]? {
        Base64Decoding.decode(text, alphabet: .standard, padding: padding)
    }
}
