import Foundation
import Testing
import Declarations

let secretDeclarations = """
\(H)kind: SecretRule
metadata: {name: acme-internal-token}
spec:
  description: ACME internal API tokens
  regex: 'acme_[A-Za-z0-9]{32}'
  keywords: [acme_, ACME_]
  entropy: 3.5
  paths: ["etc/**", "app/**"]
---
\(H)kind: SecretException
metadata: {name: test-fixture-keys}
spec:
  rule: private-key
  repositories: ["payments/*"]
  paths: ["app/testdata/**"]
  expires: 2027-01-31
  reason: test fixtures, not real keys
  owner: security-team
---
\(H)kind: SecretException
metadata: {name: acme-everywhere}
spec:
  rule: acme-internal-token
  repositories: ["payments/api"]
  expires: 2027-01-31
  reason: rotated weekly
"""

@Suite struct SecretDeclarationsTests {
    static let result = loadWithBase(secretDeclarations)

    @Test func decodesEveryField() throws {
        #expect(!Self.result.hasErrors, "\(rendered(Self.result))")
        let state = Self.result.state
        let rule = try #require(state.secretRule(named: "acme-internal-token"))
        #expect(rule.description == "ACME internal API tokens")
        #expect(rule.regex == "acme_[A-Za-z0-9]{32}")
        #expect(rule.keywords == ["acme_", "ACME_"])
        #expect(rule.entropy == 3.5)
        #expect(rule.paths == ["etc/**", "app/**"])
        #expect(rule.source == SourceLocation(file: "test.yaml", line: 3, column: 18))
        #expect(state.secretExceptions.map(\.name) == ["acme-everywhere", "test-fixture-keys"], "sorted by name")
        let exception = state.secretExceptions[1]
        #expect(exception.rule == "private-key")
        #expect(exception.repositories.map(\.text) == ["payments/*"])
        #expect(exception.paths == ["app/testdata/**"])
        #expect(exception.expires == CalendarDate("2027-01-31"))
        #expect(exception.reason == "test fixtures, not real keys")
        #expect(exception.owner == "security-team")
        #expect(state.secretExceptions[0].paths == nil && state.secretExceptions[0].owner == nil)
    }

    @Test func canonicalShapeAndRoundTrip() throws {
        let canonical = Self.result.state.canonicalObjects()
        let rule = try #require(canonical.first { $0.kind == .secretRule })
        #expect(rule.spec == [
            "description": "ACME internal API tokens", "regex": "acme_[A-Za-z0-9]{32}", "keywords": ["ACME_", "acme_"],
            "entropy": "3.5", "paths": ["app/**", "etc/**"],
        ])
        let exception = try #require(canonical.first { $0.name == "test-fixture-keys" })
        #expect(exception.spec == [
            "rule": "private-key", "repositories": ["payments/*"], "paths": ["app/testdata/**"], "expires": "2027-01-31",
            "reason": "test fixtures, not real keys", "owner": "security-team",
        ])
        #expect(canonical.suffix(3).map(\.kind) == [.secretRule, .secretException, .secretException], "the secret kinds sort last")
        let again = try DesiredState(canonical: canonical).canonicalObjects()
        #expect(CanonicalObject.canonicalJSON(of: again) == CanonicalObject.canonicalJSON(of: canonical))
    }

    @Test func aWholeEntropyRoundTrips() throws {
        let result = load("\(H)kind: SecretRule\nmetadata: {name: r}\nspec: {regex: 'x_[0-9]+', keywords: [x_0], entropy: 4}\n")
        let canonical = result.state.canonicalObjects()
        #expect(canonical.first?.spec["entropy"] == "4.0")
        #expect(try DesiredState(canonical: canonical).secretRules.first?.entropy == 4)
    }

    @Test func effectivePolicyListsMatchingSecretExceptions() throws {
        let state = Self.result.state
        #expect(try #require(state.effectivePolicy(for: "payments/api")).secretExceptions == ["acme-everywhere", "test-fixture-keys"])
        #expect(try #require(state.effectivePolicy(for: "payments/ledger")).secretExceptions == ["test-fixture-keys"])
        #expect(try #require(state.effectivePolicy(ofDeclaration: "payments/*")).secretExceptions == ["acme-everywhere", "test-fixture-keys"])
    }

    @Test func aCatastrophicRegexIsStillAccepted() {
        // The scanner bounds each match's run time; the declaration only has to compile.
        let result = load("\(H)kind: SecretRule\nmetadata: {name: r}\nspec: {regex: '(a+)+$', keywords: [aaa]}\n")
        #expect(!result.hasErrors, "\(rendered(result))")
    }

    @Test func oversizedRegexAndKeywordListsAreRefused() {
        let longRegex = "\(H)kind: SecretRule\nmetadata: {name: r}\nspec: {regex: '\(String(repeating: "a", count: 1_001))', keywords: [aaa]}\n"
        #expect(rendered(load(longRegex)) == "test.yaml:4:15: spec.regex is 1001 characters long; at most 1000 are allowed")
        let justRight = longRegex.replacingOccurrences(of: String(repeating: "a", count: 1_001), with: String(repeating: "a", count: 1_000))
        #expect(!load(justRight).hasErrors)
        let keywords = (0..<65).map { "k\(String(format: "%03d", $0))" }.joined(separator: ", ")
        let manyKeywords = "\(H)kind: SecretRule\nmetadata: {name: r}\nspec: {regex: 'k[0-9]+', keywords: [\(keywords)]}\n"
        #expect(rendered(load(manyKeywords)) == "test.yaml:4:36: spec.keywords has 65 entries; at most 64 are allowed")
    }

    @Test func aSecretRuleCannotTakeABuiltInName() {
        let result = load("\(H)kind: SecretRule\nmetadata: {name: private-key}\nspec: {regex: 'k[0-9]+', keywords: [key]}\n")
        #expect(rendered(result) == "test.yaml:3:18: metadata.name: 'private-key' is the id of a built-in secret rule; a SecretRule adds a rule and cannot replace a built-in one, so choose another name")
        #expect(throws: CanonicalDecodingError(kind: .secretRule, name: "private-key", path: "",
                                               reason: "is the id of a built-in secret rule, which a SecretRule cannot replace")) {
            try DesiredState(canonical: [CanonicalObject(kind: .secretRule, name: "private-key", spec: ["regex": "k", "keywords": ["key"]])])
        }
    }

    static let exceptionErrors: [(ConfigValue, String)] = [
        (["rule": "r", "repositories": ["a"], "expires": "2027-01-01", "reason": "x", "paths": []],
         "SecretException 'e': spec.paths: expected a non-empty list"),
        (["rule": "r", "repositories": ["a"], "expires": "2027-01-01", "reason": "x", "paths": ["/etc/**"]],
         "SecretException 'e': spec.paths[0]: invalid path glob \"/etc/**\": it starts with '/'; paths inside a layer are relative (write 'etc/**', not '/etc/**')"),
        (["rule": "r", "repositories": ["a"], "expires": "2027-13-01", "reason": "x"],
         "SecretException 'e': spec.expires: invalid date \"2027-13-01\""),
        (["repositories": ["a"], "expires": "2027-01-01", "reason": "x"], "SecretException 'e': spec.rule: missing required field"),
    ]

    @Test(arguments: exceptionErrors)
    func canonicalExceptionErrors(spec: ConfigValue, message: String) {
        #expect {
            try DesiredState(canonical: [CanonicalObject(kind: .secretException, name: "e", spec: spec)])
        } throws: { error in "\(error)" == message }
    }

    static let ruleErrors: [(ConfigValue, String)] = [
        (["regex": "(", "keywords": ["abc"]], "SecretRule 'r': spec.regex: invalid regular expression: expected ')'"),
        (["regex": "a", "keywords": ["ab"]], "SecretRule 'r': spec.keywords[0]: is shorter than 3 characters"),
        (["regex": "a", "keywords": []], "SecretRule 'r': spec.keywords: expected a non-empty list"),
        (["regex": "a", "keywords": ["abc"], "entropy": "9.0"],
         "SecretRule 'r': spec.entropy: invalid entropy (expected a decimal more than 0 and at most 8) \"9.0\""),
        (["regex": "a", "keywords": ["abc"], "entropy": 3], "SecretRule 'r': spec.entropy: expected a string, found an integer"),
        (["regex": "a", "keywords": ["abc"], "pattern": "x"],
         "SecretRule 'r': spec.pattern: unknown field; expected one of: description, regex, keywords, entropy, paths"),
    ]

    @Test(arguments: ruleErrors)
    func canonicalRuleErrors(spec: ConfigValue, message: String) {
        #expect {
            try DesiredState(canonical: [CanonicalObject(kind: .secretRule, name: "r", spec: spec)])
        } throws: { error in "\(error)" == message }
    }
}

@Suite struct SecretExceptionCoversTests {
    static let exception: SecretException = {
        let result = loadWithBase(secretDeclarations)
        return result.state.secretExceptions.first { $0.name == "test-fixture-keys" }!
    }()
    static let beforeExpiry = CalendarDate("2027-01-31")!.startOfDayUTC

    @Test func coversTheRuleInMatchingRepositoriesAndPaths() {
        let e = Self.exception
        #expect(e.covers(rule: "private-key", path: "app/testdata/keys/server.pem", in: "payments/api", on: Self.beforeExpiry))
        #expect(!e.covers(rule: "aws-access-key-id", path: "app/testdata/server.pem", in: "payments/api", on: Self.beforeExpiry))
        #expect(!e.covers(rule: "private-key", path: "app/server.pem", in: "payments/api", on: Self.beforeExpiry))
        #expect(!e.covers(rule: "private-key", path: "app/testdata/server.pem", in: "payments/api/v2", on: Self.beforeExpiry),
                "payments/* matches one component")
        #expect(!e.covers(rule: "private-key", path: "app/testdata/server.pem", in: "web/shop", on: Self.beforeExpiry))
        #expect(e.covers(rule: "private-key", path: "./app/testdata/server.pem", in: "payments/api", on: Self.beforeExpiry),
                "a leading ./ in the layer is ignored")
    }

    @Test func theExpiryDayIsIncluded() {
        let e = Self.exception
        let end = CalendarDate("2027-01-31")!.endOfDayUTC
        #expect(e.covers(rule: "private-key", path: "app/testdata/k.pem", in: "payments/api", on: end.addingTimeInterval(-1)))
        #expect(!e.covers(rule: "private-key", path: "app/testdata/k.pem", in: "payments/api", on: end))
    }

    @Test func theFormWithoutARepositoryLeavesRepositoriesToTheCaller() {
        let e = Self.exception
        #expect(e.covers(rule: "private-key", path: "app/testdata/k.pem", on: Self.beforeExpiry))
        #expect(!e.covers(rule: "private-key", path: "app/k.pem", on: Self.beforeExpiry))
        #expect(!e.covers(rule: "private-key", path: "app/testdata/k.pem", on: CalendarDate("2027-02-01")!.startOfDayUTC))
    }

    @Test func withoutPathsEveryPathIsCovered() {
        var e = Self.exception
        e.paths = nil
        #expect(e.covers(rule: "private-key", path: "anything/at/all", in: "payments/api", on: Self.beforeExpiry))
    }
}

@Suite struct PathGlobTests {
    @Test(arguments: [
        ("app/**", "app/a", true), ("app/**", "app/a/b/c", true), ("app/**", "application/a", false),
        ("**/id_rsa", "id_rsa", true), ("**/id_rsa", "home/u/.ssh/id_rsa", true), ("**/id_rsa", "id_rsa.pub", false),
        ("etc/*.conf", "etc/app.conf", true), ("etc/*.conf", "etc/sub/app.conf", false), ("etc/*", "etc", false),
        ("*", "a", true), ("*", "a/b", false), ("**", "a/b/c", true), ("a/**/z", "a/z", true), ("a/**/z", "a/b/c/z", true),
        ("a*b*c", "aXbYc", true), ("a*b*c", "aXbY", false),
    ])
    func matching(glob: String, path: String, expected: Bool) {
        #expect(PathGlob.matches(glob, path: path) == expected)
    }

    @Test(arguments: [
        ("", "it is empty"),
        ("/etc/**", "it starts with '/'; paths inside a layer are relative (write 'etc/**', not '/etc/**')"),
        ("etc//x", "it has an empty segment (a trailing or double '/')"),
        ("etc/", "it has an empty segment (a trailing or double '/')"),
        ("../etc", "it has a '..' segment; write the path from the layer root"),
        ("etc/a**", "segment 'a**' mixes '**' with other characters; '**' must be a whole segment"),
        ("**/**/x", "'**/**' is redundant; use a single '**'"),
        ("a\tb", "it contains a control character"),
    ])
    func refused(glob: String, problem: String) {
        #expect(PathGlob.problem(glob) == problem)
    }

    @Test func aLongRunOfStarsStaysFast() {
        let glob = String(repeating: "*a", count: 200) + "*b"
        #expect(!PathGlob.matches(glob, path: String(repeating: "a", count: 4_000)))
    }
}
