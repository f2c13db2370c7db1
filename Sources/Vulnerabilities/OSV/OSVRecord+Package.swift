extension OSVRecord {
    /// A package as its ecosystem names it: "npm"/"lodash", "Debian:12"/"openssl", "Alpine:v3.19"/"busybox".
    public struct Package: Sendable, Hashable, Decodable {
        /// The OSV ecosystem string, release suffix included ("Debian:12"); it selects the version ordering.
        public var ecosystem: String
        public var name: String
        public var purl: String?

        public init(ecosystem: String, name: String, purl: String? = nil) {
            self.ecosystem = ecosystem
            self.name = name
            self.purl = purl
        }
    }
}
