import Foundation

/// The rule for a Webhook's `url`: absolute `http` or `https` with a host, and no user information, since a password
/// in the URL would be a credential in git.
enum WebhookURL {
    /// Far longer than any real endpoint; a bound on hostile input.
    static let maxLength = 2_048

    static let expectation = "an absolute http:// or https:// URL with a host and without user:password@, such as https://hooks.example.com/berth"

    /// The URL `text` names, or why it cannot be used. Problems repeat at most the scheme: the rest may hold a password.
    static func parse(_ text: String) -> Result<URL, PatternError> {
        func problem(_ reason: String) -> Result<URL, PatternError> { .failure(PatternError(reason: reason)) }
        if text.isEmpty { return problem("it is empty") }
        if text.utf8.count > maxLength { return problem("it is longer than \(maxLength) characters") }
        // Foundation would quietly percent-encode these, so the URL delivered to would not be the one declared.
        if text.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            return problem("it has a space, a control character or a non-ASCII character; percent-encode it")
        }
        guard let components = URLComponents(string: text), let url = URL(string: text), url.absoluteString == text else {
            return problem("it is not a well-formed URL")
        }
        guard let scheme = components.scheme else { return problem("it is not absolute (no http:// or https://)") }
        guard ["http", "https"].contains(scheme.lowercased()) else {
            return problem("its scheme is '\(scheme)'; only http and https are delivered to")
        }
        if components.user != nil || components.password != nil {
            return problem("it has user information (user:password@ before the host); credentials never go in git; receivers authenticate deliveries by their signature, made with the key secretRef names")
        }
        guard let host = components.host, !host.isEmpty else { return problem("it has no host") }
        if let port = components.port, !(1...65_535).contains(port) { return problem("its port \(port) is not from 1 to 65535") }
        return .success(url)
    }
}
