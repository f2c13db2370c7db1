/// One secret found in a layer. It never carries the secret: only a preview too short to use and the SHA-256 of the
/// matched text, which lets an operator confirm a known credential leaked without the report leaking it again.
public struct SecretFinding: Sendable, Hashable, Codable {
    /// The id of the pattern that matched.
    public var rule: String
    /// The file's path inside the layer, without a leading "./" or "/".
    public var path: String
    /// The 1-based line where the match starts.
    public var line: Int
    /// At most the first 4 characters of the matched text, then "…".
    public var preview: String
    /// "sha256:<hex>" of the matched text (for a private key, its whole PEM block through the END line).
    public var fingerprint: String

    public init(rule: String, path: String, line: Int, preview: String, fingerprint: String) {
        self.rule = rule
        self.path = path
        self.line = line
        self.preview = preview
        self.fingerprint = fingerprint
    }
}
