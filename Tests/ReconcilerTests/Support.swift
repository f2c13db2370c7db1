import Foundation
import Declarations
import Reconciler

/// 2026-06-01T12:00:00Z
let fixedNow = Date(timeIntervalSince1970: 1_780_315_200)

let hashA = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
let hashB = "$2b$12$3pQNXovL48DU1E6d.XuSjeVVdlsKwwVM5p8GHg.XFP7Ql1nMUCyPO"
let releaseKey = "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=\n-----END PUBLIC KEY-----"
let ageRecipient = "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn"

func object(_ kind: DeclarationKind, _ name: String, _ spec: ConfigValue, labels: [String: String] = [:]) -> CanonicalObject {
    CanonicalObject(kind: kind, name: name, labels: labels, spec: spec)
}

/// A small valid state, one or more objects of every kind.
enum Fixture {
    static let signer = object(.signer, "release", ["publicKeys": [.string(releaseKey)]])
    static let internalTier = object(.tier, "internal", ["retention": ["keepLast": 10]])
    static let confidentialTier = object(.tier, "confidential", [
        "anonymousPull": false,
        "signing": ["requiredSigners": ["release"], "minimum": 1],
        "retention": ["keepLast": 20, "keepPulledWithin": "30d", "protect": ["v*"]],
    ])
    static let adminRole = object(.role, "admin", ["permissions": ["pull", "push", "delete", "admin"]])
    static let developerRole = object(.role, "developer", ["permissions": ["pull", "push"]])
    static let alice = object(.user, "alice", ["passwordHash": .string(hashA), "email": "alice@example.com"])
    static let bob = object(.user, "bob", ["passwordHash": .string(hashA)])
    static let payments = object(.team, "payments", ["members": ["alice", "bob"]])
    static let robot = object(.robotAccount, "payments-ci", [
        "expiresIn": "90d", "rotateEvery": "30d", "deliverTo": ["recipientPublicKey": .string(ageRecipient)],
    ])
    static let paymentsGlob = object(.repository, "payments/*", ["tier": "confidential"])
    static let paymentsAPI = object(.repository, "payments/api", ["tier": "confidential", "retention": ["keepLast": 50]])
    static let catchAll = object(.repository, "**", ["tier": "internal"])
    static let admins = object(.roleBinding, "admins", [
        "role": "admin", "repositories": ["**"], "subjects": [["user": "alice"]],
    ])
    static let developers = object(.roleBinding, "payments-developers", [
        "role": "developer", "repositories": ["payments/*"], "subjects": [["team": "payments"], ["robot": "payments-ci"]],
    ])
    static let exception = object(.vulnerabilityException, "cve-2024-0001", [
        "vulnerability": "CVE-2024-0001", "repositories": ["payments/api"], "expires": "2027-01-31", "reason": "unreachable",
    ])

    static let secretRule = object(.secretRule, "acme-token", [
        "regex": "acme_[A-Za-z0-9]{32}", "keywords": ["acme_"], "entropy": "3.5", "paths": ["app/**", "etc/**"],
    ])
    static let secretException = object(.secretException, "test-keys", [
        "rule": "acme-token", "repositories": ["payments/*"], "paths": ["app/testdata/**"], "expires": "2027-01-31",
        "reason": "test fixtures",
    ])

    static let webhook = object(.webhook, "security-feed", [
        "url": "https://hooks.example.com/berth", "events": ["manifest-push", "verdict-change"],
        "repositories": ["payments/*"], "secretRef": ["env": "BERTH_WEBHOOK_SECURITY"], "timeout": "10s",
    ])

    static let all: [CanonicalObject] = [
        signer, internalTier, confidentialTier, adminRole, developerRole, alice, bob, payments, robot,
        paymentsGlob, paymentsAPI, catchAll, admins, developers, exception, secretRule, secretException, webhook,
    ].sorted()
}

func makePlan(desired: [CanonicalObject], live: [CanonicalObject], facts: LiveFacts = .none,
              source: PlanSource = PlanSource()) -> Plan {
    Planner.plan(desired: desired, live: live, facts: facts, liveFingerprint: "sha256:live",
                 desiredFingerprint: "sha256:desired", source: source, now: fixedNow)
}

extension Array where Element == CanonicalObject {
    func without(_ kind: DeclarationKind, _ name: String) -> [CanonicalObject] {
        filter { !($0.kind == kind && $0.name == name) }
    }

    func replacing(_ replacement: CanonicalObject) -> [CanonicalObject] {
        map { $0.kind == replacement.kind && $0.name == replacement.name ? replacement : $0 }
    }
}

extension CanonicalObject {
    func with(_ spec: ConfigValue) -> CanonicalObject {
        var copy = self
        copy.spec = spec
        return copy
    }
}

let H = "apiVersion: berth.dev/v1alpha1\n"

/// Loads YAML declarations, failing the test on errors.
func loadState(_ yaml: String, file: String = "decl.yaml") -> LoadResult {
    DeclarationLoader().load([DeclarationFile(path: file, contents: Data(yaml.utf8))], now: fixedNow)
}
