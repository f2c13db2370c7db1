import Crypto
import Foundation
import Testing
@testable import Access
import TestSupport

@Suite struct TokenAuthorityTests {
    let now = Date(timeIntervalSince1970: 1_700_000_000)
    let access = [
        AccessClaim(type: "repository", name: "team/app", actions: ["pull", "push"]),
        AccessClaim(type: "registry", name: "catalog", actions: ["*"]),
    ]

    func authority(key: P256.Signing.PrivateKey = .init(), issuer: String = "berth", audience: String = "registry.test") throws -> TokenAuthority {
        try TokenAuthority(privateKey: key, issuer: issuer, audience: audience)
    }

    func rejection(_ authority: TokenAuthority, _ token: String, at time: Date) async -> TokenRejection? {
        do {
            _ = try await authority.verify(token, now: time)
            return nil
        } catch {
            return error
        }
    }

    @Test func roundTripKeepsClaims() async throws {
        let authority = try authority()
        let issued = try await authority.issue(subject: "alice", access: access, lifetime: .seconds(300), now: now.addingTimeInterval(0.7))
        #expect(issued.expiresIn == 300)
        #expect(issued.issuedAt == now)
        let token = try await authority.verify(issued.token, now: now.addingTimeInterval(10))
        #expect(token.subject == "alice")
        #expect(token.issuer == "berth")
        #expect(token.audience == "registry.test")
        #expect(token.access == access)
        #expect(token.issuedAt == now)
        #expect(token.notBefore == now)
        #expect(token.expiresAt == now.addingTimeInterval(300))
        #expect(token.id.count >= 20)
    }

    @Test func headerCarriesAlgorithmAndThumbprint() async throws {
        let authority = try authority()
        let issued = try await authority.issue(subject: "", access: [], now: now)
        let header = try #require(base64URLDecode(issued.token.split(separator: ".")[0]))
        let fields = try #require(try JSONSerialization.jsonObject(with: header) as? [String: String])
        #expect(fields["alg"] == "ES256")
        #expect(fields["typ"] == "JWT")
        #expect(fields["kid"] == authority.keyID)
        // RFC 7638 thumbprint: base64url of a SHA-256.
        #expect(authority.keyID.count == 43)
        // Anonymous tokens verify too, with an empty subject and no access.
        let token = try await authority.verify(issued.token, now: now)
        #expect(token.subject == "")
        #expect(token.access.isEmpty)
    }

    // Known-answer check of the thumbprint with the RFC 7638-style computation done by hand
    // through JSONSerialization, independent of the string template in the implementation.
    @Test func thumbprintMatchesRFC7638() throws {
        let key = P256.Signing.PrivateKey()
        let point = Array(key.publicKey.x963Representation)
        let jwk: [String: String] = ["kty": "EC", "crv": "P-256", "x": base64URL(point[1..<33]), "y": base64URL(point[33..<65])]
        let canonical = try JSONSerialization.data(withJSONObject: jwk, options: [.sortedKeys, .withoutEscapingSlashes])
        let expected = base64URL(SHA256.hash(data: canonical))
        #expect(try authority(key: key).keyID == expected)
    }

    @Test func idsAreUnique() async throws {
        let authority = try authority()
        var ids = Set<String>()
        for _ in 0..<20 {
            let issued = try await authority.issue(subject: "a", access: [], now: now)
            ids.insert(try await authority.verify(issued.token, now: now).id)
        }
        #expect(ids.count == 20)
    }

    @Test func expiredAndNotYetValid() async throws {
        let authority = try authority()
        let issued = try await authority.issue(subject: "alice", access: access, lifetime: .seconds(120), now: now)
        #expect(await rejection(authority, issued.token, at: now.addingTimeInterval(119.9)) == nil)
        #expect(await rejection(authority, issued.token, at: now.addingTimeInterval(120)) == .expired)
        #expect(await rejection(authority, issued.token, at: now.addingTimeInterval(86_400)) == .expired)
        #expect(await rejection(authority, issued.token, at: now.addingTimeInterval(-1)) == .notYetValid)
    }

    @Test func lifetimeHasAFloorOfSixtySeconds() async throws {
        let authority = try authority()
        let issued = try await authority.issue(subject: "alice", access: [], lifetime: .seconds(5), now: now)
        #expect(issued.expiresIn == 60)
        #expect(await rejection(authority, issued.token, at: now.addingTimeInterval(59)) == nil)
    }

    @Test func anotherKeyIsABadSignature() async throws {
        let ours = try authority()
        let theirs = try authority()
        let issued = try await theirs.issue(subject: "alice", access: access, now: now)
        #expect(await rejection(ours, issued.token, at: now) == .badSignature)

        // Even when the forger copies our kid, the signature itself is checked.
        let claims = Self.claims(sub: "alice", iat: now)
        let forged = Self.forge(header: ["alg": "ES256", "typ": "JWT", "kid": ours.keyID], claims: claims) { input in
            Data(try! P256.Signing.PrivateKey().signature(for: input).rawRepresentation)
        }
        #expect(await rejection(ours, forged, at: now) == .badSignature)
    }

    @Test func tamperedPayloadIsABadSignature() async throws {
        let authority = try authority()
        let issued = try await authority.issue(subject: "alice", access: access, now: now)
        let parts = issued.token.split(separator: ".").map(String.init)
        let claimsJSON = try #require(base64URLDecode(parts[1]))
        var claims = try #require(try JSONSerialization.jsonObject(with: claimsJSON) as? [String: Any])
        claims["sub"] = "admin"
        let payload = base64URL(try JSONSerialization.data(withJSONObject: claims))
        let tampered = [parts[0], payload, parts[2]].joined(separator: ".")
        #expect(await rejection(authority, tampered, at: now) == .badSignature)

        // Flipping one character of the signature.
        var signature = Array(parts[2])
        signature[10] = signature[10] == "A" ? "B" : "A"
        let flipped = [parts[0], parts[1], String(signature)].joined(separator: ".")
        #expect(await rejection(authority, flipped, at: now) == .badSignature)
    }

    @Test func algNoneIsRefused() async throws {
        let authority = try authority()
        let claims = Self.claims(sub: "admin", iat: now)
        for alg in ["none", "None", "NONE"] {
            let unsigned = Self.forge(header: ["alg": alg, "typ": "JWT"], claims: claims) { _ in Data() }
            #expect(await rejection(authority, unsigned, at: now) == .badSignature)
            let withKid = Self.forge(header: ["alg": alg, "kid": authority.keyID], claims: claims) { _ in Data() }
            #expect(await rejection(authority, withKid, at: now) == .badSignature)
        }
        // No alg at all.
        let missing = Self.forge(header: ["typ": "JWT"], claims: claims) { _ in Data([1, 2, 3]) }
        #expect(await rejection(authority, missing, at: now) == .badSignature)
    }

    // The classic confusion attack: HMAC "signed" with the public key as the secret.
    @Test func hs256WithThePublicKeyIsRefused() async throws {
        let key = P256.Signing.PrivateKey()
        let authority = try authority(key: key)
        let claims = Self.claims(sub: "admin", iat: now)
        for secret in [Data(key.publicKey.pemRepresentation.utf8), key.publicKey.x963Representation, key.publicKey.derRepresentation] {
            let hmac: (Data) -> Data = { Data(HMAC<SHA256>.authenticationCode(for: $0, using: SymmetricKey(data: secret))) }
            let forged = Self.forge(header: ["alg": "HS256", "typ": "JWT", "kid": authority.keyID], claims: claims, sign: hmac)
            #expect(await rejection(authority, forged, at: now) == .badSignature)
            // Claiming ES256 while carrying an HMAC does not help either.
            let relabelled = Self.forge(header: ["alg": "ES256", "typ": "JWT", "kid": authority.keyID], claims: claims, sign: hmac)
            #expect(await rejection(authority, relabelled, at: now) == .badSignature)
        }
    }

    @Test func wrongIssuerAndAudience() async throws {
        let key = P256.Signing.PrivateKey()
        let issuing = try authority(key: key, issuer: "berth", audience: "registry.test")
        let issued = try await issuing.issue(subject: "alice", access: access, now: now)
        let otherIssuer = try authority(key: key, issuer: "someone-else", audience: "registry.test")
        let otherAudience = try authority(key: key, issuer: "berth", audience: "other.registry")
        #expect(await rejection(otherIssuer, issued.token, at: now) == .wrongIssuer)
        #expect(await rejection(otherAudience, issued.token, at: now) == .wrongAudience)
    }

    @Test func unknownCriticalHeaderIsRefused() async throws {
        let key = P256.Signing.PrivateKey()
        let authority = try authority(key: key)
        let token = Self.forge(header: ["alg": "ES256", "kid": authority.keyID, "crit": ["exp"]], claims: Self.claims(sub: "a", iat: now)) {
            Data(try! key.signature(for: $0).rawRepresentation)
        }
        #expect(await rejection(authority, token, at: now) == .malformed)
        // The same token without `crit`, signed by the right key, is accepted: the forge helper is sound.
        let plain = Self.forge(header: ["alg": "ES256", "kid": authority.keyID], claims: Self.claims(sub: "a", iat: now)) {
            Data(try! key.signature(for: $0).rawRepresentation)
        }
        #expect(await rejection(authority, plain, at: now) == nil)
    }

    @Test func garbageIsMalformed() async throws {
        let authority = try authority()
        let valid = try await authority.issue(subject: "alice", access: access, now: now).token
        let parts = valid.split(separator: ".").map(String.init)
        let garbage = [
            "", ".", "..", "...", "abc", "a.b", "a.b.c", "a.b.c.d",
            "!!!.???.***", "eyJhbGciOiJFUzI1NiJ9",
            String(repeating: "A", count: 100_000),
            parts[0] + "." + parts[1],                        // no signature part
            parts[0] + ".." + parts[2],                       // empty claims
            "x" + parts[0] + "." + parts[1] + "." + parts[2], // undecodable header
            base64URL(Data("[1,2]".utf8)) + "." + parts[1] + "." + parts[2],
        ]
        for token in garbage {
            let result = await rejection(authority, token, at: now)
            #expect(result == .malformed, "\(token.prefix(40)) gave \(String(describing: result))")
        }
    }

    @Test func claimsMissingAFieldAreMalformed() async throws {
        let key = P256.Signing.PrivateKey()
        let authority = try authority(key: key)
        var claims = Self.claims(sub: "a", iat: now)
        claims.removeValue(forKey: "exp")
        let token = Self.forge(header: ["alg": "ES256", "kid": authority.keyID], claims: claims) {
            Data(try! key.signature(for: $0).rawRepresentation)
        }
        #expect(await rejection(authority, token, at: now) == .malformed)
    }

    @Test func rejectionMessagesDoNotEchoTheToken() {
        for rejection in [TokenRejection.malformed, .badSignature, .expired, .notYetValid, .wrongIssuer, .wrongAudience] {
            #expect(!rejection.message.isEmpty)
            #expect(!rejection.message.contains("eyJ"))
        }
    }

    @Test func tokenResponseJSON() throws {
        let response = TokenResponse(token: "t0k", expiresIn: 300, issuedAt: Date(timeIntervalSince1970: 1_257_894_000))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let json = String(decoding: try encoder.encode(response), as: UTF8.self)
        #expect(json == #"{"access_token":"t0k","expires_in":300,"issued_at":"2009-11-10T23:00:00Z","token":"t0k"}"#)
        #expect(!"\(response)".contains("t0k"))
        #expect(!String(reflecting: response).contains("t0k"))
    }

    // MARK: Key file

    @Test func keyFileIsCreatedPrivateAndReloads() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("nested/keys/token.pem")
        let first = try TokenAuthority.loadOrCreate(keyFile: file, issuer: "berth", audience: "registry.test")
        let attributes = try FileManager.default.attributesOfItem(atPath: file.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        let contents = try String(contentsOf: file, encoding: .utf8)
        #expect(contents.contains("PRIVATE KEY"))
        // No temporary file left behind.
        #expect(try FileManager.default.contentsOfDirectory(atPath: file.deletingLastPathComponent().path) == ["token.pem"])

        let issued = try await first.issue(subject: "alice", access: access, now: now)
        let second = try TokenAuthority.loadOrCreate(keyFile: file, issuer: "berth", audience: "registry.test")
        #expect(second.keyID == first.keyID)
        #expect(try await second.verify(issued.token, now: now).subject == "alice")
        let again = try await second.issue(subject: "bob", access: [], now: now)
        #expect(try await first.verify(again.token, now: now).subject == "bob")
    }

    // `openssl ecparam -genkey` writes SEC1 ("EC PRIVATE KEY"); we write PKCS#8. Both load.
    @Test func keyFileInSEC1FormIsAccepted() async throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let pem = try run(try requiredTool("openssl", package: "openssl"), ["ecparam", "-name", "prime256v1", "-genkey", "-noout"]).trimmedText
        #expect(pem.contains("BEGIN EC PRIVATE KEY"))
        let file = directory.url.appendingPathComponent("key.pem")
        try pem.write(to: file, atomically: true, encoding: .utf8)
        let authority = try TokenAuthority.loadOrCreate(keyFile: file, issuer: "i", audience: "a")
        let issued = try await authority.issue(subject: "s", access: [], now: now)
        #expect(try await authority.verify(issued.token, now: now).subject == "s")
    }

    @Test func corruptKeyFileIsAnErrorNamingTheFile() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("token.pem")
        let secretLooking = "-----BEGIN PRIVATE KEY-----\nTOPSECRETGARBAGE\n-----END PRIVATE KEY-----\n"
        for contents in [secretLooking, "", "not a key at all"] {
            try contents.write(to: file, atomically: true, encoding: .utf8)
            do {
                _ = try TokenAuthority.loadOrCreate(keyFile: file, issuer: "i", audience: "a")
                Issue.record("a corrupt key file was accepted")
            } catch {
                let message = "\(error)"
                #expect(message.contains(file.path))
                #expect(!message.contains("TOPSECRET"))
                #expect(!message.contains("not a key at all"))
            }
            // And the file was not replaced.
            #expect(try String(contentsOf: file, encoding: .utf8) == contents)
        }
    }

    @Test func otherCurveKeyFileIsRefused() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let file = directory.url.appendingPathComponent("p384.pem")
        try P384.Signing.PrivateKey().pemRepresentation.write(to: file, atomically: true, encoding: .utf8)
        #expect(throws: SigningKeyFileError.self) {
            _ = try TokenAuthority.loadOrCreate(keyFile: file, issuer: "i", audience: "a")
        }
    }

    // MARK: Helpers

    static func claims(sub: String, iat: Date) -> [String: Any] {
        let t = Int(iat.timeIntervalSince1970)
        return [
            "iss": "berth", "sub": sub, "aud": "registry.test", "exp": t + 300, "nbf": t, "iat": t, "jti": "forged",
            "access": [["type": "repository", "name": "team/app", "actions": ["pull", "push", "delete"]]],
        ]
    }

    /// Builds a compact JWS by hand, signing `header.claims` with `sign`.
    static func forge(header: [String: Any], claims: [String: Any], sign: (Data) -> Data) -> String {
        let h = base64URL(try! JSONSerialization.data(withJSONObject: header, options: [.sortedKeys]))
        let c = base64URL(try! JSONSerialization.data(withJSONObject: claims, options: [.sortedKeys]))
        let input = Data("\(h).\(c)".utf8)
        return "\(h).\(c).\(base64URL(sign(input)))"
    }
}
