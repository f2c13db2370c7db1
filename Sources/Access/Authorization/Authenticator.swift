import Foundation
import Synchronization

/// The outcome of reading a request's credentials.
public enum Authentication: Sendable {
    /// No credentials were presented.
    case anonymous
    /// HTTP Basic, checked against the declared password hash, robot token or bootstrap secret.
    case password(Principal)
    /// A registry token this server issued, still valid.
    case token(Principal, RegistryToken)
    /// Credentials were presented and are wrong; `identity` is what they claimed to be.
    case failed(identity: String, reason: String)
    /// Too many recent failures for this identity or address: refused without checking.
    case throttled(identity: String?, retryAfter: Int)
}

/// A robot token digest that is accepted until a time.
public struct AcceptedRobotToken: Sendable, Hashable {
    public var digest: String
    public var validUntil: Date

    public init(digest: String, validUntil: Date) {
        self.digest = digest
        self.validUntil = validUntil
    }
}

/// Turns presented credentials into a principal: declared users (bcrypt/argon2id hashes), robots (tokens
/// Berth minted), the bootstrap administrator, and registry tokens issued by `tokens`. Failed logins are
/// throttled per identity and per address.
public final class Authenticator: Sendable {
    private struct Live: Sendable {
        var policy: AccessPolicy
        var robotTokens: [String: [AcceptedRobotToken]]
    }

    public let tokens: TokenAuthority
    private let administrator: AdminCredentials?
    private let throttle: LoginThrottle
    private let verified = VerifiedCredentialCache()
    private let live: Mutex<Live>

    public init(administrator: AdminCredentials?, tokens: TokenAuthority, throttle: LoginThrottle = LoginThrottle()) {
        self.administrator = administrator
        self.tokens = tokens
        self.throttle = throttle
        live = Mutex(Live(policy: .empty, robotTokens: [:]))
    }

    /// The access policy requests are decided by; replaced whenever the live configuration changes.
    public var policy: AccessPolicy { live.withLock { $0.policy } }

    public func update(policy: AccessPolicy) {
        live.withLock { $0.policy = policy }
    }

    public func update(robotTokens: [String: [AcceptedRobotToken]]) {
        live.withLock { $0.robotTokens = robotTokens }
    }

    /// A login another replica recorded, counted by this one's throttle too.
    public func heard(_ outcome: LoginOutcome, now: Date = Date()) {
        throttle.heard(outcome, now: now)
    }

    /// Reads an `Authorization` header: none, `Basic`, or `Bearer` with a registry token.
    public func authenticate(authorization: String?, address: String, now: Date = Date()) async -> Authentication {
        guard let authorization, !authorization.isEmpty else { return .anonymous }
        if let basic = BasicCredentials.parse(authorizationHeader: authorization) {
            return await login(name: basic.name, password: basic.password, address: address, now: now)
        }
        if let token = BearerToken.parse(authorizationHeader: authorization) {
            return await verify(token: token, now: now)
        }
        return .failed(identity: "unknown", reason: Self.unreadableReason(authorization))
    }

    /// Why an `Authorization` header that is neither valid Basic nor Bearer was refused, named by its scheme.
    static func unreadableReason(_ authorization: String) -> String {
        let scheme = authorization.prefix { $0 != " " }.lowercased()
        switch scheme {
        case "basic": return "malformed Basic credentials; expected the base64 of name:password"
        case "bearer": return "malformed Bearer header; expected one token after the scheme"
        default: return "unsupported Authorization scheme; use Basic or Bearer"
        }
    }

    /// Checks a login name and password (or robot token).
    public func login(name: String, password: String, address: String, now: Date = Date()) async -> Authentication {
        if case .throttled(let retryAfter) = throttle.check(identity: name, address: address, now: now) {
            return .throttled(identity: name, retryAfter: retryAfter)
        }
        let principal = Principal(login: name)
        let accepted = await check(principal, password: password, now: now)
        if accepted {
            throttle.recordSuccess(identity: name, address: address, now: now)
            return .password(principal)
        }
        throttle.recordFailure(identity: name, address: address, now: now)
        return .failed(identity: name, reason: "wrong name or password")
    }

    private func check(_ principal: Principal, password: String, now: Date) async -> Bool {
        switch principal {
        case .administrator:
            return administrator?.accepts(password: password) ?? false
        case .robot(let name):
            // A robot just removed from the policy may still have tokens until the keeper catches up.
            let tokens = live.withLock { $0.policy.declaresRobot(name) ? $0.robotTokens[name] ?? [] : [] }
            return tokens.contains { $0.validUntil > now && RobotSecret.matches(password, digest: $0.digest) }
        case .user(let name):
            let declared = live.withLock { $0.policy.passwordHash(ofUser: name) }
            // An unknown user costs the same hash check as a known one, so timing does not tell which names exist.
            let hash = declared ?? Self.decoyHash
            let login = "user:\(name)"
            if verified.contains(name: login, password: password, encodedHash: hash) { return true }
            let matches = await Self.offloaded { PasswordVerifier.verify(password, against: hash) }
            guard matches, declared != nil else { return false }
            verified.remember(name: login, password: password, encodedHash: hash)
            return true
        case .anonymous:
            return false
        }
    }

    private func verify(token text: String, now: Date) async -> Authentication {
        let token: RegistryToken
        do {
            token = try await tokens.verify(text, now: now)
        } catch {
            return .failed(identity: "bearer token", reason: "\(error)")
        }
        guard let principal = Principal(subject: token.subject) else {
            return .failed(identity: token.subject, reason: "token subject is not an identity of this registry")
        }
        let policy = self.policy
        let exists = switch principal {
        case .administrator: administrator != nil
        case .user(let name): policy.passwordHash(ofUser: name) != nil
        case .robot(let name): policy.declaresRobot(name)
        case .anonymous: true
        }
        guard exists else { return .failed(identity: token.subject, reason: "the token's subject is no longer declared") }
        return .token(principal, token)
    }

    /// Password hashing takes a quarter of a second by design: keep it off the cooperative thread pool.
    private static func offloaded(_ work: @escaping @Sendable () -> Bool) async -> Bool {
        await withCheckedContinuation { continuation in
            DispatchQueue.global().async { continuation.resume(returning: work()) }
        }
    }

    /// A bcrypt hash of a random string, cost 12 like the declared ones.
    private static let decoyHash = "$2y$12$moYLwaszWfWjMuCb1VhO9ecE.Wpuz6boobjz7DRgy56x3xJjU3CRu"
}
