/// One resource scope of the Docker registry token protocol: `type[(class)]:name:action[,action…]`,
/// e.g. `repository:team/app:pull,push` or `registry:catalog:*`.
///
/// Clients copy scopes from our `WWW-Authenticate` challenge into `scope=` parameters of the
/// token request, so parsing must round-trip what ``BearerChallenge`` prints.
public struct Scope: Sendable, Hashable, CustomStringConvertible {
    /// `repository` or `registry` in practice; lowercase letters and digits.
    public var type: String
    /// The deprecated resource class, as in `repository(plugin)`; kept so the scope can be
    /// printed back, but authorization should treat it as absent.
    public var resourceClass: String?
    /// Repository name, possibly with a `host:port/` prefix, or `catalog` for `registry`.
    public var name: String
    /// Sorted and without duplicates, so equal scopes compare equal.
    public private(set) var actions: [String]

    public init(type: String, resourceClass: String? = nil, name: String, actions: [String]) {
        self.type = type
        self.resourceClass = resourceClass
        self.name = name
        self.actions = Array(Set(actions)).sorted()
    }

    /// Longest scope accepted: a 255-byte repository name plus type and actions fits easily.
    public static let maximumLength = 512

    /// Parses one resource scope. The type ends at the first `:` and the actions start after
    /// the last one, so a name may itself contain `:` (a registry host's port).
    public static func parse(_ text: String) throws(ScopeError) -> Scope {
        guard !text.isEmpty else { throw .empty }
        guard text.utf8.count <= maximumLength else { throw .tooLong }
        guard let firstColon = text.firstIndex(of: ":"),
              let lastColon = text.lastIndex(of: ":"), firstColon != lastColon
        else { throw .missingSeparator(text) }

        let typePart = text[..<firstColon]
        let name = String(text[text.index(after: firstColon)..<lastColon])
        let actionPart = text[text.index(after: lastColon)...]

        guard !typePart.isEmpty else { throw .emptyType(text) }
        let type: Substring
        var resourceClass: String?
        if let open = typePart.firstIndex(of: "(") {
            guard typePart.last == ")" else { throw .invalidType(text) }
            type = typePart[..<open]
            let inner = typePart[typePart.index(after: open)..<typePart.index(before: typePart.endIndex)]
            guard isLowerAlphanumeric(inner) else { throw .invalidType(text) }
            resourceClass = String(inner)
        } else {
            type = typePart
        }
        guard isLowerAlphanumeric(type) else { throw .invalidType(text) }

        guard !name.isEmpty else { throw .emptyName(text) }
        guard name.utf8.allSatisfy(isNameByte) else { throw .invalidName(text) }

        guard !actionPart.isEmpty else { throw .emptyActions(text) }
        let actions = actionPart.split(separator: ",", omittingEmptySubsequences: false)
        for action in actions {
            guard !action.isEmpty else { throw .emptyAction(text) }
            guard action.utf8.allSatisfy(isActionByte) else { throw .invalidAction(text) }
        }
        return Scope(type: String(type), resourceClass: resourceClass, name: name, actions: actions.map(String.init))
    }

    /// Most distinct resources one token request may name; more is not a real client.
    public static let maximumResources = 64

    /// Collects the scopes of a token request: each `scope=` value may itself hold several
    /// scopes separated by spaces (the POST form and some clients do that). Actions requested
    /// for the same resource are merged, keeping first-seen order of resources.
    ///
    /// Unparseable scopes are skipped rather than failing the request: the token server grants
    /// the intersection of what was asked and what is allowed, and nothing for a scope it
    /// cannot read (the spec forbids erroring on insufficient access at this step).
    public static func parseList(_ values: [String]) -> [Scope] {
        var merged: [Scope] = []
        var positions: [ResourceKey: Int] = [:]
        for value in values {
            for piece in value.split(whereSeparator: { $0 == " " || $0 == "\t" }) {
                guard let scope = try? parse(String(piece)) else { continue }
                let key = ResourceKey(type: scope.type, resourceClass: scope.resourceClass, name: scope.name)
                if let position = positions[key] {
                    merged[position] = Scope(
                        type: scope.type, resourceClass: scope.resourceClass, name: scope.name,
                        actions: merged[position].actions + scope.actions)
                } else if merged.count < maximumResources {
                    positions[key] = merged.count
                    merged.append(scope)
                }
            }
        }
        return merged
    }

    public var description: String {
        let typePart = resourceClass.map { "\(type)(\($0))" } ?? type
        return "\(typePart):\(name):\(actions.joined(separator: ","))"
    }

    private struct ResourceKey: Hashable {
        let type: String
        let resourceClass: String?
        let name: String
    }

    private static func isLowerAlphanumeric(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) }
    }

    /// Repository-name characters plus `:` (host port) and upper case (host names): enough for
    /// every valid reference, and nothing that needs escaping in a header or a log line.
    private static func isNameByte(_ byte: UInt8) -> Bool {
        switch byte {
        case 0x61...0x7A, 0x41...0x5A, 0x30...0x39,
             UInt8(ascii: "/"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: ":"):
            return true
        default:
            return false
        }
    }

    /// The spec's action grammar, `[a-z*]`: `pull`, `push`, `delete`, `*`.
    private static func isActionByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || byte == UInt8(ascii: "*")
    }
}

/// Why a scope string was refused. Messages quote the scope (it is the client's own request,
/// already limited to a short, printable form) so the client can see what it sent.
public enum ScopeError: Error, Equatable, CustomStringConvertible {
    case empty
    case tooLong
    case missingSeparator(String)
    case emptyType(String)
    case invalidType(String)
    case emptyName(String)
    case invalidName(String)
    case emptyActions(String)
    case emptyAction(String)
    case invalidAction(String)

    public var description: String {
        switch self {
        case .empty: "scope is empty"
        case .tooLong: "scope is longer than \(Scope.maximumLength) bytes"
        case .missingSeparator(let s): "scope \(Self.quoted(s)) is not of the form type:name:actions"
        case .emptyType(let s): "scope \(Self.quoted(s)) has an empty resource type"
        case .invalidType(let s): "scope \(Self.quoted(s)) has a resource type that is not lowercase letters and digits"
        case .emptyName(let s): "scope \(Self.quoted(s)) has an empty resource name"
        case .invalidName(let s): "scope \(Self.quoted(s)) has characters not allowed in a resource name"
        case .emptyActions(let s): "scope \(Self.quoted(s)) lists no actions"
        case .emptyAction(let s): "scope \(Self.quoted(s)) has an empty action"
        case .invalidAction(let s): "scope \(Self.quoted(s)) has an action that is not lowercase letters or *"
        }
    }

    /// Printable ASCII only, so a hostile scope cannot forge log lines.
    private static func quoted(_ text: String) -> String {
        let safe = text.unicodeScalars.map { ($0.value >= 0x20 && $0.value < 0x7F) ? String($0) : "?" }.joined()
        return "\"\(safe)\""
    }
}
