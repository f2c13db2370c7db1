import Declarations
import Foundation
import OCI
import Reconciler
import Server
import Storage
import TestSupport

/// A registry whose `vault/**` repositories are in a tier that requires signatures, with the access fixture's users:
/// `reader` may pull, `writer` may push, `root` administers everything; anonymous callers may pull (the tier allows
/// it), so a quarantined read is a 403 for them too, not a 401.
enum SigningFixture {
    /// Signers and their keys, by the names sign.py generates them under.
    static let signerKeys = ["release": ["p256", "p384", "ed25519"], "security": ["rsa"]]
    static let keyNames = ["p256", "ed25519", "rsa", "p384", "other-p256", "other-p384", "other-ed25519", "other-rsa"]

    static func yaml(_ keys: SignerOutput, minimum: Int = 1, signerKeys: [String: [String]] = signerKeys, withCertificate: Bool = true) -> String {
        var text = AccessFixture.yaml() + """

            ---
            apiVersion: berth.dev/v1alpha1
            kind: Tier
            metadata: {name: signed}
            spec:
              anonymousPull: true
              signing: {requiredSigners: [release, security], minimum: \(minimum)}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "vault/**"}
            spec: {tier: signed}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: vault-readers}
            spec: {role: reader, repositories: ["vault/**"], subjects: [{user: reader}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: vault-writers}
            spec: {role: writer, repositories: ["vault/**"], subjects: [{team: writers}]}

            """
        for (signer, names) in signerKeys.sorted(by: { $0.key < $1.key }) {
            text += """
                ---
                apiVersion: berth.dev/v1alpha1
                kind: Signer
                metadata: {name: \(signer)}
                spec:

                """
            if !names.isEmpty {
                text += "  publicKeys:\n" + names.map { "    - |\n" + indent(keys.pem($0), by: 6) + "\n" }.joined()
            }
            if withCertificate && signer == "release" {
                text += "  certificates:\n    - |\n" + indent(keys.trustedRootPEM, by: 6) + "\n"
            }
        }
        return text
    }

    static func indent(_ text: String, by spaces: Int) -> String {
        text.split(separator: "\n").map { String(repeating: " ", count: spaces) + $0 }.joined(separator: "\n")
    }

    static func apply(_ yaml: String, to server: BerthServer) async throws {
        let loaded = DeclarationLoader(keyChecks: .server).load([DeclarationFile(path: "signing.yaml", contents: Data(yaml.utf8))])
        guard !loaded.hasErrors else { throw TestFailure("fixture does not validate: \(loaded.errors)") }
        let plan = try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: try await server.admin.liveState())
        _ = try await Reconciliation.apply(plan, through: server.admin, allowDestroy: true)
    }

    /// A plan of `yaml` against the server, with what it would do to stored images.
    static func plan(_ yaml: String, against server: BerthServer) async throws -> Plan {
        let loaded = DeclarationLoader(keyChecks: .server).load([DeclarationFile(path: "signing.yaml", contents: Data(yaml.utf8))])
        guard !loaded.hasErrors else { throw TestFailure("fixture does not validate: \(loaded.errors)") }
        let plan = try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: try await server.admin.liveState())
        return try await Reconciliation.withConsequences(plan, from: server.admin)
    }

    /// The headers of a request made as `user`, with its password.
    static func headers(as user: String) -> [(String, String)] { [("Authorization", AccessFixture.basic(user))] }
    static let anonymous = [("Authorization", "-")]
}
