import Foundation
import PostgresNIO
import Storage

extension PostgresMetadataStore: AccessStore {
    public func robotCredentials() async throws -> [RobotCredential] {
        let rows = try await database.query(
            "SELECT robot, digest, issued_at, expires_at, recipient, sealed, previous_digest, previous_valid_until FROM robot_credentials ORDER BY robot")
        var credentials: [RobotCredential] = []
        for try await (robot, digest, issued, expires, recipient, sealed, previousDigest, previousValidUntil)
            in rows.decode((String, String, Date, Date, String, String, String?, Date?).self) {
            credentials.append(RobotCredential(robot: robot, digest: digest, issuedAt: issued, expiresAt: expires, recipient: recipient,
                                               sealed: sealed, previousDigest: previousDigest, previousValidUntil: previousValidUntil))
        }
        return credentials
    }

    public func updateRobotCredentials(_ credentials: [RobotCredential], keeping: Set<String>) async throws {
        let logger = database.logger
        try await database.transaction { connection in
            // Updates take turns, across replicas too, so two never interleave (or deadlock on each other's rows). The lock
            // conflicts with itself and with writes, not with reads.
            try await connection.query("LOCK TABLE robot_credentials IN SHARE ROW EXCLUSIVE MODE", logger: logger)
            try await connection.query("DELETE FROM robot_credentials WHERE NOT (robot = ANY(\(Array(keeping))))", logger: logger)
            for credential in credentials {
                try await connection.query(
                    """
                    INSERT INTO robot_credentials (robot, digest, issued_at, expires_at, recipient, sealed, previous_digest, previous_valid_until)
                    VALUES (\(credential.robot), \(credential.digest), \(credential.issuedAt), \(credential.expiresAt), \(credential.recipient),
                            \(credential.sealed), \(credential.previousDigest), \(credential.previousValidUntil))
                    ON CONFLICT (robot) DO UPDATE SET digest = excluded.digest, issued_at = excluded.issued_at, expires_at = excluded.expires_at,
                        recipient = excluded.recipient, sealed = excluded.sealed, previous_digest = excluded.previous_digest,
                        previous_valid_until = excluded.previous_valid_until
                    """, logger: logger)
            }
        }
    }
}
