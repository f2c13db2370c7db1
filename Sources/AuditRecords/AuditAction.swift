/// Every kind of record the audit log holds, by the name records, filters, `Webhook` declarations and CloudEvents types
/// use (spec/audit.md, "Actions").
public enum AuditAction: String, Sendable, Hashable, CaseIterable, Codable, Comparable {
    case manifestPush = "manifest-push"
    case manifestPull = "manifest-pull"
    case tagDelete = "tag-delete"
    case manifestDelete = "manifest-delete"
    /// A blob garbage collection removed from storage.
    case blobDelete = "blob-delete"
    /// A tag or manifest retention deleted.
    case retentionDelete = "retention-delete"
    /// Bad password, unknown identity, invalid or expired token.
    case authenticationFailed = "authentication-failed"
    /// Authenticated (or anonymous), but not allowed.
    case accessDenied = "access-denied"
    /// Too many failed logins: refused without checking the credentials.
    case throttled
    /// A read of a quarantined manifest by someone who may only pull it: refused.
    case quarantineRefused = "quarantine-refused"
    /// A read of a quarantined manifest by a producer, or of a pull-blocked one by an admin: served.
    case quarantineRead = "quarantine-read"
    /// A signature found for an image that did not verify.
    case signatureRejected = "signature-rejected"
    /// Secrets found in a pushed image (redacted), whether the push was refused or only warned about.
    case secretsFound = "secrets-found"
    /// Vulnerabilities at or above a tier's threshold found in a pushed image.
    case vulnerabilitiesFound = "vulnerabilities-found"
    /// A stored image's verdict changed: released, quarantined, or blocked (`details.cause` says what moved it).
    case verdictChange = "verdict-change"
    /// A configuration revision applied: by the reconciler, `berth apply`, or the admin API.
    case configurationApply = "configuration-apply"
    /// The live configuration was found changed outside git.
    case driftDetect = "drift-detect"
    /// The reconciler changed it back.
    case driftRevert = "drift-revert"
    case robotTokenMint = "robot-token-mint"
    case robotTokenRotate = "robot-token-rotate"
    case robotTokenRevoke = "robot-token-revoke"
    case serverStart = "server-start"
    case serverStop = "server-stop"

    public static func < (lhs: AuditAction, rhs: AuditAction) -> Bool { lhs.rawValue < rhs.rawValue }

    /// Refusals and suspicious reads: what the admin API's security events list shows.
    public var isSecurityEvent: Bool {
        switch self {
        case .authenticationFailed, .accessDenied, .throttled, .quarantineRefused, .quarantineRead, .signatureRejected,
             .secretsFound, .vulnerabilitiesFound:
            true
        default: false
        }
    }
}

/// How the action ended.
public enum AuditOutcome: String, Sendable, Hashable, CaseIterable, Codable {
    case success
    /// Refused by access control or policy.
    case denied
    /// Attempted and failed (a bad credential).
    case failure
}
