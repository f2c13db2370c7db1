import Foundation

extension SQLiteMetadataStore: AccessStore {
    static let accessSchema = """
        CREATE TABLE IF NOT EXISTS robot_credentials (
            robot TEXT PRIMARY KEY,
            digest TEXT NOT NULL,
            issued_at REAL NOT NULL,
            expires_at REAL NOT NULL,
            recipient TEXT NOT NULL,
            sealed TEXT NOT NULL,
            previous_digest TEXT,
            previous_valid_until REAL
        ) WITHOUT ROWID;
        """

    public func robotCredentials() async throws -> [RobotCredential] {
        try await read { connection in
            try connection.query(
                "SELECT robot, digest, issued_at, expires_at, recipient, sealed, previous_digest, previous_valid_until FROM robot_credentials ORDER BY robot"
            ).compactMap { row in
                guard let robot = row[0].string, let digest = row[1].string, let issued = row[2].double, let expires = row[3].double,
                      let recipient = row[4].string, let sealed = row[5].string else { return nil }
                return RobotCredential(
                    robot: robot, digest: digest, issuedAt: Date(timeIntervalSince1970: issued), expiresAt: Date(timeIntervalSince1970: expires),
                    recipient: recipient, sealed: sealed, previousDigest: row[6].string,
                    previousValidUntil: row[7].double.map { Date(timeIntervalSince1970: $0) })
            }
        }
    }

    public func updateRobotCredentials(_ credentials: [RobotCredential], keeping: Set<String>) async throws {
        try await write { connection in
            let existing = try connection.query("SELECT robot FROM robot_credentials").compactMap { $0[0].string }
            for robot in existing where !keeping.contains(robot) {
                try connection.query("DELETE FROM robot_credentials WHERE robot = ?", [.text(robot)])
            }
            for credential in credentials {
                try connection.query(
                    """
                    INSERT INTO robot_credentials (robot, digest, issued_at, expires_at, recipient, sealed, previous_digest, previous_valid_until)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT (robot) DO UPDATE SET digest = excluded.digest, issued_at = excluded.issued_at, expires_at = excluded.expires_at,
                        recipient = excluded.recipient, sealed = excluded.sealed, previous_digest = excluded.previous_digest,
                        previous_valid_until = excluded.previous_valid_until
                    """,
                    [.text(credential.robot), .text(credential.digest), .real(credential.issuedAt.timeIntervalSince1970),
                     .real(credential.expiresAt.timeIntervalSince1970), .text(credential.recipient), .text(credential.sealed),
                     credential.previousDigest.map { .text($0) } ?? .null,
                     credential.previousValidUntil.map { .real($0.timeIntervalSince1970) } ?? .null])
            }
        }
    }
}
