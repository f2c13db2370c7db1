import Crypto
import Foundation

/// The bootstrap administrator's secret, from `--admin-password-file` or `BERTH_ADMIN_PASSWORD`, never from git.
///
/// Only its SHA-256 is kept in memory, and requests are compared against that in constant time.
public struct AdminCredentials: Sendable {
    private let digest: SHA256.Digest

    public init?(secret: String) {
        let trimmed = secret.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return nil }
        digest = SHA256.hash(data: Data(trimmed.utf8))
    }

    /// The bootstrap administrator's password, as presented at a login.
    public func accepts(password: String) -> Bool {
        SHA256.hash(data: Data(password.utf8)) == digest
    }

    /// Accepts `Bearer <secret>` (what `--token-file` sends) or HTTP Basic `admin:<secret>`.
    public func accepts(authorization header: String?) -> Bool {
        guard let header else { return false }
        if let basic = BasicCredentials.parse(authorizationHeader: header) {
            return basic.name == "admin" && accepts(password: basic.password)
        }
        // The secret as a bearer token is compared whole: an admin password need not be a token68 value.
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return false }
        return accepts(password: String(parts[1]).trimmingCharacters(in: .whitespaces))
    }
}
