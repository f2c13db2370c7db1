import Crypto
import Foundation
import JWTKit
import WireFormats

/// Issues and verifies the registry's bearer tokens (Docker registry token auth), signed
/// with one ES256 key that never leaves this process.
///
/// The registry is its own token server, so issuer and verifier share a key and a clock:
/// there is no key distribution and no clock-skew leeway.
public final class TokenAuthority: Sendable {
    public let issuer: String
    public let audience: String
    /// RFC 7638 thumbprint of the public key, sent as the JWS `kid` header.
    public let keyID: String
    public let publicKey: P256.Signing.PublicKey

    private let keys: Task<JWTKeyCollection, Never>

    /// Tokens longer than this are refused unparsed; ours are well under 4 KiB even with
    /// dozens of access entries.
    public static let maximumTokenLength = 16 * 1024
    /// Never shorter: the token spec says older clients assume at least 60 seconds.
    public static let minimumLifetime: Duration = .seconds(60)

    public init(privateKey: P256.Signing.PrivateKey, issuer: String, audience: String) throws {
        self.issuer = issuer
        self.audience = audience
        self.publicKey = privateKey.publicKey
        let keyID = KeyThumbprint.of(privateKey.publicKey)
        self.keyID = keyID
        let signingKey = try ES256PrivateKey(backing: privateKey)
        // JWTKeyCollection is an actor; building it needs an await, which an initializer
        // that tests and `loadOrCreate` call synchronously cannot do.
        keys = Task {
            let collection = JWTKeyCollection()
            await collection.add(ecdsa: signingKey, kid: JWKIdentifier(string: keyID))
            return collection
        }
    }

    /// The authority whose key is in `keyFile` (PEM, PKCS#8 or SEC1), creating the file with
    /// a new key (mode 0600) when there is none yet. An unreadable or corrupt file is an
    /// error naming the file: silently replacing it would invalidate every issued token and
    /// hide whatever damaged it.
    public static func loadOrCreate(keyFile: URL, issuer: String, audience: String) throws -> TokenAuthority {
        let key = try SigningKeyFile.loadOrCreate(at: keyFile)
        return try TokenAuthority(privateKey: key, issuer: issuer, audience: audience)
    }

    /// Signs a token granting `access` to `subject` (empty for anonymous).
    /// - Returns: the compact JWS, its lifetime in seconds, and the issue time as written in
    ///   the token (whole seconds), for ``TokenResponse``.
    public func issue(
        subject: String, access: [AccessClaim], lifetime: Duration = .seconds(300), now: Date = Date()
    ) async throws -> (token: String, expiresIn: Int, issuedAt: Date) {
        let seconds = Int64(max(lifetime, Self.minimumLifetime).components.seconds)
        let issued = Int64(now.timeIntervalSince1970.rounded(.down))
        let claims = RegistryTokenClaims(
            iss: issuer, sub: subject, aud: audience,
            exp: issued + seconds, nbf: issued, iat: issued,
            jti: Self.randomID(), access: access)
        var header = JWTHeader()
        header.typ = "JWT"
        let token = try await keys.value.sign(claims, kid: JWKIdentifier(string: keyID), header: header)
        return (token, Int(seconds), Date(timeIntervalSince1970: TimeInterval(issued)))
    }

    /// Verifies signature, issuer, audience and validity period, in that order.
    public func verify(_ token: String, now: Date = Date()) async throws(TokenRejection) -> RegistryToken {
        guard token.utf8.count <= Self.maximumTokenLength else { throw .malformed }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, !parts[0].isEmpty, !parts[1].isEmpty,
              let headerJSON = Base64URL.decode(parts[0]),
              let header = try? JSONDecoder().decode(RegistryTokenHeader.self, from: Data(headerJSON)),
              header.crit == nil, header.typ == nil || header.typ == "JWT"
        else { throw .malformed }
        // Only our own algorithm and key: this is what shuts out `alg: none` and HS256 tokens
        // "signed" with the public key, whatever the library would do with them.
        // An ES256 signature is exactly 64 bytes (r || s); anything else cannot be ours.
        guard header.alg == "ES256", header.kid == nil || header.kid == keyID,
              let signature = Base64URL.decode(parts[2]), signature.count == 64
        else { throw .badSignature }

        let claims: RegistryTokenClaims
        do {
            claims = try await keys.value.verify(token, as: RegistryTokenClaims.self)
        } catch let error as JWTError where error.errorType == .signatureVerificationFailed {
            throw .badSignature
        } catch {
            // The signature checked out but the claims do not decode (or are missing fields).
            throw .malformed
        }

        guard claims.iss == issuer else { throw .wrongIssuer }
        guard claims.aud == audience else { throw .wrongAudience }
        let current = now.timeIntervalSince1970
        guard current < TimeInterval(claims.exp) else { throw .expired }
        guard current >= TimeInterval(claims.nbf) else { throw .notYetValid }

        return RegistryToken(
            subject: claims.sub, audience: claims.aud, issuer: claims.iss,
            issuedAt: Date(timeIntervalSince1970: TimeInterval(claims.iat)),
            notBefore: Date(timeIntervalSince1970: TimeInterval(claims.nbf)),
            expiresAt: Date(timeIntervalSince1970: TimeInterval(claims.exp)),
            id: claims.jti, access: claims.access)
    }

    /// 128 random bits: unique per token without coordination.
    private static func randomID() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<16).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
        return Base64URL.encode(bytes)
    }
}
