import Testing
@testable import Access

@Suite struct ScopeTests {
    @Test(arguments: [
        ("repository:team/app:pull", "repository", nil, "team/app", ["pull"]),
        ("repository:team/app:push,pull", "repository", nil, "team/app", ["pull", "push"]),
        ("repository:team/app:pull,pull,push", "repository", nil, "team/app", ["pull", "push"]),
        ("repository:library/my.app_v2-x:pull", "repository", nil, "library/my.app_v2-x", ["pull"]),
        ("repository:localhost:5000/team/app:pull", "repository", nil, "localhost:5000/team/app", ["pull"]),
        ("repository(plugin):vieux/sshfs:pull", "repository", "plugin", "vieux/sshfs", ["pull"]),
        ("registry:catalog:*", "registry", nil, "catalog", ["*"]),
        ("repository:a:delete,*", "repository", nil, "a", ["*", "delete"]),
    ] as [(String, String, String?, String, [String])])
    func parsesGoodScopes(text: String, type: String, resourceClass: String?, name: String, actions: [String]) throws {
        let scope = try Scope.parse(text)
        #expect(scope.type == type)
        #expect(scope.resourceClass == resourceClass)
        #expect(scope.name == name)
        #expect(scope.actions == actions)
        // description prints a canonical form that parses back to the same scope.
        #expect(try Scope.parse(scope.description) == scope)
    }

    @Test func descriptionIsCanonical() throws {
        #expect(try Scope.parse("repository:team/app:push,pull,push").description == "repository:team/app:pull,push")
        #expect(try Scope.parse("repository(plugin):x/y:pull").description == "repository(plugin):x/y:pull")
    }

    @Test(arguments: [
        ("", ScopeError.empty),
        ("repository", .missingSeparator("repository")),
        ("repository:team/app", .missingSeparator("repository:team/app")),
        (":team/app:pull", .emptyType(":team/app:pull")),
        ("repository::pull", .emptyName("repository::pull")),
        ("repository:team/app:", .emptyActions("repository:team/app:")),
        ("repository:team/app:pull,", .emptyAction("repository:team/app:pull,")),
        ("repository:team/app:,pull", .emptyAction("repository:team/app:,pull")),
        ("Repository:team/app:pull", .invalidType("Repository:team/app:pull")),
        ("repo sitory:team/app:pull", .invalidType("repo sitory:team/app:pull")),
        ("repository(:team/app:pull", .invalidType("repository(:team/app:pull")),
        ("repository():team/app:pull", .invalidType("repository():team/app:pull")),
        ("repository:team app:pull", .invalidName("repository:team app:pull")),
        ("repository:team\"app:pull", .invalidName("repository:team\"app:pull")),
        ("repository:team/app:PULL", .invalidAction("repository:team/app:PULL")),
        ("repository:team/app:pull push", .invalidAction("repository:team/app:pull push")),
    ] as [(String, ScopeError)])
    func refusesBadScopes(text: String, expected: ScopeError) {
        #expect(throws: expected) { try Scope.parse(text) }
    }

    @Test func refusesOverlongScopes() {
        let long = "repository:" + String(repeating: "a", count: 600) + ":pull"
        #expect(throws: ScopeError.tooLong) { try Scope.parse(long) }
    }

    @Test func errorMessagesAreClearAndPrintable() {
        #expect(ScopeError.emptyName("repository::pull").description == #"scope "repository::pull" has an empty resource name"#)
        #expect(ScopeError.invalidName("a:\u{1b}[31m\n:b").description.contains(#""a:?[31m?:b""#))
    }

    @Test func parseListMergesSplitsAndSkips() {
        let scopes = Scope.parseList([
            "repository:team/app:pull",
            "repository:team/other:pull repository:team/app:push",
            "not-a-scope",
            "",
            "registry:catalog:*  repository:team/app:pull",
        ])
        #expect(scopes.map(\.description) == [
            "repository:team/app:pull,push",
            "repository:team/other:pull",
            "registry:catalog:*",
        ])
    }

    @Test func parseListKeepsResourceClassesApart() {
        let scopes = Scope.parseList(["repository(plugin):x:pull", "repository:x:push"])
        #expect(scopes.count == 2)
    }

    @Test func parseListIsBounded() {
        let many = (0..<500).map { "repository:r\($0):pull" }
        #expect(Scope.parseList(many).count == Scope.maximumResources)
        // Merging into a known resource still works once the bound is reached.
        let merged = Scope.parseList(many + ["repository:r0:push"])
        #expect(merged[0].actions == ["pull", "push"])
    }

    @Test func accessClaimFromScopeDropsTheClass() throws {
        let claim = AccessClaim(try Scope.parse("repository(plugin):x/y:push,pull"))
        #expect(claim == AccessClaim(type: "repository", name: "x/y", actions: ["pull", "push"]))
    }
}
