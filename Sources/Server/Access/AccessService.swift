import Access
import Audit
import CoreMetrics
import Declarations
import Foundation
import Logging
import Storage

/// Keeps authentication in step with the live configuration (the access policy, robot credentials) and
/// answers for the registry, the token endpoint and the admin API.
public final class AccessService: Sendable {
    public let authenticator: Authenticator
    let events: SecurityEventLog
    let store: any AccessStore
    private let keeper: RobotCredentialKeeper
    let logger: Logger

    /// The registry's name in tokens (`aud`) and challenges (`service`).
    public static let service = "berth"

    init(tokens: TokenAuthority, store: any AccessStore, audit: AuditLog, coordination: any ReplicaCoordination, administrator: AdminCredentials?,
         metrics: any MetricsFactory, logger: Logger) {
        // Among replicas, a login counts on every replica's throttle.
        var tell: (@Sendable (LoginOutcome) -> Void)?
        if coordination.isShared {
            tell = { outcome in Task { await coordination.publish(ReplicaChange(outcome)) } }
        }
        let throttle = LoginThrottle(told: tell)
        authenticator = Authenticator(administrator: administrator, tokens: tokens, throttle: throttle)
        events = SecurityEventLog(audit: audit, logger: logger, metrics: metrics)
        keeper = RobotCredentialKeeper(store: store, audit: audit, coordination: coordination, logger: logger)
        self.store = store
        self.logger = logger
    }

    /// Called with every new live configuration: the policy takes effect at once, robots get their tokens.
    func configurationChanged(to state: DesiredState, now: Date = Date()) async {
        authenticator.update(policy: AccessPolicy(state: state))
        await refreshRobotCredentials(now: now)
    }

    /// Whether this replica mints robot tokens (it holds the robot-renewal lease) or accepts what another minted.
    func mintingChanged(_ mints: Bool) async {
        await keeper.setMinting(mints)
    }

    /// Mints, rotates and expires robot tokens (or, on a replica that does not mint, reads them); run at every
    /// configuration change and periodically.
    func refreshRobotCredentials(now: Date = Date()) async {
        do {
            let accepted = try await keeper.reconcile(robots: authenticator.policy.robotAccounts, now: now)
            authenticator.update(robotTokens: accepted)
        } catch {
            logger.error("could not update robot credentials", metadata: ["error": "\(error)"])
        }
    }
}

extension ReplicaChange {
    init(_ outcome: LoginOutcome) {
        switch outcome {
        case .failed(let identity, let address): self = .loginFailed(identity: identity, address: address)
        case .succeeded(let identity): self = .loginSucceeded(identity: identity)
        }
    }
}
