/// One entry of a registry token's `access` claim: what the bearer may do to one resource.
public struct AccessClaim: Codable, Sendable, Hashable {
    public var type: String
    public var name: String
    public var actions: [String]

    public init(type: String, name: String, actions: [String]) {
        self.type = type
        self.name = name
        self.actions = actions
    }

    /// The claim granting exactly `scope`'s actions. The resource class is dropped: the spec
    /// deprecates it and says token servers should no longer return it.
    public init(_ scope: Scope) {
        self.init(type: scope.type, name: scope.name, actions: scope.actions)
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        type = try container.decode(String.self, forKey: .type)
        name = try container.decode(String.self, forKey: .name)
        // Go issuers serialise an empty action list as null.
        actions = try container.decodeIfPresent([String].self, forKey: .actions) ?? []
    }

    private enum CodingKeys: String, CodingKey {
        case type, name, actions
    }
}
