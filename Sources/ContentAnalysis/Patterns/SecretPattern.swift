import Foundation

/// One secret rule, compiled. Its keywords gate it: the regular expression runs only on lines where one of them
/// occurs (ASCII case-insensitively), so a rule must name at least one literal every match contains.
public struct SecretPattern: Sendable, Hashable {
    public let id: String
    public let description: String
    /// The regular expression's source (ICU syntax, as NSRegularExpression reads it). When it has a capture group,
    /// group 1 is the secret part: what the entropy threshold and the placeholder checks look at.
    public let regexSource: String
    /// Lowercased.
    public let keywords: [String]
    /// Shannon entropy, in bits per character, the secret part must reach.
    public let minimumEntropy: Double?
    /// Shell globs (fnmatch(3), `*` crossing `/`) over the path inside the layer; nil applies the rule to every path.
    public let paths: [String]?
    let regex: NSRegularExpression
    /// For a rule whose match opens a block (a PEM private key): the line that closes it. The fingerprint then covers
    /// the whole block through that line.
    let blockEnd: NSRegularExpression?

    public init(id: String, description: String, regex: String, keywords: [String], minimumEntropy: Double? = nil,
                paths: [String]? = nil) throws {
        try self.init(id: id, description: description, regex: regex, keywords: keywords, minimumEntropy: minimumEntropy,
                      paths: paths, blockEnd: nil)
    }

    init(id: String, description: String, regex: String, keywords: [String], minimumEntropy: Double? = nil,
         paths: [String]? = nil, blockEnd: String?) throws {
        let lowered = keywords.map { $0.lowercased() }
        guard !lowered.isEmpty else {
            throw SecretPatternError(id: id, reason: "no keywords: a rule needs at least one literal its matches contain")
        }
        if let empty = lowered.first(where: { $0.isEmpty || !$0.allSatisfy(\.isASCII) }) {
            throw SecretPatternError(id: id, reason: "keyword \"\(empty)\" must be non-empty ASCII")
        }
        if let minimumEntropy, !(0...8).contains(minimumEntropy) {
            throw SecretPatternError(id: id, reason: "minimum entropy \(minimumEntropy) is not between 0 and 8 bits per character")
        }
        self.id = id
        self.description = description
        self.regexSource = regex
        self.keywords = lowered
        self.minimumEntropy = minimumEntropy
        self.paths = paths
        self.regex = try Self.compile(regex, id: id)
        self.blockEnd = try blockEnd.map { try Self.compile($0, id: id) }
    }

    private static func compile(_ source: String, id: String) throws -> NSRegularExpression {
        do {
            return try NSRegularExpression(pattern: source)
        } catch {
            throw SecretPatternError(id: id, reason: "invalid regular expression /\(source)/: \(error.localizedDescription)")
        }
    }

    public static func == (left: SecretPattern, right: SecretPattern) -> Bool {
        left.id == right.id && left.description == right.description && left.regexSource == right.regexSource
            && left.keywords == right.keywords && left.minimumEntropy == right.minimumEntropy && left.paths == right.paths
            && left.blockEnd?.pattern == right.blockEnd?.pattern
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(id)
        hasher.combine(regexSource)
        hasher.combine(keywords)
        hasher.combine(minimumEntropy)
        hasher.combine(paths)
    }
}
