import Access
import AsyncHTTPClient
import Server
import Declarations
import Reconciler
import Foundation
import Logging
import NIOCore
import Storage
import TestSupport

/// Declarations for the access tests: a private tier and a public one, one role per permission, and a
/// user for each (password `NAME-password`, bcrypt cost 4 so the suite stays fast).
enum AccessFixture {
    static let users = DeclarationFixtures.passwordHashes

    static func password(_ user: String) -> String { DeclarationFixtures.password(user) }
    static func basic(_ user: String, _ password: String? = nil) -> String {
        "Basic " + Data("\(user):\(password ?? Self.password(user))".utf8).base64EncodedString()
    }

    static func yaml(robotRecipient: String? = nil) -> String {
        var text = DeclarationFixtures.privateAndPublicTiers + """

            ---
            apiVersion: berth.dev/v1alpha1
            kind: Repository
            metadata: {name: "other/**"}
            spec: {tier: private}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: reader}
            spec: {permissions: [pull]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: writer}
            spec: {permissions: [pull, push]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: deleter}
            spec: {permissions: [pull, delete]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Role
            metadata: {name: owner}
            spec: {permissions: [admin]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: Team
            metadata: {name: writers}
            spec: {members: [writer]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: team-readers}
            spec: {role: reader, repositories: ["team/**", "open/**"], subjects: [{user: reader}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: team-writers}
            spec: {role: writer, repositories: ["team/**", "open/**"], subjects: [{team: writers}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: team-deleters}
            spec: {role: deleter, repositories: ["team/**", "open/**"], subjects: [{user: deleter}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: team-owners}
            spec: {role: owner, repositories: ["team/**", "open/**"], subjects: [{user: owner}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: other-readers}
            spec: {role: reader, repositories: ["other/**"], subjects: [{user: outsider}]}
            ---
            apiVersion: berth.dev/v1alpha1
            kind: RoleBinding
            metadata: {name: registry-admins}
            spec: {role: owner, repositories: ["**"], subjects: [{user: root}]}

            """
        for (name, hash) in users.sorted(by: { $0.key < $1.key }) {
            text += """
                ---
                apiVersion: berth.dev/v1alpha1
                kind: User
                metadata: {name: \(name)}
                spec: {passwordHash: "\(hash)"}

                """
        }
        if let robotRecipient {
            text += """
                ---
                apiVersion: berth.dev/v1alpha1
                kind: RobotAccount
                metadata: {name: ci}
                spec: {expiresIn: 30d, deliverTo: {recipientPublicKey: "\(robotRecipient)"}}
                ---
                apiVersion: berth.dev/v1alpha1
                kind: RoleBinding
                metadata: {name: ci-pushes}
                spec: {role: writer, repositories: ["team/**"], subjects: [{robot: ci}]}

                """
        }
        return text
    }

    /// Applies the fixture to a running server through its admin service, as the reconciler would.
    static func apply(to server: BerthServer, robotRecipient: String? = nil, removingRobot: Bool = false) async throws {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "access.yaml", contents: Data(yaml(robotRecipient: robotRecipient).utf8))])
        guard !loaded.hasErrors else { throw TestFailure("fixture does not validate: \(loaded.errors)") }
        var changes = loaded.state.canonicalObjects().map { ConfigurationChange.put(Reconciliation.configurationObject($0)) }
        if removingRobot {
            changes += [.delete(kind: "RobotAccount", name: "ci"), .delete(kind: "RoleBinding", name: "ci-pushes")]
        }
        _ = try await server.admin.apply(changes, expectedFingerprint: nil, source: ConfigurationSource(actor: "test", summary: "access fixture"))
    }
}

/// A test server with the access fixture applied.
func withAccessRegistry<T: Sendable>(
    robotRecipient: String? = nil,
    _ body: @Sendable (RegistryClient, BerthServer) async throws -> T
) async throws -> T {
    try await withServer(configure: { server in try await AccessFixture.apply(to: server, robotRecipient: robotRecipient) }) { client, server in
        try await body(client, server)
    }
}
