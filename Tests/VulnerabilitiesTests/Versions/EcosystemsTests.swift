import Foundation
import Testing
import Vulnerabilities

@Suite struct EcosystemsTests {
    /// Each ecosystem gets the ordering that tells its versions apart, told here by a pair only that ordering gets right.
    @Test(arguments: [
        ("Debian", "1.0~rc1", "1.0"), ("Debian:12", "2.0", "1:0.9"), ("Ubuntu:22.04:LTS", "1.0a", "1.0+"),
        ("Alpine", "1.2.3-r2", "1.2.3-r10"), ("Alpine:v3.18", "1.2.3_rc1", "1.2.3"),
        ("PyPI", "1.0.dev0", "1.0a1"), ("npm", "1.0.0-beta.2", "1.0.0-beta.11"), ("crates.io", "1.0.0-rc.1", "1.0.0"),
        ("Go", "v1.2.3", "1.2.4"),
    ])
    func knownEcosystems(ecosystem: String, lesser: String, greater: String) throws {
        let ordering = try #require(Ecosystems.ordering(for: ecosystem))
        #expect(ordering.compare(lesser, greater) == .orderedAscending)
        #expect(ordering.compare(greater, lesser) == .orderedDescending)
    }

    @Test func npmAndCratesAreStrictSemVer() {
        #expect(Ecosystems.ordering(for: "npm")?.compare("v1.2.3", "1.2.3") == nil)
        #expect(Ecosystems.ordering(for: "crates.io")?.compare("1.2", "1.2.0") == nil)
    }

    /// An ecosystem whose order Berth does not know gets none, rather than one that would answer wrongly.
    @Test(arguments: ["Packagist", "Maven", "RubyGems", "NuGet", "debian", "", ":12", "Debian12"])
    func unknownEcosystems(ecosystem: String) {
        #expect(Ecosystems.ordering(for: ecosystem) == nil)
    }
}
