/// A site-specific secret pattern, scanned for at push time alongside the built-in rules
/// (``BuiltInSecretRules``).
public struct SecretRule: Sendable, Hashable {
    public var metadata: ObjectMetadata
    public var source: SourceLocation
    public var description: String?
    /// An ICU regular expression (the syntax of NSRegularExpression).
    public var regex: String
    /// The scanner only runs `regex` on text containing one of these: at least one, each of 3 characters or more.
    public var keywords: [String]
    /// The least Shannon entropy, in bits per character, a match must have to count; 0 < entropy ≤ 8.
    public var entropy: Double?
    /// Path globs (``PathGlob``) inside a layer; when present, only files matching one of them are scanned.
    public var paths: [String]?

    public var name: String { metadata.name }

    public init(metadata: ObjectMetadata, source: SourceLocation, description: String?, regex: String,
                keywords: [String], entropy: Double?, paths: [String]?) {
        self.metadata = metadata
        self.source = source
        self.description = description
        self.regex = regex
        self.keywords = keywords
        self.entropy = entropy
        self.paths = paths
    }

    /// Bounds on hostile input: a pattern this long or this many keywords is refused outright. A pattern that
    /// backtracks badly is still accepted; the scanner bounds its run time.
    public static let maxRegexLength = 1_000
    public static let maxKeywords = 64
    public static let minKeywordLength = 3
    /// Shannon entropy of bytes is at most 8 bits per character.
    public static let maxEntropy = 8.0
}
