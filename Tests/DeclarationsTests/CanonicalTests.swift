import Foundation
import Testing
import Declarations

@Suite struct ConfigValueTests {
    @Test func canonicalJSONSortsKeysAndHasNoWhitespace() {
        let value: ConfigValue = [
            "zeta": 1, "alpha": ["b": true, "a": false], "Mid": ["x", 2, [:]], "émoji": "é/ü",
        ]
        #expect(value.canonicalJSONString == #"{"Mid":["x",2,{}],"alpha":{"a":false,"b":true},"zeta":1,"émoji":"é/ü"}"#)
    }

    @Test func canonicalJSONEscapesOnlyWhatItMust() {
        let value = ConfigValue.string("a\"b\\c\nd\te\u{01}f/g\u{7F}")
        #expect(value.canonicalJSONString == #""a\"b\\c\nd\te\u0001f/g"# + "\u{7F}\"")
    }

    @Test func equalObjectsEncodeIdenticallyWhateverTheirBuildOrder() {
        var a: [String: ConfigValue] = [:]
        var b: [String: ConfigValue] = [:]
        for i in 0..<50 { a["k\(i)"] = .integer(i) }
        for i in (0..<50).reversed() { b["k\(i)"] = .integer(i) }
        #expect(ConfigValue.object(a) == ConfigValue.object(b))
        #expect(ConfigValue.object(a).canonicalJSON == ConfigValue.object(b).canonicalJSON)
    }

    @Test func parsesWhatItWrites() throws {
        let value: ConfigValue = ["list": [1, -2, "three", ["nested": ["deep": "\u{1F600}\n"]]], "flag": false, "n": 0]
        #expect(try ConfigValue(json: value.canonicalJSON) == value)
        // Whitespace and escapes other than the canonical ones are accepted.
        #expect(try ConfigValue(json: Data(#" { "a" : [ 1 , "\u00e9\/" ] } "#.utf8)) == ["a": [1, "é/"]])
        #expect(try ConfigValue(json: Data(#""\ud83d\ude00""#.utf8)) == "\u{1F600}")
    }

    @Test(arguments: [
        ("null", "null is not allowed"),
        ("1.5", "only integers"),
        ("1e3", "only integers"),
        ("012", "leading zero"),
        (#"{"a":1,"a":2}"#, "duplicate key \"a\""),
        ("[1,2] x", "unexpected text"),
        (#"{"a":1"#, "unexpected end"),
        ("\"tab\tinside\"", "control character"),
        ("99999999999999999999", "out of range"),
    ])
    func rejectsWhatItDoesNotModel(json: String, reason: String) {
        #expect {
            try ConfigValue(json: Data(json.utf8))
        } throws: { error in
            "\(error)".contains(reason)
        }
    }

    @Test func codableThroughFoundation() throws {
        let value: ConfigValue = ["b": [true, 3, "x"], "a": [:]]
        let data = try JSONEncoder().encode(value)
        #expect(try JSONDecoder().decode(ConfigValue.self, from: data) == value)
        #expect(throws: DecodingError.self) { try JSONDecoder().decode(ConfigValue.self, from: Data("[1.5]".utf8)) }
    }

    @Test func pathSubscript() {
        let value: ConfigValue = ["retention": ["keepLast": 20]]
        #expect(value[path: "retention.keepLast"] == 20)
        #expect(value[path: "retention.missing"] == nil)
    }
}

@Suite struct CanonicalFormTests {
    static let examples: LoadResult = DeclarationLoader().load(directory: examplesDirectory, now: fixedNow)

    func object(_ kind: DeclarationKind, _ name: String) throws -> CanonicalObject {
        try #require(Self.examples.state.canonicalObjects().first { $0.kind == kind && $0.name == name })
    }

    @Test func examplesRoundTripThroughTypedState() throws {
        let result = Self.examples
        #expect(!result.hasErrors, "\(rendered(result))")
        let canonical = result.state.canonicalObjects()
        let state = result.state
        let declared: [Int] = [
            state.tiers.count, state.repositories.count, state.roles.count, state.roleBindings.count, state.users.count,
            state.teams.count, state.robotAccounts.count, state.signers.count, state.vulnerabilityExceptions.count,
            state.secretRules.count, state.secretExceptions.count, state.webhooks.count,
        ]
        #expect(canonical.count == declared.reduce(0, +))
        let again = try DesiredState(canonical: canonical).canonicalObjects()
        #expect(again == canonical)
        // Order does not matter on the way in.
        #expect(try DesiredState(canonical: canonical.reversed()).canonicalObjects() == canonical)
        // And through JSON (Codable and canonical JSON).
        let data = try JSONEncoder().encode(canonical)
        #expect(try JSONDecoder().decode([CanonicalObject].self, from: data) == canonical)
        for object in canonical {
            #expect(try ConfigValue(json: object.canonicalJSON) == object.configValue)
        }
    }

    @Test func sortedByKindThenName() {
        let canonical = Self.examples.state.canonicalObjects()
        #expect(canonical == canonical.sorted())
        let kinds = canonical.map(\.kind)
        #expect(kinds.first == .tier && kinds.last == .secretException)
        let tiers = canonical.filter { $0.kind == .tier }.map(\.name)
        #expect(tiers == ["confidential", "internal", "public"])
    }

    @Test func tierShape() throws {
        let tier = try object(.tier, "confidential")
        #expect(tier.labels == ["sensitivity": "high"])
        #expect(tier.annotations == ["berth.dev/owner": "security@example.com"])
        #expect(tier.spec == [
            "description": "Payment and identity services; signed images only.",
            "anonymousPull": false,
            "scanning": [
                "vulnerabilities": ["onPush": "block", "onPull": "block", "threshold": "high", "rescanEvery": "24h"],
                "secrets": ["onPush": "block"],
            ],
            "signing": ["requiredSigners": ["release-pipeline", "security-team"], "minimum": 1],
            "retention": ["keepLast": 20, "keepPulledWithin": "30d", "protect": ["v*"]],
            "immutableTags": ["v*"],
            "quota": "50GiB",
        ])
        #expect(tier.canonicalJSON.count > 0)
        let json = String(decoding: tier.canonicalJSON, as: UTF8.self)
        #expect(json.hasPrefix(#"{"annotations":{"berth.dev/owner":"security@example.com"},"kind":"Tier","labels":{"sensitivity":"high"},"name":"confidential","spec":{"anonymousPull":false,"#))
    }

    @Test func repositoryShapeOmitsWhatIsNotDeclared() throws {
        #expect(try object(.repository, "payments/api").spec == [
            "tier": "confidential", "description": "Payments API.", "retention": ["keepLast": 50],
        ])
        #expect(try object(.repository, "payments/*").spec == ["tier": "confidential", "description": "Every payments service."])
        let ledger = try object(.repository, "payments/ledger")
        #expect(ledger.spec == [
            "tier": "confidential", "description": "Double-entry ledger.",
            "retention": ["keepLast": 100, "keepPushedWithin": "365d"], "quota": "100GiB",
        ])
    }

    @Test func bindingsSortSubjectsAndRepositories() throws {
        let binding = try object(.roleBinding, "registry-admins")
        // Declared [{team: security}, {user: dave}]: users sort before teams.
        #expect(binding.spec == ["role": "admin", "repositories": ["**"], "subjects": [["user": "dave"], ["team": "security"]]])
    }

    @Test func otherKinds() throws {
        #expect(try object(.role, "admin").spec == [
            "description": "Everything, including repository settings.", "permissions": ["pull", "push", "delete", "admin"],
        ])
        #expect(try object(.team, "payments").spec == ["description": "Payments engineering.", "members": ["alice", "bob"]])
        #expect(try object(.user, "alice").spec == [
            "passwordHash": "$2b$12$3pQNXovL48DU1E6d.XuSjeVVdlsKwwVM5p8GHg.XFP7Ql1nMUCyPO", "email": "alice@example.com",
        ])
        #expect(try object(.robotAccount, "payments-ci").spec == [
            "description": "Payments CI pipeline.", "expiresIn": "90d", "rotateEvery": "30d",
            "deliverTo": ["recipientPublicKey": "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn"],
        ])
        #expect(try object(.vulnerabilityException, "cve-2024-45337-payments").spec == [
            "vulnerability": "CVE-2024-45337", "repositories": ["payments/api", "payments/ledger"], "expires": "2027-03-31",
            "reason": "golang.org/x/crypto/ssh misuse of ServerConfig.PublicKeyCallback; our services do not run an SSH server, so the vulnerable path is unreachable.",
            "owner": "security",
        ])
        let signer = try object(.signer, "release-pipeline")
        #expect(signer.spec["publicKeys"] == [
            "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEABMyzKLutNV/w80CXpuU3jzc9BnZWj7ZdKmlrKCU2dRs=\n-----END PUBLIC KEY-----",
            "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEI1h5HzsBkjo0BnWOhuJV8gw29MUU\nF0KcneF1vkTLnfNDNaOO1Uyf0nPWOQGNiylk3yVdcIdUmfvpSHMZ/U9HKQ==\n-----END PUBLIC KEY-----",
        ])
    }

    /// Declarations that mean the same thing have equal canonical objects.
    @Test func orderWrappingAndRepeatsDoNotMatter() throws {
        let users = (["alice", "bob"].map {
            "\(H)kind: User\nmetadata: {name: \($0)}\nspec: {passwordHash: \"$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW\"}\n"
        }).joined(separator: "---\n")
        let a = load([("users.yaml", users), ("test.yaml", """
        \(H)kind: Team
        metadata: {name: t}
        spec: {members: [bob, alice]}
        ---
        \(H)kind: Role
        metadata: {name: r}
        spec: {permissions: [admin, pull, pull]}
        ---
        \(H)kind: Signer
        metadata: {name: s}
        spec:
          publicKeys:
            - "-----BEGIN PUBLIC KEY-----\\r\\n  MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECMQsmdPDPBf2DFBCB64VI6usTwk12q+Q76E2MK5Xx0k1SPuBCW0nqHwAIIqEyP7b7e1EfDX0CRgUqoTT9+J30w==\\r\\n-----END PUBLIC KEY-----\\r\\n"
        ---
        \(H)kind: Tier
        metadata: {name: x}
        spec:
          scanning: {}
          retention: {protect: [latest, "v*"]}
          signing: {requiredSigners: [s]}
        """)])
        let b = load([("users.yaml", users), ("test.yaml", """
        \(H)kind: Team
        metadata: {name: t}
        spec: {members: [alice, bob]}
        ---
        \(H)kind: Role
        metadata: {name: r}
        spec: {permissions: [pull, admin]}
        ---
        \(H)kind: Signer
        metadata: {name: s}
        spec:
          publicKeys:
            - |
              -----BEGIN PUBLIC KEY-----
              MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAECMQsmdPDPBf2DFBCB64VI6usTwk1
              2q+Q76E2MK5Xx0k1SPuBCW0nqHwAIIqEyP7b7e1EfDX0CRgUqoTT9+J30w==
              -----END PUBLIC KEY-----
        ---
        \(H)kind: Tier
        metadata: {name: x}
        spec:
          retention: {protect: ["v*", latest]}
          signing: {requiredSigners: [s], minimum: 1}
        """)])
        #expect(!a.hasErrors, "\(rendered(a))")
        #expect(!b.hasErrors, "\(rendered(b))")
        #expect(a.state.canonicalObjects() == b.state.canonicalObjects())
        let tier = try #require(b.state.canonicalObjects().first { $0.kind == .tier })
        #expect(tier.spec == ["retention": ["protect": ["latest", "v*"]], "signing": ["requiredSigners": ["s"], "minimum": 1]])
    }

    @Test func emptyListsAreKeptBecauseTheyMeanSomething() throws {
        let result = load("""
        \(H)kind: Tier
        metadata: {name: t}
        spec: {immutableTags: ["v*"]}
        ---
        \(H)kind: Repository
        metadata: {name: "a/**"}
        spec: {tier: t, immutableTags: [], retention: {protect: []}}
        """)
        #expect(!result.hasErrors, "\(rendered(result))")
        let repo = try #require(result.state.canonicalObjects().first { $0.kind == .repository })
        #expect(repo.spec == ["tier": "t", "immutableTags": [], "retention": ["protect": []]])
        let back = try DesiredState(canonical: [repo])
        #expect(back.repositories[0].immutableTags == [])
        #expect(back.repositories[0].retention.protect == [])
    }

    @Test func decodedObjectsPointAtTheirOrigin() throws {
        let state = try DesiredState(canonical: Self.examples.state.canonicalObjects(), origin: "live")
        #expect(state.tiers[0].source == SourceLocation(file: "live", line: 0, column: 0))
        // The typed model is usable for enforcement: effective policy works.
        let policy = try #require(state.effectivePolicy(for: "payments/api"))
        #expect(policy.keepLast.value == 50)
        #expect(policy.signing.value?.requiredSigners == ["release-pipeline", "security-team"])
    }

    // MARK: Decoding errors

    static let validUser = CanonicalObject(kind: .user, name: "alice", spec: [
        "passwordHash": "$2b$12$3pQNXovL48DU1E6d.XuSjeVVdlsKwwVM5p8GHg.XFP7Ql1nMUCyPO",
    ])

    @Test(arguments: [
        (CanonicalObject(kind: .tier, name: "t", spec: ["retention": ["keepLast": "ten"]]),
         "Tier 't': spec.retention.keepLast: expected an integer, found a string"),
        (CanonicalObject(kind: .tier, name: "t", spec: ["retention": ["keepLast": -1]]),
         "Tier 't': spec.retention.keepLast: expected an integer of at least 0, found -1"),
        (CanonicalObject(kind: .tier, name: "t", spec: ["anonymousPul": true]),
         "Tier 't': spec.anonymousPul: unknown field; expected one of: description, anonymousPull, scanning, signing, retention, immutableTags, quota"),
        (CanonicalObject(kind: .tier, name: "t", spec: ["scanning": ["vulnerabilities": ["onPush": "stop"]]]),
         "Tier 't': spec.scanning.vulnerabilities.onPush: invalid value (expected one of: block, warn, off) \"stop\""),
        (CanonicalObject(kind: .tier, name: "t", spec: ["signing": ["requiredSigners": ["a"], "minimum": 2]]),
         "Tier 't': spec.signing.minimum: is 2 but only 1 signer(s) are listed"),
        (CanonicalObject(kind: .repository, name: "a/*b", spec: ["tier": "t"]),
         "Repository 'a/*b': invalid repository name or glob: component 2 '*b' mixes '*' with other characters; a wildcard must be a whole component ('*' or '**')"),
        (CanonicalObject(kind: .repository, name: "a", spec: [:]), "Repository 'a': spec.tier: missing required field"),
        (CanonicalObject(kind: .repository, name: "a", spec: ["tier": "t", "quota": "5 GB"]), "Repository 'a': spec.quota: invalid size \"5 GB\""),
        (CanonicalObject(kind: .role, name: "r", spec: ["permissions": ["pull", "fly"]]),
         "Role 'r': spec.permissions[1]: invalid permission \"fly\"; expected one of: pull, push, delete, admin"),
        (CanonicalObject(kind: .roleBinding, name: "b", spec: ["role": "r", "repositories": ["a"], "subjects": [["group": "x"]]]),
         "RoleBinding 'b': spec.subjects[0].group: unknown subject kind; expected user, team or robot"),
        (CanonicalObject(kind: .roleBinding, name: "b", spec: ["role": "r", "repositories": [], "subjects": [["user": "x"]]]),
         "RoleBinding 'b': spec.repositories: expected a non-empty list"),
        (CanonicalObject(kind: .robotAccount, name: "ci", spec: ["expiresIn": "90 days", "deliverTo": ["recipientPublicKey": "x"]]),
         "RobotAccount 'ci': spec.expiresIn: invalid duration \"90 days\""),
        (CanonicalObject(kind: .robotAccount, name: "ci", spec: ["expiresIn": "90d", "deliverTo": ["recipientPublicKey": "AGE-SECRET-KEY-1XYZ"]]),
         "RobotAccount 'ci': spec.deliverTo.recipientPublicKey: invalid key: it is an age SECRET key; secret keys never go in git, put its public recipient (age1…) here"),
        (CanonicalObject(kind: .vulnerabilityException, name: "e", spec: ["vulnerability": "CVE-2024-1", "repositories": ["a"], "expires": "2027-01-01", "reason": "r"]),
         "VulnerabilityException 'e': spec.vulnerability: invalid vulnerability id \"CVE-2024-1\""),
        (CanonicalObject(kind: .vulnerabilityException, name: "e", spec: ["vulnerability": "CVE-2024-1234", "repositories": ["a"], "expires": "2027-02-30", "reason": "r"]),
         "VulnerabilityException 'e': spec.expires: invalid date \"2027-02-30\""),
        (CanonicalObject(kind: .team, name: "Bad Name", spec: ["members": []]),
         "Team 'Bad Name': invalid name; expected 1-63 characters of a-z, 0-9, '-', '.', '_', starting and ending with a letter or digit"),
    ])
    func decodingErrorsSayWhereAndWhy(object: CanonicalObject, message: String) {
        #expect {
            try DesiredState(canonical: [object])
        } throws: { error in
            "\(error)" == message
        }
    }

    @Test func duplicateObjectsAreRefused() {
        #expect(throws: CanonicalDecodingError(kind: .user, name: "alice", path: "", reason: "appears twice (names are unique per kind)")) {
            try DesiredState(canonical: [Self.validUser, Self.validUser])
        }
    }

    @Test func anInvalidPasswordHashIsNeverEchoed() {
        let secret = "hunter2-plaintext"
        let user = CanonicalObject(kind: .user, name: "bob", spec: ["passwordHash": .string(secret)])
        #expect {
            try DesiredState(canonical: [user])
        } throws: { error in
            "\(error)" == "User 'bob': spec.passwordHash: is not a valid bcrypt or argon2id hash" && !"\(error)".contains(secret)
        }
    }

    // MARK: Fingerprint

    @Test func stateJSONIsSortedCanonicalJSON() {
        let a = CanonicalObject(kind: .team, name: "b", spec: ["members": ["x"]])
        let b = CanonicalObject(kind: .tier, name: "a", spec: [:])
        #expect(String(decoding: CanonicalObject.canonicalJSON(of: [a, b]), as: UTF8.self)
            == #"[{"kind":"Tier","name":"a","spec":{}},{"kind":"Team","name":"b","spec":{"members":["x"]}}]"#)
        #expect(CanonicalObject.canonicalJSON(of: [a, b]) == CanonicalObject.canonicalJSON(of: [b, a]))
    }

    @Test func examplesSurviveTheRoundTripByteForByte() throws {
        let canonical = Self.examples.state.canonicalObjects()
        let again = try DesiredState(canonical: canonical).canonicalObjects()
        #expect(CanonicalObject.canonicalJSON(of: canonical) == CanonicalObject.canonicalJSON(of: again))
    }

    // MARK: Effective policy of a declaration

    @Test func effectivePolicyOfAGlobDeclaration() throws {
        let state = Self.examples.state
        let policy = try #require(state.effectivePolicy(ofDeclaration: "payments/*"))
        #expect(policy.repository == "payments/*")
        #expect(policy.declaration.name == "payments/*")
        #expect(policy.tier.name == "confidential")
        #expect(policy.keepLast.value == 20)
        #expect(policy.vulnerabilityExceptions == ["cve-2024-45337-payments"])
        let exact = try #require(state.effectivePolicy(ofDeclaration: "payments/api"))
        #expect(exact == state.effectivePolicy(for: "payments/api"))
        #expect(state.effectivePolicy(ofDeclaration: "payments/nothing") == nil)
        #expect(state.repositoryDeclaration(named: "**")?.name == "**")
    }
}
