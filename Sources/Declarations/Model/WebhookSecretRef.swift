/// Where the server finds a Webhook's signing key. Declarations only name the place: the key itself never goes in git.
public enum WebhookSecretRef: Sendable, Hashable {
    /// An environment variable of the server process.
    case environment(String)
    /// An absolute path on the server.
    case file(String)

    static let expectation = "exactly one of {env: VARIABLE_NAME} or {file: /absolute/path/on/the/server}"

    static let environmentNameExpectation = "an environment variable name: letters, digits and '_', not starting with a digit"

    /// Why `name` cannot name an environment variable, or nil when it can. Only the portable POSIX names are
    /// allowed, so every shell and service manager can set the variable.
    static func environmentNameProblem(_ name: String) -> String? {
        guard let first = name.utf8.first else { return "it is empty" }
        func isLetterOrUnderscore(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == UInt8(ascii: "_") }
        func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
        if isDigit(first) { return "it starts with a digit" }
        guard let bad = name.utf8.first(where: { !isLetterOrUnderscore($0) && !isDigit($0) }) else { return nil }
        let printable = bad > 0x20 && bad < 0x7F
        return printable ? "it has the character '\(Character(Unicode.Scalar(bad)))'" : "it has a character outside A-Z, a-z, 0-9 and '_'"
    }

    static let filePathExpectation = "an absolute path on the server, such as /etc/berth/webhook.key"

    /// Why `path` cannot name the key file, or nil when it can. Relative paths are refused: they would depend on the
    /// server's working directory.
    static func filePathProblem(_ path: String) -> String? {
        if !path.hasPrefix("/") { return "it is not absolute" }
        if path.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) { return "it contains a control character" }
        return nil
    }
}
