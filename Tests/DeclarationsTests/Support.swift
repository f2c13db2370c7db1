import Foundation
import Declarations
import Server

/// A fixed "now" so expiry checks are reproducible: 2026-06-01T00:00:00Z.
let fixedNow = Date(timeIntervalSince1970: 1_780_272_000)

/// The repository's `examples/` folder.
let examplesDirectory: String = {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples").path
}()

/// The checks the server and CLI inject: a robot's key is valid exactly when a token can be sealed to it, a Signer's
/// key or certificate exactly when the signature verifier accepts it.
let injectedKeyChecks = KeyChecks.server

/// Loads YAML strings as in-memory files.
func load(_ files: [(String, String)], now: Date = fixedNow,
          limits: DeclarationLimits = .default) -> LoadResult {
    DeclarationLoader(limits: limits, keyChecks: injectedKeyChecks).load(
        files.map { DeclarationFile(path: $0.0, contents: Data($0.1.utf8)) }, now: now)
}

func load(_ yaml: String, file: String = "test.yaml", now: Date = fixedNow) -> LoadResult {
    load([(file, yaml)], now: now)
}

/// A small, valid set of declarations that broken cases can refer to.
let baseDeclarations = """
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: internal}
spec:
  anonymousPull: false
  retention: {keepLast: 10}
---
apiVersion: berth.dev/v1alpha1
kind: Tier
metadata: {name: confidential}
spec:
  signing: {requiredSigners: [release], minimum: 1}
---
apiVersion: berth.dev/v1alpha1
kind: Signer
metadata: {name: release}
spec:
  publicKeys:
    - |
      -----BEGIN PUBLIC KEY-----
      MCowBQYDK2VwAyEAGb9ECWmEzf6FQbrBZ9w7lshQhqowtrbLDFw4rXAxZuE=
      -----END PUBLIC KEY-----
---
apiVersion: berth.dev/v1alpha1
kind: Role
metadata: {name: developer}
spec: {permissions: [pull, push]}
---
apiVersion: berth.dev/v1alpha1
kind: User
metadata: {name: alice}
spec: {passwordHash: "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"}
---
apiVersion: berth.dev/v1alpha1
kind: Team
metadata: {name: payments}
spec: {members: [alice]}
---
apiVersion: berth.dev/v1alpha1
kind: Repository
metadata: {name: "payments/*"}
spec: {tier: confidential}

"""

/// Loads `baseDeclarations` as base.yaml and `yaml` as test.yaml.
func loadWithBase(_ yaml: String, now: Date = fixedNow) -> LoadResult {
    load([("base.yaml", baseDeclarations), ("test.yaml", yaml)], now: now)
}

func rendered(_ result: LoadResult) -> String {
    result.diagnostics.map(\.description).joined(separator: "\n")
}
