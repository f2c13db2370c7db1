import Foundation

/// One trusted key: a line of an allowed signers file.
public struct AllowedSigner: Sendable, Hashable {
    /// The principals the line names (`alice@example.com,alice@corp.example`), or for a plain key line
    /// (`keytype base64 [comment]`) its comment, or the key's fingerprint when it has none.
    public let principals: [String]
    public let key: SSHPublicKey
    /// The `namespaces="..."` pattern list, split at commas; `nil` when the line does not restrict namespaces.
    public let namespaces: [String]?
    /// `valid-after=`: the key is valid at or after this time.
    public let validAfter: Date?
    /// `valid-before=`: the key is valid at or before this time.
    public let validBefore: Date?
    /// The line of the file this came from (1-based).
    public let line: Int

    /// The principal reported for signatures by this key: the first one listed.
    public var principal: String { principals[0] }

    /// Whether the line allows signatures for `namespace` (OpenSSH pattern-list matching: `*`, `?`, `!`).
    public func allows(namespace: String) -> Bool {
        guard let namespaces else { return true }
        return Pattern.matchList(namespace, patterns: namespaces)
    }

    /// Whether `date` is inside the line's validity window (both ends included, as OpenSSH does).
    public func isValid(at date: Date) -> Bool {
        if let validAfter, date < validAfter { return false }
        if let validBefore, date > validBefore { return false }
        return true
    }
}

/// A file of trusted signing keys in git's / OpenSSH's allowed signers format (ssh-keygen(1), ALLOWED SIGNERS):
///
///     # comment
///     alice@example.com,alice@corp.example namespaces="git",valid-after="20240101" ssh-ed25519 AAAA... laptop
///     bob@example.com ecdsa-sha2-nistp256 AAAA...
///
/// Lines holding only `keytype base64 [comment]` (authorized_keys style) are accepted too; their principal is the
/// comment, or the key's fingerprint when there is none. Options: `namespaces="list"`, `valid-after="TIME"`,
/// `valid-before="TIME"` (quoted, as OpenSSH requires; TIME is `YYYYMMDD[HHMM[SS]]`, optionally followed by `Z` for UTC; without `Z`, in
/// `timeZone`, as OpenSSH reads it in the system's). `cert-authority` is refused: certificates are not supported.
///
/// A file with any error is refused whole; every problem found is reported as `file:line: message`.
public struct AllowedSigners: Sendable {
    /// One problem found in a file.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let file: String
        /// 1-based; 0 for problems with the file as a whole.
        public let line: Int
        public let message: String
        public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
    }

    /// The problems that made a file be refused, in line order (at most `maximumProblems` of them).
    public struct ParseError: Error, Sendable, Equatable, CustomStringConvertible {
        public let problems: [Problem]
        public var description: String { problems.map(\.description).joined(separator: "\n") }
    }

    /// The name used in problem reports: the path the file was read from, or what the caller said.
    public let source: String
    /// The trusted keys, in file order.
    public let signers: [AllowedSigner]

    public static let maximumFileSize = 4 << 20
    public static let maximumProblems = 50

    /// Parses the text of an allowed signers file. `source` names the file in problem reports.
    public init(contents: String, source: String = "allowed_signers", timeZone: TimeZone = .current) throws(ParseError) {
        var problems: [Problem] = []
        var signers: [AllowedSigner] = []
        if contents.utf8.count > AllowedSigners.maximumFileSize {
            throw ParseError(problems: [Problem(file: source, line: 0, message: "file is too large (\(contents.utf8.count) bytes; at most \(AllowedSigners.maximumFileSize))")])
        }
        var lineNumber = 0
        // "\r\n" is one Character in Swift: split on it as well as on "\n".
        for rawLine in contents.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            lineNumber += 1
            var line = rawLine
            if line.last == "\r" { line = line.dropLast() }
            do {
                if let signer = try AllowedSigners.parseLine(line, number: lineNumber, timeZone: timeZone) {
                    signers.append(signer)
                }
            } catch {
                problems.append(Problem(file: source, line: lineNumber, message: error.message))
                if problems.count >= AllowedSigners.maximumProblems { break }
            }
        }
        if problems.isEmpty && signers.isEmpty {
            problems.append(Problem(file: source, line: 0, message: "no keys in the file: every signature would be refused"))
        }
        guard problems.isEmpty else { throw ParseError(problems: problems) }
        self.source = source
        self.signers = signers
    }

    /// Reads and parses an allowed signers file.
    public init(contentsOf url: URL, timeZone: TimeZone = .current) throws(ParseError) {
        let path = url.isFileURL ? url.path : url.absoluteString
        let data: Data
        do {
            data = try Data(contentsOf: url)
        } catch {
            throw ParseError(problems: [Problem(file: path, line: 0, message: "cannot read the file: \(error.localizedDescription)")])
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ParseError(problems: [Problem(file: path, line: 0, message: "the file is not UTF-8 text")])
        }
        try self.init(contents: text, source: path, timeZone: timeZone)
    }

    /// How a key stands in the file for a namespace at a time.
    public enum Match: Sendable, Equatable {
        /// A line lists the key, allows the namespace and is valid at the time.
        case allowed(AllowedSigner)
        /// No line lists the key.
        case notListed
        /// Lines list the key, but none allows the namespace.
        case namespaceNotAllowed([AllowedSigner])
        /// Lines list the key for the namespace, but none is valid at the time.
        case notValid([AllowedSigner])
    }

    /// The lines that list `key`, in file order.
    public func signers(for key: SSHPublicKey) -> [AllowedSigner] {
        signers.filter { $0.key == key }
    }

    /// Looks `key` up for a signature in `namespace` made at `date`; the first line that fits wins.
    public func match(key: SSHPublicKey, namespace: String, at date: Date) -> Match {
        let listed = signers(for: key)
        guard !listed.isEmpty else { return .notListed }
        let forNamespace = listed.filter { $0.allows(namespace: namespace) }
        guard !forNamespace.isEmpty else { return .namespaceNotAllowed(listed) }
        guard let valid = forNamespace.first(where: { $0.isValid(at: date) }) else { return .notValid(forNamespace) }
        return .allowed(valid)
    }

    // MARK: - Parsing

    struct LineError: Error {
        let message: String
        init(_ message: String) { self.message = message }
    }

    static func parseLine(_ line: Substring, number: Int, timeZone: TimeZone) throws(LineError) -> AllowedSigner? {
        var scanner = FieldScanner(line)
        scanner.skipSpace()
        if scanner.isAtEnd || scanner.peek == "#" { return nil }

        let first = try scanner.field()
        // A plain key line: `keytype base64 [comment]`.
        if !first.wasQuoted, SSHPublicKey.isKeyTypeName(first.text[...]) {
            let key = try readKey(type: first.text, scanner: &scanner)
            let principal = key.comment ?? key.fingerprint
            return AllowedSigner(principals: [principal], key: key, namespaces: nil, validAfter: nil, validBefore: nil, line: number)
        }

        // OpenSSH takes quotes only around the whole field ("a b@example.com,c@example.com").
        guard first.wasQuoted || !first.text.contains("\"") else {
            throw LineError("quotes must enclose the whole principals field: \"a@example.com,b c@example.com\"")
        }
        let principals = first.text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard principals.allSatisfy({ !$0.isEmpty }) else {
            throw LineError("empty principal in \"\(first.text)\"")
        }

        scanner.skipSpace()
        guard !scanner.isAtEnd else { throw LineError("missing key after the principals") }
        var next = try scanner.field()
        var options = Options()
        if next.wasQuoted || !SSHPublicKey.isKeyTypeName(next.text[...]) {
            options = try parseOptions(next.text, timeZone: timeZone)
            scanner.skipSpace()
            guard !scanner.isAtEnd else { throw LineError("missing key after the options") }
            next = try scanner.field()
            guard !next.wasQuoted, SSHPublicKey.isKeyTypeName(next.text[...]) else {
                throw LineError("expected a key type (such as ssh-ed25519) after the options, found \"\(next.text.prefix(64))\"")
            }
        }
        let key = try readKey(type: next.text, scanner: &scanner)
        return AllowedSigner(
            principals: principals, key: key, namespaces: options.namespaces,
            validAfter: options.validAfter, validBefore: options.validBefore, line: number)
    }

    private static func readKey(type: String, scanner: inout FieldScanner) throws(LineError) -> SSHPublicKey {
        if let refusal = SSHPublicKey.refusal(forTypeName: type) { throw LineError(refusal) }
        scanner.skipSpace()
        guard !scanner.isAtEnd else { throw LineError("missing base64 key after \(type)") }
        let encoded = scanner.bareField()
        scanner.skipSpace()
        let comment = scanner.rest.trimmingCharacters(in: .whitespaces)
        do {
            return try SSHPublicKey(type: type, base64: encoded, comment: comment.isEmpty ? nil : comment)
        } catch {
            throw LineError(error.message)
        }
    }

    struct Options {
        var namespaces: [String]?
        var validAfter: Date?
        var validBefore: Date?
    }

    static func parseOptions(_ text: String, timeZone: TimeZone) throws(LineError) -> Options {
        var options = Options()
        var seen: Set<String> = []
        for item in try splitOptions(text) {
            let name: String
            let rawValue: String?
            if let equals = item.firstIndex(of: "=") {
                name = item[..<equals].lowercased()
                rawValue = String(item[item.index(after: equals)...])
            } else {
                name = item.lowercased()
                rawValue = nil
            }
            switch name {
            case "cert-authority", "namespaces", "valid-after", "valid-before": break
            default:
                if name.hasPrefix("ssh-") || name.hasPrefix("ecdsa-") || name.hasPrefix("sk-") || name.hasPrefix("rsa-") {
                    throw LineError("unknown key type \"\(item.prefix(64))\"")
                }
                throw LineError("unknown option \"\(name.prefix(64))\" (known: namespaces, valid-after, valid-before)")
            }
            guard seen.insert(name).inserted else { throw LineError("option \(name) is given twice") }
            let value = try rawValue.map { (raw) throws(LineError) in try unquote(raw, option: name) }
            switch name {
            case "cert-authority":
                throw LineError("cert-authority: SSH certificates are not supported; list each signer's own public key")
            case "namespaces":
                guard let value, !value.isEmpty else { throw LineError("namespaces needs a value: namespaces=\"git\"") }
                let list = value.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
                guard list.allSatisfy({ !$0.isEmpty }) else { throw LineError("empty namespace in namespaces=\"\(value)\"") }
                options.namespaces = list
            case "valid-after", "valid-before":
                guard let value, !value.isEmpty else { throw LineError("\(name) needs a time: \(name)=\"YYYYMMDD[HHMM[SS]][Z]\"") }
                guard let date = parseTime(value, timeZone: timeZone) else {
                    throw LineError("\(name)=\(value.prefix(32)) is not a time of the form YYYYMMDD[HHMM[SS]][Z]")
                }
                if name == "valid-after" { options.validAfter = date } else { options.validBefore = date }
            default:
                break
            }
        }
        if let after = options.validAfter, let before = options.validBefore, before <= after {
            throw LineError("valid-before is not after valid-after")
        }
        return options
    }

    /// Splits an options field at the commas that are outside double quotes.
    private static func splitOptions(_ text: String) throws(LineError) -> [Substring] {
        var items: [Substring] = []
        var start = text.startIndex
        var inQuotes = false
        var index = text.startIndex
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" { inQuotes.toggle() } else if c == ",", !inQuotes {
                items.append(text[start..<index])
                start = text.index(after: index)
            }
            index = text.index(after: index)
        }
        items.append(text[start...])
        guard items.allSatisfy({ !$0.isEmpty }) else { throw LineError("empty option in \"\(text.prefix(64))\"") }
        return items
    }

    /// Option values are double-quoted: OpenSSH refuses the line otherwise ("missing start quote"), and a file
    /// Berth accepts should work the same with `git verify-commit`.
    private static func unquote(_ value: String, option: String) throws(LineError) -> String {
        guard value.hasPrefix("\"") else {
            throw LineError("the value of \(option) must be in double quotes (as OpenSSH requires): \(option)=\"\(value.prefix(32))\"")
        }
        guard value.count >= 2, value.hasSuffix("\"") else { throw LineError("unterminated quote in option \(option)") }
        let inner = value.dropFirst().dropLast()
        guard !inner.contains("\"") else { throw LineError("misplaced quote in option \(option)") }
        return String(inner)
    }

    /// `YYYYMMDD`, `YYYYMMDDHHMM` or `YYYYMMDDHHMMSS`, optionally followed by `Z` (UTC); otherwise in `timeZone`.
    static func parseTime(_ text: String, timeZone: TimeZone) -> Date? {
        var digits = Substring(text)
        var zone = timeZone
        if digits.hasSuffix("Z") || digits.hasSuffix("z") {
            digits = digits.dropLast()
            zone = TimeZone(identifier: "UTC")!
        }
        guard [8, 12, 14].contains(digits.count), digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let values = Array(digits).map { Int(String($0))! }
        func number(_ from: Int, _ count: Int) -> Int { values[from..<(from + count)].reduce(0) { $0 * 10 + $1 } }
        var components = DateComponents()
        components.year = number(0, 4)
        components.month = number(4, 2)
        components.day = number(6, 2)
        components.hour = digits.count >= 12 ? number(8, 2) : 0
        components.minute = digits.count >= 12 ? number(10, 2) : 0
        components.second = digits.count == 14 ? number(12, 2) : 0
        guard let year = components.year, year >= 1970,
              (1...12).contains(components.month!), (1...31).contains(components.day!),
              (0...23).contains(components.hour!), (0...59).contains(components.minute!), (0...59).contains(components.second!)
        else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        guard let date = calendar.date(from: components) else { return nil }
        // Refuse dates that do not exist (20240230) rather than let the calendar roll them over.
        let back = calendar.dateComponents([.year, .month, .day], from: date)
        guard back.year == components.year, back.month == components.month, back.day == components.day else { return nil }
        return date
    }
}

/// Splits a line into whitespace-separated fields, where a double-quoted part may hold spaces.
struct FieldScanner {
    private let text: Substring
    private var index: Substring.Index

    init(_ text: Substring) {
        self.text = text
        self.index = text.startIndex
    }

    var isAtEnd: Bool { index == text.endIndex }
    var peek: Character? { isAtEnd ? nil : text[index] }
    var rest: Substring { text[index...] }

    mutating func skipSpace() {
        while index < text.endIndex, text[index] == " " || text[index] == "\t" { index = text.index(after: index) }
    }

    /// A field up to unquoted whitespace. Quotes are kept except around the whole field, which are removed.
    mutating func field() throws(AllowedSigners.LineError) -> (text: String, wasQuoted: Bool) {
        let start = index
        var inQuotes = false
        while index < text.endIndex {
            let c = text[index]
            if c == "\"" { inQuotes.toggle() } else if !inQuotes, c == " " || c == "\t" { break }
            index = text.index(after: index)
        }
        guard !inQuotes else { throw AllowedSigners.LineError("unterminated quote") }
        let raw = text[start..<index]
        if raw.count >= 2, raw.first == "\"", raw.last == "\"", !raw.dropFirst().dropLast().contains("\"") {
            return (String(raw.dropFirst().dropLast()), true)
        }
        return (String(raw), false)
    }

    /// A field up to whitespace, quotes not special.
    mutating func bareField() -> Substring {
        let start = index
        while index < text.endIndex, text[index] != " ", text[index] != "\t" { index = text.index(after: index) }
        return text[start..<index]
    }
}

/// OpenSSH pattern lists (ssh_config(5), PATTERNS): `*` and `?` wildcards, `!` negation.
enum Pattern {
    /// True when some pattern matches and no negated pattern does.
    static func matchList(_ string: String, patterns: [String]) -> Bool {
        var matched = false
        for pattern in patterns {
            if pattern.hasPrefix("!") {
                if match(Array(string.unicodeScalars), Array(pattern.dropFirst().unicodeScalars)) { return false }
            } else if match(Array(string.unicodeScalars), Array(pattern.unicodeScalars)) {
                matched = true
            }
        }
        return matched
    }

    /// Iterative wildcard matching (no recursion, linear backtracking on the last `*`).
    static func match(_ s: [Unicode.Scalar], _ p: [Unicode.Scalar]) -> Bool {
        var si = 0, pi = 0
        var starP = -1, starS = 0
        while si < s.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi; starS = si; pi += 1
            } else if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                si += 1; pi += 1
            } else if starP >= 0 {
                pi = starP + 1; starS += 1; si = starS
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
