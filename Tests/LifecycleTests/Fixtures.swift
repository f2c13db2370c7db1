import Declarations
import Foundation
import Lifecycle
import OCI

/// The injected clock: every test plans at this instant, 2026-06-01T00:00:00Z.
let now = Date(timeIntervalSince1970: 1_780_272_000)
let hour: TimeInterval = 3_600
let day: TimeInterval = 86_400
let defaultGrace: TimeInterval = 24 * hour

/// A synthetic manifest digest, named so tests read as prose.
func digest(_ name: String) -> Digest { Digest.compute(Array(name.utf8)) }

func ago(_ seconds: TimeInterval) -> Date { now.addingTimeInterval(-seconds) }

func tag(_ name: String, on manifest: String, pushed: TimeInterval) -> StoredTag {
    StoredTag(tag: Tag(name)!, digest: digest(manifest), pushedAt: ago(pushed))
}

func manifest(_ name: String, pushed: TimeInterval, pulled: TimeInterval? = nil, subject: String? = nil,
              children: [String] = []) -> StoredManifest {
    StoredManifest(digest: digest(name), pushedAt: ago(pushed), pulledAt: pulled.map(ago),
                   subject: subject.map(digest), children: children.map(digest))
}

/// cosign's tag for the image `manifest`: `sha256-<hex>.sig` (or `.att`, `.sbom`).
func cosignTag(of manifest: String, _ suffix: String = "sig") -> String { "sha256-\(digest(manifest).hex).\(suffix)" }

func span(_ text: String) -> TimeSpan { TimeSpan(text)! }
func patterns(_ texts: String...) -> [TagPattern] { texts.map { TagPattern($0)! } }

func plan(_ tags: [StoredTag], _ manifests: [StoredManifest], _ rules: RetentionRules,
          grace: TimeInterval = defaultGrace) -> [RetentionDeletion] {
    RetentionPlanner.deletions(tags: tags, manifests: manifests, rules: rules, now: now, untaggedGrace: grace)
}

/// The deletions a plan must equal: `tags` in the order written (by name), then `manifests` by digest, as the planner
/// sorts them; sorting here keeps tests readable, since synthetic digests have no order a reader can see.
func expected(tags: [(String, on: String, String)] = [], manifests: [(String, String)] = []) -> [RetentionDeletion] {
    tags.map { RetentionDeletion(target: .tag($0.0, digest: digest($0.on)), reason: $0.2) }
        + manifests.sorted { digest($0.0) < digest($1.0) }.map { RetentionDeletion(target: .manifest(digest($0.0)), reason: $0.1) }
}
