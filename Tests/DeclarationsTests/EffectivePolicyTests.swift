import Foundation
import Testing
import Declarations

let policyDeclarations = """
\(H)kind: Tier
metadata: {name: confidential}
spec:
  anonymousPull: false
  scanning:
    vulnerabilities: {onPush: block, onPull: block, threshold: high}
  signing: {requiredSigners: [release], minimum: 1}
  retention: {keepLast: 20, keepPulledWithin: 30d, protect: ["v*"]}
  immutableTags: ["v*"]
  quota: 50GiB
---
\(H)kind: Tier
metadata: {name: internal}
spec:
  retention: {keepLast: 10, keepPushedWithin: 14d}
---
\(H)kind: Signer
metadata: {name: release}
spec:
  publicKeys:
    - |
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
      -----END PUBLIC KEY-----
---
\(H)kind: Repository
metadata: {name: "payments/*"}
spec: {tier: confidential}
---
\(H)kind: Repository
metadata: {name: payments/api}
spec:
  tier: confidential
  retention: {keepLast: 50}
  quota: 100GiB
---
\(H)kind: Repository
metadata: {name: "payments/**"}
spec: {tier: internal}
---
\(H)kind: Repository
metadata: {name: "**"}
spec:
  tier: internal
  immutableTags: []
---
\(H)kind: VulnerabilityException
metadata: {name: accepted}
spec: {vulnerability: CVE-2024-0001, repositories: ["payments/api"], expires: 2027-01-31, reason: unreachable}
"""

@Suite(.timeLimit(.minutes(5))) struct EffectivePolicyTests {
    let state: DesiredState = {
        let result = load(policyDeclarations, file: "policy.yaml")
        precondition(!result.hasErrors, rendered(result))
        return result.state
    }()

    @Test func repositoryOverridesTheTierFieldByField() throws {
        let policy = try #require(state.effectivePolicy(for: "payments/api"))
        #expect(policy.declaration.name == "payments/api")
        #expect(policy.tier.name == "confidential")
        // Overridden by the repository:
        #expect(policy.keepLast.value == 50)
        #expect(policy.keepLast.origin == .repository(policy.declaration, field: SourceLocation(file: "policy.yaml", line: 39, column: 25)))
        #expect(policy.quota.value?.bytes == 100 << 30)
        // Inherited from the tier:
        #expect(policy.keepPulledWithin.value == TimeSpan(value: 30, unit: .days))
        #expect(policy.keepPulledWithin.origin == .tier(policy.tier, field: SourceLocation(file: "policy.yaml", line: 9, column: 47)))
        #expect(policy.protect.value.map(\.text) == ["v*"])
        #expect(policy.signing.value == SigningPolicy(requiredSigners: ["release"], minimum: 1))
        #expect(policy.vulnerabilityOnPull.value == .block)
        #expect(policy.vulnerabilityThreshold.value == .high)
        // Neither declares it: the default.
        #expect(policy.keepPushedWithin.value == nil)
        #expect(policy.keepPushedWithin.origin == .defaultValue)
        #expect(policy.secretsOnPush.value == .block)
        #expect(policy.secretsOnPush.origin == .defaultValue)
        #expect(policy.vulnerabilityExceptions == ["accepted"])
    }

    @Test func exactNameWinsOverGlobs() throws {
        #expect(state.repositoryDeclaration(governing: "payments/api")?.name == "payments/api")
    }

    @Test func moreSpecificGlobWins() throws {
        // payments/* beats payments/** and ** for a name one level down.
        let policy = try #require(state.effectivePolicy(for: "payments/ledger"))
        #expect(policy.declaration.name == "payments/*")
        #expect(policy.tier.name == "confidential")
        #expect(policy.keepLast.value == 20)
        #expect(policy.vulnerabilityExceptions.isEmpty)
        // Deeper names only match payments/**.
        let deep = try #require(state.effectivePolicy(for: "payments/ledger/migrations"))
        #expect(deep.declaration.name == "payments/**")
        #expect(deep.tier.name == "internal")
        #expect(deep.keepPushedWithin.value == TimeSpan(value: 14, unit: .days))
        #expect(deep.signing.value == nil)
        #expect(deep.signing.origin == .defaultValue)
    }

    @Test func catchAllAppliesElsewhereAndCanClearALists() throws {
        let policy = try #require(state.effectivePolicy(for: "web/shop"))
        #expect(policy.declaration.name == "**")
        #expect(policy.immutableTags.value.isEmpty)
        if case .repository = policy.immutableTags.origin {} else { Issue.record("expected a repository origin") }
        #expect(policy.anonymousPull.value == false)
        #expect(policy.anonymousPull.origin == .defaultValue)
    }

    @Test func noDeclarationMeansNoPolicy() {
        let result = load(baseDeclarations, file: "base.yaml")
        #expect(result.state.effectivePolicy(for: "web/shop") == nil)
        #expect(result.state.effectivePolicy(for: "payments/api")?.declaration.name == "payments/*")
    }

    @Test func fieldSummaryNamesEveryOrigin() throws {
        let policy = try #require(state.effectivePolicy(for: "payments/api"))
        let lines = policy.fields.map(\.description)
        #expect(lines.contains("retention.keepLast = 50  (from Repository 'payments/api' (policy.yaml:39:25))"))
        #expect(lines.contains("scanning.secrets.onPush = block  (from default)"))
        #expect(lines.contains("signing = 1 of [release]  (from Tier 'confidential' (policy.yaml:8:12))"))
    }

    @Test func equallySpecificGlobsWithTheSameTierButDifferentOverridesWarn() {
        let yaml = """
            \(H)kind: Tier
            metadata: {name: internal}
            spec: {}
            ---
            \(H)kind: Repository
            metadata: {name: "**/api/**"}
            spec: {tier: internal, quota: 1GiB}
            ---
            \(H)kind: Repository
            metadata: {name: "**/web/**"}
            spec: {tier: internal}
            """
        let result = load(yaml)
        #expect(!result.hasErrors)
        #expect(rendered(result).contains("test.yaml:13:18: warning: Repository glob '**/web/**' and '**/api/**' (test.yaml:8:18) are equally specific, can match the same repositories and declare different overrides; '**/api/**' (first by name) is used where both match"), "\(rendered(result))")
        #expect(result.state.effectivePolicy(for: "api/web")?.declaration.name == "**/api/**")
    }

    @Test func manyRepositoriesResolveQuickly() {
        var repositories: [String] = []
        for i in 0..<10_000 {
            repositories.append("\(H)kind: Repository\nmetadata: {name: team-\(i % 100)/app-\(i)}\nspec: {tier: internal}\n")
        }
        for i in 0..<100 {
            repositories.append("\(H)kind: Repository\nmetadata: {name: \"team-\(i)/*\"}\nspec: {tier: internal}\n")
        }
        let tier = "\(H)kind: Tier\nmetadata: {name: internal}\nspec: {}\n"
        let result = load([("repos.yaml", repositories.joined(separator: "---\n")), ("tier.yaml", tier)])
        #expect(!result.hasErrors)
        let state = result.state
        timed("effectivePolicyLookups") {
            for i in 0..<10_000 {
                #expect(state.effectivePolicy(for: "team-\(i % 100)/app-\(i)")?.declaration.name == "team-\(i % 100)/app-\(i)")
                #expect(state.repositoryDeclaration(governing: "team-\(i % 100)/other-\(i)")?.name == "team-\(i % 100)/*")
            }
        }
    }
}

@Suite(.timeLimit(.minutes(5))) struct GlobScaleTests {
    /// Thousands of `**` globs of one shape must not be compared pairwise,
    /// and binding globs must not be matched against every declaration.
    @Test func manyGlobsValidateWithoutQuadraticWork() {
        var docs = ["\(H)kind: Tier\nmetadata: {name: internal}\nspec: {}\n",
                    "\(H)kind: Role\nmetadata: {name: dev}\nspec: {permissions: [pull]}\n",
                    "\(H)kind: User\nmetadata: {name: alice}\nspec: {passwordHash: \"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\"}\n"]
        for i in 0..<5_000 {
            docs.append("\(H)kind: Repository\nmetadata: {name: \"team-\(i)/**\"}\nspec: {tier: internal}\n")
        }
        for i in 0..<5_000 {
            docs.append("\(H)kind: RoleBinding\nmetadata: {name: b\(i)}\nspec: {role: dev, repositories: [\"team-\(i)/*\", \"*/x-\(i)\"], subjects: [{user: alice}]}\n")
        }
        let yaml = docs.joined(separator: "---\n")
        let result = timed("manyGlobsValidate") { load(yaml) }
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
    }
}

@Suite struct ValueTests {
    @Test func durations() {
        #expect(TimeSpan("90d")?.totalSeconds == Int64(90 * 86_400))
        #expect(TimeSpan("2w")?.totalSeconds == Int64(14 * 86_400))
        #expect(TimeSpan("45s")?.description == "45s")
        for bad in ["", "d", "0d", "-1d", "1.5h", "1y", "10 d", "01d", "1D", "9999999999d"] {
            #expect(TimeSpan(bad) == nil, "\(bad)")
        }
    }

    @Test func dates() {
        #expect(CalendarDate("2024-02-29") != nil)
        #expect(CalendarDate("2023-02-29") == nil)
        #expect(CalendarDate("1900-02-29") == nil)
        #expect(CalendarDate("2000-02-29") != nil)
        #expect(CalendarDate("2027-04-31") == nil)
        #expect(CalendarDate("2027-13-01") == nil)
        #expect(CalendarDate("2027-1-01") == nil)
        #expect(CalendarDate("2027-01-31")?.description == "2027-01-31")
    }

    @Test func sizes() {
        #expect(ByteSize("50GiB")?.bytes == 50 << 30)
        #expect(ByteSize("500MB")?.bytes == 500_000_000)
        #expect(ByteSize("1B")?.bytes == 1)
        for bad in ["", "GiB", "50", "50 GiB", "0GiB", "1.5GiB", "50gib", "99999999999999PiB"] {
            #expect(ByteSize(bad) == nil, "\(bad)")
        }
    }

    @Test func passwordHashes() {
        let bcrypt = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
        #expect(PasswordHash(bcrypt)?.algorithm == .bcrypt(cost: 12))
        #expect(PasswordHash(bcrypt.replacingOccurrences(of: "$2b$", with: "$2y$")) != nil)
        #expect(PasswordHash(bcrypt.replacingOccurrences(of: "$2b$", with: "$2x$")) == nil)
        #expect(PasswordHash(bcrypt.replacingOccurrences(of: "$12$", with: "$32$")) == nil)
        #expect(PasswordHash(String(bcrypt.dropLast())) == nil)
        let argon = "$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHRzb21lc2FsdA$RdescudvJCsgt3ub+b+dWRWJTmaaJObG"
        #expect(PasswordHash(argon)?.algorithm == .argon2id(memoryKiB: 65536, iterations: 3, parallelism: 4))
        #expect(PasswordHash("$argon2i$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG") == nil)
        #expect(PasswordHash("hunter2") == nil)
        #expect(!(PasswordHash(bcrypt)?.description.contains("R9h") ?? true))
    }

    @Test func vulnerabilityIDs() {
        #expect(VulnerabilityID("CVE-2024-0001")?.scheme == .cve)
        #expect(VulnerabilityID("CVE-2021-4422817") != nil)
        #expect(VulnerabilityID("GHSA-abcd-23fg-hj45")?.scheme == .ghsa)
        for bad in ["CVE-2024-001", "cve-2024-0001", "CVE-24-0001", "GHSA-ABCD-efgh-2345", "GHSA-abc-defg-2345", "RUSTSEC-2024-0001"] {
            #expect(VulnerabilityID(bad) == nil, "\(bad)")
        }
    }

    @Test func recipients() {
        #expect(RecipientKey.parse("age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn").isSuccess)
        #expect(RecipientKey.parse("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIOX9BgvNqPQOHODbw5fMpctCaI+g8y8QP9zBdtr49OxP ci").isSuccess)
        #expect(!RecipientKey.parse("ssh-ed25519 AAAAB3NzaC1yc2EAAAADAQABAAABAQ ci").isSuccess)
        #expect(!RecipientKey.parse("age1qqqq").isSuccess)
        #expect(!RecipientKey.parse("hello").isSuccess)
    }
}

extension Result {
    var isSuccess: Bool { if case .success = self { true } else { false } }
}
