/// Reads one string out of a `database_specific` or `ecosystem_specific` object. Their contents are whatever the
/// database chose, so a missing object, a non-object or a non-string value means "not stated", never a broken record.
enum FreeFormObject {
    private struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func string<Key: CodingKey>(named name: String, in container: KeyedDecodingContainer<Key>, forKey key: Key) -> String? {
        guard let object = try? container.nestedContainer(keyedBy: AnyKey.self, forKey: key) else { return nil }
        return (try? object.decodeIfPresent(String.self, forKey: AnyKey(stringValue: name))) ?? nil
    }
}
