import Foundation
import Testing
import Declarations

/// One broken declaration and the diagnostic it must produce.
struct BrokenCase: CustomTestStringConvertible, Sendable {
    let name: String
    let yaml: String
    /// A substring of one rendered diagnostic (`file:line:column: message`).
    let expected: String

    var testDescription: String { name }
}

let H = "apiVersion: berth.dev/v1alpha1\n"

let brokenCases: [BrokenCase] = [
    BrokenCase(name: "YAML syntax error", yaml: """
        \(H)kind: Team
        metadata: {name: web
        spec: {members: [alice]}
        """,
        expected: "test.yaml:4:5: invalid YAML: did not find expected ',' or '}' (while parsing a flow mapping started at 3:11)"),
    BrokenCase(name: "unknown field with a suggestion", yaml: """
        \(H)kind: Tier
        metadata: {name: strict}
        spec:
          scanning:
            vulnerabilities: {onpush: block}
        """,
        expected: "test.yaml:6:23: unknown field 'onpush' in spec.scanning.vulnerabilities; expected one of: onPush, onPull, threshold, rescanEvery (did you mean 'onPush'?)"),
    BrokenCase(name: "unknown top-level field", yaml: """
        \(H)kind: Role
        metadata: {name: reader}
        spec: {permissions: [pull]}
        status: {}
        """,
        expected: "test.yaml:5:1: unknown field 'status' in the document; expected one of: apiVersion, kind, metadata, spec"),
    BrokenCase(name: "unknown metadata field", yaml: """
        \(H)kind: Role
        metadata: {name: reader, namespace: default}
        spec: {permissions: [pull]}
        """,
        expected: "test.yaml:3:26: unknown field 'namespace' in metadata; expected one of: name, labels, annotations"),
    BrokenCase(name: "wrong apiVersion", yaml: """
        apiVersion: v1
        kind: Role
        metadata: {name: reader}
        spec: {permissions: [pull]}
        """,
        expected: "test.yaml:1:13: unsupported apiVersion 'v1'; expected berth.dev/v1alpha1"),
    BrokenCase(name: "unknown kind", yaml: """
        \(H)kind: Tiers
        metadata: {name: x}
        spec: {}
        """,
        expected: "test.yaml:2:7: unknown kind 'Tiers'; expected one of: Tier, Repository, Role, RoleBinding, User, Team, RobotAccount, Signer, VulnerabilityException, SecretRule, SecretException, Webhook (did you mean 'Tier'?)"),
    BrokenCase(name: "document is not a mapping", yaml: """
        - just
        - a list
        """,
        expected: "test.yaml:1:1: a declaration must be a mapping with apiVersion, kind, metadata and spec; found a list"),
    BrokenCase(name: "missing metadata.name", yaml: """
        \(H)kind: Role
        metadata: {labels: {a: b}}
        spec: {permissions: [pull]}
        """,
        expected: "test.yaml:3:11: missing required field 'name' in metadata"),
    BrokenCase(name: "wrong type for a boolean", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec: {anonymousPull: "yes"}
        """,
        expected: "test.yaml:4:23: spec.anonymousPull: expected true or false; found the quoted string 'yes'"),
    BrokenCase(name: "list where a mapping is expected", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec:
          retention: [keepLast, 5]
        """,
        expected: "test.yaml:5:14: spec.retention: expected a mapping with fields keepLast, keepPulledWithin, keepPushedWithin, protect; found a list"),
    BrokenCase(name: "negative keepLast", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec:
          retention: {keepLast: -1}
        """,
        expected: "test.yaml:5:25: spec.retention.keepLast: expected an integer from 0 to 1000000000; found -1"),
    BrokenCase(name: "invalid duration", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec:
          retention: {keepPulledWithin: 3 months}
        """,
        expected: "test.yaml:5:33: spec.retention.keepPulledWithin: invalid duration '3 months'; expected a duration such as 45s, 30m, 12h, 90d or 2w"),
    BrokenCase(name: "zero duration", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 0d
          deliverTo: {recipientPublicKey: "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn"}
        """,
        expected: "test.yaml:5:14: spec.expiresIn: invalid duration '0d'"),
    BrokenCase(name: "invalid enum value", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec:
          scanning: {vulnerabilities: {onPull: blok}}
        """,
        expected: "test.yaml:5:40: spec.scanning.vulnerabilities.onPull: expected one of: block, warn, off; found 'blok' (did you mean 'block'?)"),
    BrokenCase(name: "signing.minimum larger than the signers", yaml: """
        \(H)kind: Tier
        metadata: {name: strict}
        spec:
          signing: {requiredSigners: [release], minimum: 2}
        """,
        expected: "test.yaml:5:50: spec.signing.minimum is 2 but only 1 signer is listed in requiredSigners; expected a number from 1 to 1"),
    BrokenCase(name: "unknown signer", yaml: """
        \(H)kind: Tier
        metadata: {name: strict}
        spec:
          signing: {requiredSigners: [relase]}
        """,
        expected: "test.yaml:5:31: spec.signing.requiredSigners[0] refers to Signer 'relase', which is not declared; declared: release (did you mean 'release'?)"),
    BrokenCase(name: "repository with unknown tier", yaml: """
        \(H)kind: Repository
        metadata: {name: web/shop}
        spec: {tier: confidental}
        """,
        expected: "test.yaml:4:14: spec.tier refers to Tier 'confidental', which is not declared; declared: confidential, internal (did you mean 'confidential'?)"),
    BrokenCase(name: "repository missing its tier", yaml: """
        \(H)kind: Repository
        metadata: {name: web/shop}
        spec: {description: Shop}
        """,
        expected: "test.yaml:4:7: missing required field 'tier' in spec; expected the name of a Tier"),
    BrokenCase(name: "invalid repository name", yaml: """
        \(H)kind: Repository
        metadata: {name: Web/Shop}
        spec: {tier: internal}
        """,
        expected: "test.yaml:3:18: metadata.name: invalid repository name or glob 'Web/Shop': component 1 'Web' has upper-case letters; names are lower-case"),
    BrokenCase(name: "partial wildcard in a glob", yaml: """
        \(H)kind: Repository
        metadata: {name: "web/shop-*"}
        spec: {tier: internal}
        """,
        expected: "test.yaml:3:18: metadata.name: invalid repository name or glob 'web/shop-*': component 2 'shop-*' mixes '*' with other characters; a wildcard must be a whole component ('*' or '**')"),
    BrokenCase(name: "bad separator in repository name", yaml: """
        \(H)kind: Repository
        metadata: {name: web/shop--}
        spec: {tier: internal}
        """,
        expected: "test.yaml:3:18: metadata.name: invalid repository name or glob 'web/shop--': component 2 'shop--' must end with a lower-case letter or digit"),
    BrokenCase(name: "security field on a repository", yaml: """
        \(H)kind: Repository
        metadata: {name: web/shop}
        spec: {tier: internal, anonymousPull: true}
        """,
        expected: "test.yaml:4:24: spec.anonymousPull cannot be set on a Repository: anonymousPull, scanning and signing come from its tier"),
    BrokenCase(name: "duplicate name", yaml: """
        \(H)kind: Role
        metadata: {name: developer}
        spec: {permissions: [pull]}
        """,
        expected: "test.yaml:3:18: duplicate Role name 'developer'; it is first declared at base.yaml:26:18 (names are unique per kind)"),
    BrokenCase(name: "duplicate key in a mapping", yaml: """
        \(H)kind: Role
        metadata: {name: reader}
        spec:
          permissions: [pull]
          permissions: [push]
        """,
        expected: "test.yaml:6:3: duplicate key 'permissions' in mapping; first defined at 5:3"),
    BrokenCase(name: "unknown permission", yaml: """
        \(H)kind: Role
        metadata: {name: reader}
        spec: {permissions: [pull, write]}
        """,
        expected: "test.yaml:4:28: spec.permissions[1]: expected one of: pull, push, delete, admin; found 'write'"),
    BrokenCase(name: "binding to an unknown role", yaml: """
        \(H)kind: RoleBinding
        metadata: {name: b}
        spec:
          role: maintainer
          repositories: ["payments/*"]
          subjects: [{team: payments}]
        """,
        expected: "test.yaml:5:9: spec.role refers to Role 'maintainer', which is not declared; declared: developer"),
    BrokenCase(name: "subject with two kinds", yaml: """
        \(H)kind: RoleBinding
        metadata: {name: b}
        spec:
          role: developer
          repositories: ["payments/*"]
          subjects: [{team: payments, user: alice}]
        """,
        expected: "test.yaml:7:14: spec.subjects[0]: a subject must have exactly one of: user, team, robot; found team and user"),
    BrokenCase(name: "subject naming an unknown robot", yaml: """
        \(H)kind: RoleBinding
        metadata: {name: b}
        spec:
          role: developer
          repositories: ["payments/*"]
          subjects: [{robot: payments-ci}]
        """,
        expected: "test.yaml:7:22: spec.subjects[0].robot refers to RobotAccount 'payments-ci', which is not declared; no RobotAccount is declared"),
    BrokenCase(name: "team member who is not a user", yaml: """
        \(H)kind: Team
        metadata: {name: web}
        spec: {members: [alice, mallory]}
        """,
        expected: "test.yaml:4:25: spec.members[1] refers to User 'mallory', which is not declared; declared: alice"),
    BrokenCase(name: "plaintext password", yaml: """
        \(H)kind: User
        metadata: {name: bob}
        spec:
          password: hunter2
        """,
        expected: "test.yaml:5:3: spec.password is not allowed: plaintext passwords never go in git; store a bcrypt or argon2id hash in spec.passwordHash instead"),
    BrokenCase(name: "password hash that is not a hash", yaml: """
        \(H)kind: User
        metadata: {name: bob}
        spec: {passwordHash: hunter2}
        """,
        expected: "test.yaml:4:22: spec.passwordHash is not a valid hash; expected a bcrypt hash ($2a$, $2b$ or $2y$, a cost from 04 to 31 and 53 characters of salt and hash)"),
    BrokenCase(name: "bcrypt cost out of range", yaml: """
        \(H)kind: User
        metadata: {name: bob}
        spec: {passwordHash: "$2b$03$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"}
        """,
        expected: "test.yaml:4:22: spec.passwordHash is not a valid hash"),
    BrokenCase(name: "invalid email", yaml: """
        \(H)kind: User
        metadata: {name: bob}
        spec: {passwordHash: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW", email: bob-at-example}
        """,
        expected: "test.yaml:4:93: spec.email: invalid email address 'bob-at-example'; expected an address like name@example.com"),
    BrokenCase(name: "rotateEvery not shorter than expiresIn", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 30d
          rotateEvery: 5w
          deliverTo: {recipientPublicKey: "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn"}
        """,
        expected: "test.yaml:6:16: spec.rotateEvery (5w) must be shorter than spec.expiresIn (30d)"),
    BrokenCase(name: "age recipient with a bad checksum", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 30d
          deliverTo: {recipientPublicKey: "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemm"}
        """,
        expected: "test.yaml:6:35: spec.deliverTo.recipientPublicKey: invalid key: it is not a valid age recipient"),
    BrokenCase(name: "private key as a recipient", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 30d
          deliverTo: {recipientPublicKey: "AGE-SECRET-KEY-1QQQQ"}
        """,
        expected: "test.yaml:6:35: spec.deliverTo.recipientPublicKey: invalid key: it is an age SECRET key; secret keys never go in git"),
    BrokenCase(name: "elliptic-curve key as a recipient", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 30d
          deliverTo:
            recipientPublicKey: |
              -----BEGIN PUBLIC KEY-----
              MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE5MngE/sdIPl4pJV6jQZpno5GROuQ
              6+0In33ZDTb/5hYl4ZuHJ6q6g5C63p3f/mnHSq3NqRPYcL2yKgskzBV5HA==
              -----END PUBLIC KEY-----
        """,
        expected: "test.yaml:7:25: spec.deliverTo.recipientPublicKey: invalid key: it is an elliptic-curve key, which tokens cannot be sealed to"),
    BrokenCase(name: "RSA key too short to seal a token to", yaml: """
        \(H)kind: RobotAccount
        metadata: {name: ci}
        spec:
          expiresIn: 30d
          deliverTo: {recipientPublicKey: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDVsqME+jGs3fFjK6CnuOeJcmEQrjlleLrWEiUb1fIdYAmiggOEKLL66WOH/GotswLTN+iGuGztYwmm0sRcnO2A6hxn7O+aoQe9cl+Lyq1pTtL4h+Lbinj/xLd6p9UQyY+SwzWyNTZ5bv1CgN1wa0qv9rQG+lKnFlxisEFE6eF5SQ=="}
        """,
        expected: "test.yaml:6:35: spec.deliverTo.recipientPublicKey: invalid key: tokens cannot be sealed to it: RSA recipient key has 1024 bits; at least 2048 bits are required"),
    BrokenCase(name: "user named admin", yaml: """
        \(H)kind: User
        metadata: {name: admin}
        spec: {passwordHash: "$2y$04$o5OhK/07rQpql1NOua0bPOjB8Sr4S0BW6NIjFZY8vUfwhbxEWkUOC"}
        """,
        expected: "test.yaml:3:18: metadata.name: the user name 'admin' is reserved for the bootstrap administrator"),
    BrokenCase(name: "signer without keys", yaml: """
        \(H)kind: Signer
        metadata: {name: nobody}
        spec: {publicKeys: []}
        """,
        expected: "test.yaml:4:20: spec.publicKeys: expected at least one PEM public key; found an empty list"),
    BrokenCase(name: "signer with broken PEM framing", yaml: """
        \(H)kind: Signer
        metadata: {name: broken}
        spec:
          publicKeys:
            - |
              -----BEGIN PUBLIC KEY-----
              MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
        """,
        expected: "test.yaml:6:7: spec.publicKeys[0]: invalid PEM public key: it does not end with a '-----END PUBLIC KEY-----' line"),
    BrokenCase(name: "signer with a private key", yaml: """
        \(H)kind: Signer
        metadata: {name: leaked}
        spec:
          publicKeys:
            - |
              -----BEGIN PRIVATE KEY-----
              MC4CAQAwBQYDK2VwBCIEIA==
              -----END PRIVATE KEY-----
        """,
        expected: "test.yaml:6:7: spec.publicKeys[0]: invalid PEM public key: it is a PRIVATE KEY; private keys never go in git"),
    BrokenCase(name: "signer with an RSA key under 2048 bits", yaml: """
        \(H)kind: Signer
        metadata: {name: short}
        spec:
          publicKeys:
            - |
              -----BEGIN PUBLIC KEY-----
              MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHWdFQ5QlQvMUZBvE0ESIpaARq
              x/iW1HzjgaqLaI21kAiwjUWbWrEiey2KqoG07jZHo5B+AhMqzjSjGOjZRA/0E7mA
              UPPIRXNJm3ZaWF7gjMlLEDoUmePB2RUv3vkjTRNGCcO7rPN6+5uh+UjGHL/k+Xu+
              nQ6oReccMypVbVTqYwIDAQAB
              -----END PUBLIC KEY-----
        """,
        expected: "test.yaml:6:7: spec.publicKeys[0]: invalid PEM public key: it cannot verify signatures: an RSA key of 1024 bits; RSA keys must have at least 2048 bits"),
    BrokenCase(name: "signer with a P-521 key", yaml: """
        \(H)kind: Signer
        metadata: {name: curve}
        spec:
          publicKeys:
            - |
              -----BEGIN PUBLIC KEY-----
              MIGbMBAGByqGSM49AgEGBSuBBAAjA4GGAAQB+kn2WpsLQ8I/UoUxmOkL0k7OV1y9
              p9WhsExr/NF7fWnMmdtUPzvXqeNFfSa1ebkDfPvoa+3a0qzej+TdNIfe4F8Av+Pl
              oLBFGbD7VEPoPO92HAaPfzroseyDn9tVLH5JLEV8WOLwn1ckTM9+RgHOvfBDOlNh
              GUc5VTrWWUFxZ0fjjts=
              -----END PUBLIC KEY-----
        """,
        expected: "test.yaml:6:7: spec.publicKeys[0]: invalid PEM public key: it cannot verify signatures: ECDSA P-521 keys are not supported; ECDSA keys must be on P-256 or P-384"),
    BrokenCase(name: "signer whose certificate is no CA", yaml: """
        \(H)kind: Signer
        metadata: {name: leaf}
        spec:
          certificates:
            - |
              -----BEGIN CERTIFICATE-----
              MIIBLzCB4qADAgECAhQO5SLdBJQkC80Zm/cD2KDTYC+dsTAFBgMrZXAwDzENMAsG
              A1UEAwwEbGVhZjAeFw0yNjEyMDYwNzM0MjNaFw0zNjEyMDMwNzM0MjNaMA8xDTAL
              BgNVBAMMBGxlYWYwKjAFBgMrZXADIQBd48BVvjG/pnRHo247bVkZijirjbgB3hwR
              kbempkoU3qNQME4wHQYDVR0OBBYEFHQhhOVoS7iWtAC/mCpCleBIqi44MB8GA1Ud
              IwQYMBaAFHQhhOVoS7iWtAC/mCpCleBIqi44MAwGA1UdEwEB/wQCMAAwBQYDK2Vw
              A0EAe1QxN+5UxtMA+6J0ddTnhP6tEPmEUbqD0B0TAsQnYNf/l7voyolrn5v7HLjI
              9XI6SoTQNTAMlFlj5EfWOtOCBQ==
              -----END CERTIFICATE-----
        """,
        expected: "test.yaml:6:7: spec.certificates[0]: invalid PEM CA certificate: it cannot anchor signatures: CN=leaf is not a CA certificate (it has no basicConstraints CA:TRUE)"),
    BrokenCase(name: "signer with a public key under certificates", yaml: """
        \(H)kind: Signer
        metadata: {name: mixed}
        spec:
          certificates:
            - |
              -----BEGIN PUBLIC KEY-----
              MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
              -----END PUBLIC KEY-----
        """,
        expected: "test.yaml:6:7: spec.certificates[0]: invalid PEM CA certificate: it is a PUBLIC KEY; public keys go under publicKeys, CA certificates here"),
    BrokenCase(name: "signer with neither keys nor certificates", yaml: """
        \(H)kind: Signer
        metadata: {name: empty}
        spec: {description: nothing to verify with}
        """,
        expected: "test.yaml:4:7: missing required field 'publicKeys' in spec; expected a non-empty list of PEM public keys (or certificates: CA certificates for notation)"),
    BrokenCase(name: "invalid vulnerability id", yaml: """
        \(H)kind: VulnerabilityException
        metadata: {name: e}
        spec: {vulnerability: CVE-24-1, repositories: ["payments/*"], expires: 2027-01-31, reason: r}
        """,
        expected: "test.yaml:4:23: spec.vulnerability: invalid id 'CVE-24-1'; expected a CVE id (CVE-YYYY-NNNN, four or more digits) or a GitHub advisory id (GHSA-xxxx-xxxx-xxxx)"),
    BrokenCase(name: "impossible date", yaml: """
        \(H)kind: VulnerabilityException
        metadata: {name: e}
        spec: {vulnerability: CVE-2024-0001, repositories: ["payments/*"], expires: 2027-02-29, reason: r}
        """,
        expected: "test.yaml:4:77: spec.expires: invalid date '2027-02-29'; expected a real calendar date written YYYY-MM-DD"),
    BrokenCase(name: "expired exception", yaml: """
        \(H)kind: VulnerabilityException
        metadata: {name: e}
        spec: {vulnerability: GHSA-abcd-efgh-2345, repositories: ["payments/*"], expires: 2026-05-31, reason: r}
        """,
        expected: "test.yaml:4:83: spec.expires: this exception expired on 2026-05-31; remove it, or renew it with a later date and a fresh review"),
    BrokenCase(name: "exception without a reason", yaml: """
        \(H)kind: VulnerabilityException
        metadata: {name: e}
        spec: {vulnerability: CVE-2024-0001, repositories: ["payments/*"], expires: 2027-01-31, reason: "  "}
        """,
        expected: "test.yaml:4:97: spec.reason: expected a non-empty explanation of why the risk is accepted; found an empty string"),
    BrokenCase(name: "invalid tag pattern", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec: {immutableTags: ["v 1"]}
        """,
        expected: "test.yaml:4:24: spec.immutableTags[0]: invalid tag pattern 'v 1': it contains ' '"),
    BrokenCase(name: "invalid quota", yaml: """
        \(H)kind: Tier
        metadata: {name: open}
        spec: {quota: 50 gigs}
        """,
        expected: "test.yaml:4:15: spec.quota: invalid size '50 gigs'; expected a size such as 500MiB, 50GiB or 2TB"),
    BrokenCase(name: "equally specific globs with different tiers", yaml: """
        \(H)kind: Repository
        metadata: {name: "**/api"}
        spec: {tier: internal}
        ---
        \(H)kind: Repository
        metadata: {name: "**/web"}
        spec: {tier: internal}
        ---
        \(H)kind: Repository
        metadata: {name: "payments/**"}
        spec: {tier: internal}
        ---
        \(H)kind: Repository
        metadata: {name: "team-a/**"}
        spec: {tier: internal}
        ---
        \(H)kind: Repository
        metadata: {name: "**/api/**"}
        spec: {tier: internal}
        ---
        \(H)kind: Repository
        metadata: {name: "**/web/**"}
        spec: {tier: confidential}
        """,
        expected: "test.yaml:28:18: Repository glob '**/web/**' (tier 'confidential') and '**/api/**' (tier 'internal', test.yaml:23:18) are equally specific and can match the same repositories"),
    BrokenCase(name: "alias used as a key", yaml: """
        \(H)kind: Role
        metadata: {name: &n reader}
        spec: {*n : [pull]}
        """,
        expected: "test.yaml:4:8: alias '*n' cannot be used as a mapping key; keys must be plain strings"),
    BrokenCase(name: "unknown alias", yaml: """
        \(H)kind: Role
        metadata: {name: reader}
        spec: {permissions: *perms}
        """,
        expected: "test.yaml:4:21: unknown alias '*perms'; an alias must refer to an anchor '&perms' defined earlier in the same document"),
    BrokenCase(name: "unquoted glob read as an alias", yaml: """
        \(H)kind: Repository
        metadata: {name: **}
        spec: {tier: internal}
        """,
        expected: "test.yaml:3:19: invalid YAML: did not find expected alphabetic or numeric character (while scanning an alias started at 3:18); an unquoted value starting with '*' is YAML alias syntax: quote globs such as \"**\" or \"*/api\""),
    BrokenCase(name: "binding with an invalid glob", yaml: """
        \(H)kind: RoleBinding
        metadata: {name: b}
        spec:
          role: developer
          repositories: ["payments//api"]
          subjects: [{team: payments}]
        """,
        expected: "test.yaml:6:18: spec.repositories[0]: invalid repository name or glob 'payments//api': component 2 '' is empty"),
    BrokenCase(name: "invalid object name", yaml: """
        \(H)kind: Team
        metadata: {name: Web_Team}
        spec: {members: [alice]}
        """,
        expected: "test.yaml:3:18: metadata.name: invalid name 'Web_Team': it has upper-case letters; expected 1 to 63 characters"),
]

@Suite struct BrokenCorpusTests {
    @Test(arguments: brokenCases + secretBrokenCases + webhookBrokenCases)
    func reportsTheExpectedDiagnostic(_ testCase: BrokenCase) {
        let result = loadWithBase(testCase.yaml)
        let lines = result.diagnostics.map(\.description)
        #expect(lines.contains { $0.contains(testCase.expected) },
                "expected: \(testCase.expected)\ngot:\n\(lines.joined(separator: "\n"))")
        #expect(result.hasErrors)
    }

    @Test func corpusIsLargeEnough() {
        #expect(brokenCases.count >= 25)
    }

    @Test func baseDeclarationsAreValid() {
        let result = load(baseDeclarations, file: "base.yaml")
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
    }

    /// Every problem in one run: one file with many independent mistakes.
    @Test func reportsAllProblemsAtOnce() {
        let yaml = """
            \(H)kind: Tier
            metadata: {name: t1}
            spec: {anonymousPull: maybe, quota: lots}
            ---
            \(H)kind: Repository
            metadata: {name: "a/b"}
            spec: {tier: nope, extra: 1}
            ---
            this is: [not closed
            ---
            \(H)kind: Team
            metadata: {name: x}
            spec: {members: [ghost]}
            """
        let result = loadWithBase(yaml)
        let text = rendered(result)
        for expected in [
            "test.yaml:4:23: spec.anonymousPull: expected true or false; found 'maybe'",
            "test.yaml:4:37: spec.quota: invalid size 'lots'",
            "test.yaml:9:20: unknown field 'extra' in spec",
            "test.yaml:9:14: spec.tier refers to Tier 'nope', which is not declared",
            "test.yaml:12:1: invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence started at 11:10)",
            "test.yaml:16:18: spec.members[0] refers to User 'ghost', which is not declared",
        ] {
            #expect(text.contains(expected), "missing: \(expected)\ngot:\n\(text)")
        }
        // Sorted by position.
        let locations = result.diagnostics.map(\.location)
        #expect(locations == locations.sorted())
    }
}
