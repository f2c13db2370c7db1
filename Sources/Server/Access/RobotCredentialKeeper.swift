import Access
import Audit
import AuditRecords
import Declarations
import Foundation
import Logging
import Sealing
import Storage

/// Mints, rotates and retires robot tokens as the declarations say, keeping only digests and the
/// token sealed to the robot's `deliverTo` key. The plaintext exists only in memory while it is sealed.
actor RobotCredentialKeeper {
    /// After a rotation the previous token keeps working this long (never past its own expiry), so a
    /// consumer has time to fetch the new one.
    static let rotationOverlap: TimeInterval = 3600

    private let store: any AccessStore
    private let audit: AuditLog
    private let coordination: any ReplicaCoordination
    private let logger: Logger
    /// Whether this replica mints: always where it is alone; among replicas, only the one holding the robot-renewal lease,
    /// so two never mint a robot's token at once. The others accept what the store holds.
    private var mints: Bool

    init(store: any AccessStore, audit: AuditLog, coordination: any ReplicaCoordination, logger: Logger) {
        self.store = store
        self.audit = audit
        self.coordination = coordination
        self.logger = logger
        mints = !coordination.isShared
    }

    func setMinting(_ mints: Bool) {
        if coordination.isShared { self.mints = mints }
    }

    /// Brings the stored credentials in line with `robots` at `now`; returns the tokens to accept.
    func reconcile(robots: [RobotAccount], now: Date) async throws -> [String: [AcceptedRobotToken]] {
        let existing = Dictionary(try await store.robotCredentials().map { ($0.robot, $0) }, uniquingKeysWith: { first, _ in first })
        var changed: [RobotCredential] = []
        var accepted: [String: [AcceptedRobotToken]] = [:]
        var records: [AuditEvent] = []
        for robot in robots {
            let recipient = Self.recipientText(robot.deliverTo)
            var credential = existing[robot.name]
            let reason: String? = if !mints {
                nil
            } else if let current = credential {
                Self.renewalReason(current, robot: robot, recipient: recipient, now: now)
            } else {
                "new robot"
            }
            if let reason {
                do {
                    let previous = credential
                    credential = try mint(for: robot, recipient: recipient, replacing: previous, now: now)
                    logger.notice("robot token minted", metadata: ["robot": "\(robot.name)", "reason": "\(reason)"])
                    var details = ["reason": reason, "expires": AuditTime.string(credential!.expiresAt)]
                    details["previousValidUntil"] = credential!.previousValidUntil.map(AuditTime.string)
                    records.append(AuditEvent(time: now, actor: "berth", action: previous == nil ? .robotTokenMint : .robotTokenRotate,
                                              object: robot.name, details: details))
                } catch {
                    // One robot's unusable key must not hold back the others; its old token (if any) is not accepted.
                    logger.error("could not mint a robot token", metadata: ["robot": "\(robot.name)", "error": "\(error)"])
                    continue
                }
            }
            guard let credential else { continue }
            if credential != existing[robot.name] { changed.append(credential) }
            var tokens = [AcceptedRobotToken(digest: credential.digest, validUntil: credential.expiresAt)]
            if let previous = credential.previousDigest, let until = credential.previousValidUntil, until > now {
                tokens.append(AcceptedRobotToken(digest: previous, validUntil: until))
            }
            accepted[robot.name] = tokens
        }
        let declared = Set(robots.map(\.name))
        let retired = mints ? existing.keys.filter { !declared.contains($0) }.sorted() : []
        if !changed.isEmpty || !retired.isEmpty {
            try await store.updateRobotCredentials(changed, keeping: declared)
            await coordination.publish(.robotCredentials)
        }
        records += retired.map { AuditEvent(time: now, actor: "berth", action: .robotTokenRevoke, object: $0, details: ["reason": "the robot is no longer declared"]) }
        // After the store: a record says what happened, never what was about to.
        do {
            try await audit.record(records)
        } catch {
            logger.error("could not record robot token changes in the audit log", metadata: ["error": "\(error)"])
        }
        return accepted
    }

    /// Why the current token must be replaced, or nil when it stays.
    private static func renewalReason(_ current: RobotCredential, robot: RobotAccount, recipient: String, now: Date) -> String? {
        if current.recipient != recipient { return "deliverTo changed" }
        if current.expiresAt <= now { return "expired" }
        if current.issuedAt.addingTimeInterval(TimeInterval(robot.expiresIn.totalSeconds)) != current.expiresAt { return "expiresIn changed" }
        if let rotateEvery = robot.rotateEvery, current.issuedAt.addingTimeInterval(TimeInterval(rotateEvery.totalSeconds)) <= now {
            return "rotation due"
        }
        return nil
    }

    private func mint(for robot: RobotAccount, recipient: String, replacing previous: RobotCredential?, now: Date) throws -> RobotCredential {
        let secret = RobotSecret.mint()
        let sealed = try Sealer.seal(Array(secret.plaintext.utf8), to: try SealingRecipient(parsing: recipient))
        // A token sent to a different consumer is revoked at once; a rotated one overlaps briefly.
        let overlapUntil = previous.flatMap { old -> Date? in
            guard old.recipient == recipient, old.expiresAt > now else { return nil }
            return min(old.expiresAt, now.addingTimeInterval(Self.rotationOverlap))
        }
        return RobotCredential(
            robot: robot.name, digest: secret.digest, issuedAt: now,
            expiresAt: now.addingTimeInterval(TimeInterval(robot.expiresIn.totalSeconds)),
            recipient: recipient, sealed: sealed,
            previousDigest: overlapUntil == nil ? nil : previous?.digest, previousValidUntil: overlapUntil)
    }

    static func recipientText(_ key: RecipientKey) -> String {
        switch key {
        case .pem(let pem): pem.pem
        case .age(let recipient): recipient
        case .ssh(let type, let key): "\(type) \(key)"
        }
    }
}
