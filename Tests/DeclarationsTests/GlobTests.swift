import Testing
import Declarations

@Suite struct RepositoryPatternTests {
    @Test(arguments: [
        "payments", "payments/api", "a/b/c/d", "my.app", "my_app", "my__app", "my---app", "a0/b1",
        "library/ubuntu", String(repeating: "a", count: 255),
    ])
    func validNames(_ name: String) {
        #expect(RepositoryPattern.isValidName(name))
    }

    @Test(arguments: [
        "", "Payments", "/api", "api/", "a//b", "-a", "a-", "a.-b", "a___b", "a..b", "a b", "é",
        String(repeating: "a", count: 256), "a/*", "**",
    ])
    func invalidNames(_ name: String) {
        #expect(!RepositoryPattern.isValidName(name))
    }

    @Test func globSyntax() {
        #expect(RepositoryPattern("payments/*") != nil)
        #expect(RepositoryPattern("**") != nil)
        #expect(RepositoryPattern("**/api") != nil)
        #expect(RepositoryPattern("a/**/b/*") != nil)
        #expect(RepositoryPattern("a/**/**") == nil)
        #expect(RepositoryPattern("pay*") == nil)
        #expect(RepositoryPattern("a/*b") == nil)
    }

    @Test(arguments: [
        ("payments/*", "payments/api", true),
        ("payments/*", "payments", false),
        ("payments/*", "payments/api/v2", false),
        ("payments/**", "payments", true),
        ("payments/**", "payments/api/v2", true),
        ("payments/**", "paymentsx/api", false),
        ("**", "anything/at/all", true),
        ("**/api", "api", true),
        ("**/api", "a/b/api", true),
        ("**/api", "a/b/api/x", false),
        ("*/api", "payments/api", true),
        ("*/api", "api", false),
        ("a/**/b/*", "a/b/c", true),
        ("a/**/b/*", "a/x/y/b/c", true),
        ("a/**/b/*", "a/x/y/b", false),
        ("*/*", "a/b", true),
        ("payments/api", "payments/api", true),
        ("payments/api", "payments/apix", false),
    ])
    func matching(_ pattern: String, _ name: String, _ expected: Bool) {
        #expect(RepositoryPattern(pattern)!.matches(name) == expected)
    }

    @Test(arguments: [
        ("payments/*", "**", true),
        ("payments/*", "*/api", true),
        ("payments/*", "web/*", false),
        ("**/api/**", "**/web/**", true),   // e.g. api/web
        ("**/api", "**/web", false),
        ("a/*", "a/*/**", true),
        ("a/*", "a/*/*", false),
        ("**", "**", true),
        ("x/**", "y/**", false),
        ("*", "**/a", true),
    ])
    func overlapping(_ a: String, _ b: String, _ expected: Bool) {
        let pa = RepositoryPattern(a)!, pb = RepositoryPattern(b)!
        #expect(pa.overlaps(pb) == expected)
        #expect(pb.overlaps(pa) == expected)
    }

    @Test(arguments: [
        ("payments/*", "**", true),
        ("payments/**", "*/api", true),       // literal first component wins
        ("*/api", "payments/**", false),
        ("a/*", "a/*/**", true),              // end of pattern beats **
        ("**/api", "**", true),
        ("*/*", "**/api", true),              // '*' beats '**' at the first position
        ("payments/api/*", "payments/*/*", true),
    ])
    func specificity(_ a: String, _ b: String, _ aWins: Bool) {
        let pa = RepositoryPattern(a)!, pb = RepositoryPattern(b)!
        #expect(pa.isMoreSpecific(than: pb) == aWins)
        #expect(pb.isMoreSpecific(than: pa) == !aWins)
    }

    @Test func equalSpecificityIsNil() {
        #expect(RepositoryPattern("a/*")!.isMoreSpecific(than: RepositoryPattern("b/*")!) == nil)
    }
}

@Suite struct TagPatternTests {
    @Test(arguments: [
        ("v*", "v1.2.3", true), ("v*", "latest", false), ("*", "anything", true),
        ("release-*-rc?", "release-2024-rc1", true), ("release-*-rc?", "release-2024-rc10", false),
        ("latest", "latest", true), ("*-debug", "1.0-debug", true), ("*-debug", "1.0-debugx", false),
        ("a*b*c", "aXbYc", true), ("a*b*c", "aXcYb", false),
    ])
    func matching(_ pattern: String, _ tag: String, _ expected: Bool) {
        #expect(TagPattern(pattern)!.matches(tag) == expected)
    }

    @Test func invalidPatterns() {
        #expect(TagPattern("") == nil)
        #expect(TagPattern("v 1") == nil)
        #expect(TagPattern("-v") == nil)
        #expect(TagPattern(String(repeating: "a", count: 129)) == nil)
    }
}
