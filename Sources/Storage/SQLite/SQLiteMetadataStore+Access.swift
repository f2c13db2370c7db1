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
        CREATE TABLE IF NOT EXISTS security_events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            time REAL NOT NULL,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            address TEXT NOT NULL,
            action TEXT NOT NULL,
            reason TEXT NOT NULL
        );
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

    /// How many security events are kept: a flood of refused requests must not fill the disk.
    static let securityEventsKept: Int64 = 100_000

    public func record(_ events: [SecurityEvent]) async throws {
        guard !events.isEmpty else { return }
        try await write { connection in
            for event in events {
                try connection.query(
                    "INSERT INTO security_events (time, kind, subject, address, action, reason) VALUES (?, ?, ?, ?, ?, ?)",
                    [.real(event.time.timeIntervalSince1970), .text(event.kind.rawValue), .text(event.subject), .text(event.address),
                     .text(event.action), .text(event.reason)])
                let id = connection.lastInsertedRow
                if id % 1000 == 0 {
                    try connection.query("DELETE FROM security_events WHERE id <= ?", [.integer(id - Self.securityEventsKept)])
                }
            }
        }
    }

    public func securityEvents(limit: Int) async throws -> [SecurityEvent] {
        try await read { connection in
            try connection.query(
                "SELECT time, kind, subject, address, action, reason FROM security_events ORDER BY id DESC LIMIT ?", [.integer(Int64(limit))]
            ).compactMap { row in
                guard let time = row[0].double, let kind = row[1].string.flatMap(SecurityEvent.Kind.init(rawValue:)), let subject = row[2].string,
                      let address = row[3].string, let action = row[4].string, let reason = row[5].string else { return nil }
                return SecurityEvent(time: Date(timeIntervalSince1970: time), kind: kind, subject: subject, address: address, action: action, reason: reason)
            }
        }
    }
}
