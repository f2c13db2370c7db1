import Foundation
import WireFormats

/// A user name and password from an HTTP Basic `Authorization` header (RFC 7617).
public struct BasicCredentials: Sendable, Hashable {
    public var name: String
    public var password: String

    public init(name: String, password: String) {
        self.name = name
        self.password = password
    }

    /// Longest header value accepted, so a hostile header costs nothing to refuse: a 255-byte
    /// name and a 1 KiB password encode to well under this.
    public static let maximumHeaderLength = 4096

    /// `nil` unless the header is `Basic <base64(name:password)>`: the scheme in any case,
    /// standard base64, valid UTF-8, split at the first colon (a password may contain colons,
    /// a name may not), a non-empty name and no control characters (RFC 7617 forbids them).
    /// An empty password parses; verification refuses it.
    public static func parse(authorizationHeader header: String) -> BasicCredentials? {
        guard header.utf8.count <= maximumHeaderLength,
              let encoded = credentials(of: header, scheme: "basic"),
              let decoded = Base64.decode(encoded, padding: .optional),
              let text = String(validating: decoded, as: UTF8.self),
              let colon = text.firstIndex(of: ":")
        else { return nil }
        let name = String(text[..<colon])
        let password = String(text[text.index(after: colon)...])
        guard !name.isEmpty,
              !name.unicodeScalars.contains(where: isControl),
              !password.unicodeScalars.contains(where: isControl)
        else { return nil }
        return BasicCredentials(name: name, password: password)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.value < 0x20 || scalar.value == 0x7F
    }
}

/// The password must never reach a log line or a crash report through string interpolation,
/// `dump` or `Mirror`.
extension BasicCredentials: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public var description: String { "BasicCredentials(name: \(name), password: <redacted>)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["name": name, "password": "<redacted>"]) }
}

/// The token from an HTTP `Authorization: Bearer <token>` header (RFC 6750 §2.1).
public enum BearerToken {
    /// Matches ``TokenAuthority/maximumTokenLength``.
    public static let maximumLength = TokenAuthority.maximumTokenLength

    /// `nil` unless the scheme is Bearer (any case) and the rest is one token68 value.
    public static func parse(authorizationHeader header: String) -> String? {
        guard header.utf8.count <= maximumLength + 16,
              let token = credentials(of: header, scheme: "bearer"),
              isToken68(token)
        else { return nil }
        return String(token)
    }

    /// RFC 9110 token68: `[A-Za-z0-9-._~+/]+` followed by any number of `=`.
    private static func isToken68(_ text: Substring) -> Bool {
        let bytes = Array(text.utf8)
        var end = bytes.count
        while end > 0, bytes[end - 1] == UInt8(ascii: "=") { end -= 1 }
        guard end > 0 else { return false }
        return bytes[..<end].allSatisfy { byte in
            switch byte {
            case 0x61...0x7A, 0x41...0x5A, 0x30...0x39,
                 UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"),
                 UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default:
                false
            }
        }
    }
}

/// The credentials part of `<scheme> <credentials>` when the scheme matches case-insensitively
/// (RFC 9110 §11.1); surrounding whitespace is tolerated, an empty or multi-part value is not.
/// Works on UTF-8 bytes: every authenticated request passes through here.
func credentials(of header: String, scheme: String) -> Substring? {
    let utf8 = header.utf8
    func isBlank(_ byte: UInt8) -> Bool { byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
    var start = utf8.startIndex
    var end = utf8.endIndex
    while start < end, isBlank(utf8[start]) { start = utf8.index(after: start) }
    while end > start, isBlank(utf8[utf8.index(before: end)]) { end = utf8.index(before: end) }
    guard let space = utf8[start..<end].firstIndex(where: isBlank) else { return nil }
    // `scheme` is lower-case ASCII letters; OR-ing 0x20 folds only 'A'...'Z' onto them.
    guard utf8[start..<space].elementsEqual(scheme.utf8, by: { $0 | 0x20 == $1 }) else { return nil }
    var value = space
    while value < end, isBlank(utf8[value]) { value = utf8.index(after: value) }
    guard value < end, !utf8[value..<end].contains(where: isBlank) else { return nil }
    return header[value..<end]
}
