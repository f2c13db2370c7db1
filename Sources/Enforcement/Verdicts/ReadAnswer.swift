import Foundation
import OCI

/// A manifest in a repository: the key of the answers a read looks up.
public struct ManifestKey: Hashable, Sendable {
    public let repository: RepositoryName
    public let digest: Digest

    public init(repository: RepositoryName, digest: Digest) {
        self.repository = repository
        self.digest = digest
    }
}

/// What a read of one manifest gets, derived from its verdict when the verdict is stored, so the pull path looks up a
/// small value and copies nothing reference-counted. Withheld reads take the slow path, which builds the message.
enum ReadAnswer: Sendable, Hashable {
    case serve
    /// Released with vulnerabilities a tier warns about at pull: served, and counted.
    case serveWarned
    /// Released until a certificate or signature expiry.
    case serveUntil(Date)
    /// Quarantined itself, but listed by a released index of the repository: served when pulled by digest.
    case serveByDigest
    case withhold

    init(_ verdict: Verdict) {
        switch verdict.status {
        case .exempt: self = .serve
        case .released: self = verdict.releasedUntil.map(ReadAnswer.serveUntil) ?? (verdict.warnsAtPull ? .serveWarned : .serve)
        case .quarantined: self = .withhold
        }
    }
}
