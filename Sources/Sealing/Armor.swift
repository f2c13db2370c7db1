import WireFormats

/// age's ASCII armor: strict PEM-like framing, padded base64 in 64-column lines.
enum Armor {
    static func encode(_ bytes: [UInt8]) -> String {
        let body = Base64.encode(bytes).lines(ofWidth: 64).map { $0 + "\n" }.joined()
        return "-----BEGIN AGE ENCRYPTED FILE-----\n" + body + "-----END AGE ENCRYPTED FILE-----\n"
    }
}
