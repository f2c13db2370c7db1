import Foundation
import TestSupport
import Testing

/// Robot tokens end to end with the real `age` tool: minted on apply, sealed to the declared key, opened by
/// the consumer, used to push, revoked when the key changes; the plaintext is stored nowhere.
@Suite("robot credentials")
struct RobotCredentialTests {
    /// A fresh age identity: the key file and its public recipient.
    static func ageIdentity(in directory: URL, name: String) throws -> (keyFile: URL, recipient: String) {
        let keyFile = directory.appendingPathComponent(name)
        try run("age-keygen", ["-o", keyFile.path])
        let text = try String(contentsOf: keyFile, encoding: .utf8)
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("# public key: ") }) else { throw TestFailure("no recipient in \(keyFile.path)") }
        return (keyFile, String(line.dropFirst("# public key: ".count)))
    }

    struct Credential: Decodable {
        struct Robot: Decodable { let name, login, sealedTo: String }
        let robot: Robot
        let sealed: String
    }

    static func open(_ credential: Credential, with keyFile: URL, in directory: URL) throws -> (status: Int32, output: String) {
        let sealedFile = directory.appendingPathComponent("sealed-\(UUID().uuidString).age")
        try Data(credential.sealed.utf8).write(to: sealedFile)
        let opened = try run("age", ["-d", "-i", keyFile.path, sealedFile.path], check: false)
        return (opened.status, opened.text)
    }

    @Test("minted, sealed, opened with age, used, rotated away when deliverTo changes")
    func lifecycle() async throws {
        let temporary = try TemporaryDirectory("robot")
        defer { temporary.remove() }
        let directory = temporary.url
        let first = try Self.ageIdentity(in: directory, name: "first.key")
        let second = try Self.ageIdentity(in: directory, name: "second.key")

        try await withAccessRegistry(robotRecipient: first.recipient) { client, server in
            let response = try await client.request(.GET, "/admin/v1/robots/ci/credential")
            #expect(response.status == 200, "\(response.text)")
            let credential = try response.json(Credential.self)
            #expect(credential.robot.login == "robot$ci" && credential.robot.sealedTo == first.recipient)
            #expect(credential.sealed.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----"))

            let opened = try Self.open(credential, with: first.keyFile, in: directory)
            #expect(opened.status == 0)
            let token = opened.output
            #expect(token.hasPrefix("berth_") && token.count > 40)
            #expect(try Self.open(credential, with: second.keyFile, in: directory).status != 0, "another key cannot open it")

            let login = "Basic " + Data("robot$ci:\(token)".utf8).base64EncodedString()
            #expect(try await client.request(.POST, "/v2/team/app/blobs/uploads/", headers: [("Authorization", login)]).status == 202)
            let outside = try await client.request(.POST, "/v2/open/app/blobs/uploads/", headers: [("Authorization", login)])
            #expect(outside.status == 403 && outside.errorCode == "DENIED")
            let wrong = "Basic " + Data("robot$ci:berth_not-the-token".utf8).base64EncodedString()
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", wrong)]).status == 401)

            // The plaintext is nowhere the server writes: not in the listing, not in the database.
            let listing = try await client.request(.GET, "/admin/v1/robots")
            #expect(listing.status == 200 && listing.text.contains("robot$ci") && !listing.text.contains(token))
            for file in try FileManager.default.contentsOfDirectory(at: server.dataDirectory, includingPropertiesForKeys: nil)
            where file.lastPathComponent.hasPrefix("metadata.sqlite") {
                let bytes = try Data(contentsOf: file)
                #expect(bytes.range(of: Data(token.utf8)) == nil, "\(file.lastPathComponent) holds the plaintext token")
            }

            // A new consumer key: a new token sealed to it, and the old token stops at once.
            try await AccessFixture.apply(to: server, robotRecipient: second.recipient)
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", login)]).status == 401)
            let renewed = try await client.request(.GET, "/admin/v1/robots/ci/credential").json(Credential.self)
            let reopened = try Self.open(renewed, with: second.keyFile, in: directory)
            #expect(reopened.status == 0 && reopened.output != token)
            let newLogin = "Basic " + Data("robot$ci:\(reopened.output)".utf8).base64EncodedString()
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", newLogin)]).status == 200)

            // Removing the robot revokes it.
            try await AccessFixture.apply(to: server, robotRecipient: nil, removingRobot: true)
            #expect(try await client.request(.GET, "/v2/", headers: [("Authorization", newLogin)]).status == 401)
            #expect(try await client.request(.GET, "/admin/v1/robots/ci/credential").status == 404)
        }
    }
}
