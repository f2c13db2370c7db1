import Foundation
import ImageSignatures
import OCI

/// What Berth concluded about one manifest in one repository under the policy that governs it: released, quarantined,
/// or exempt (a signature, which is never quarantined), from its signatures and the secret scan of its layers. Computed when something it depends on changes; a read only
/// looks it up.
public struct Verdict: Sendable, Hashable {
    public enum Status: String, Sendable, Hashable {
        case released, quarantined
        /// A signature manifest: readable by anyone who may pull, so consumers can verify what they pull.
        case exempt
    }

    public var repository: RepositoryName
    public var digest: Digest
    /// The tier of the repository: the one whose signing requirement applies. Nil when no Repository declaration
    /// governs the repository.
    public var tier: String?
    public var status: Status
    /// Why, in sentences a client can print.
    public var reasons: [String]
    /// Every signature found for this manifest, valid or not.
    public var signatures: [SignatureCheck]
    /// When a release rests on certificates or signatures that expire: the moment it stops holding.
    public var releasedUntil: Date?
    /// An index's child manifests, which its release covers when they are pulled by digest from the same repository.
    public var children: [Digest]
    /// For a signature manifest: the images it claims to sign, whose verdicts change when it comes or goes.
    public var signs: [Digest]
    /// The secret scan of its layers, where the tier scans for secrets.
    public var scan: ScanVerdict?
    /// Its packages' vulnerabilities, where the tier checks them.
    public var vulnerabilities: VulnerabilityVerdict?
    /// Withheld by a tier that blocks vulnerable images at pull: readable only by the repository's admins, not by its
    /// producers as other quarantined images are.
    public var readableByAdminsOnly = false
    /// Released with findings at or above the threshold of a tier that only warns at pull: pulls are served and counted.
    public var warnsAtPull = false

    /// The verdict before its vulnerabilities were weighed, so a rescan re-weighs new findings without verifying
    /// signatures or reading scans again.
    var beforeVulnerabilities: Settled?
    /// The image's packages, numbered: what a rescan matches.
    var inventory: InternedInventory?

    struct Settled: Sendable, Hashable {
        var status: Status
        var reasons: [String]
        var releasedUntil: Date?
    }

    init(repository: RepositoryName, digest: Digest, tier: String?, status: Status, reasons: [String], signatures: [SignatureCheck],
         releasedUntil: Date?, children: [Digest], signs: [Digest]) {
        self.repository = repository
        self.digest = digest
        self.tier = tier
        self.status = status
        self.reasons = reasons
        self.signatures = signatures
        self.releasedUntil = releasedUntil
        self.children = children
        self.signs = signs
    }

    /// Released now: `released`, and not past `releasedUntil`.
    public func isReleased(at now: Date) -> Bool {
        status == .released && releasedUntil.map { now < $0 } ?? true
    }
}
