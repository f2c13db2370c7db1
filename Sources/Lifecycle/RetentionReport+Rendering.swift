import Foundation

extension RetentionReport {
    /// What `berth retention plan|run` prints: per repository, each tag and manifest with the rule that let it go.
    public var text: String {
        let time = startedAt.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
        var out = "Retention \(applied ? "run" : "plan"), \(time)\n"
        guard !repositories.isEmpty else { return out + (applied ? "Nothing was deleted.\n" : "Nothing to delete.\n") }
        for repository in repositories {
            let tags = repository.deletions.filter(\.isTag).count, manifests = repository.deletions.count - tags
            out += "\n\(repository.repository) (\(repository.rules)): \(tags) tag\(tags == 1 ? "" : "s") and \(manifests) manifest\(manifests == 1 ? "" : "s") \(applied ? "deleted" : "to delete")\n"
            for deletion in repository.deletions { out += "  - \(deletion.subject): \(deletion.reason)\n" }
        }
        out += "\n\(deletedTags) tag\(deletedTags == 1 ? "" : "s") and \(deletedManifests) manifest\(deletedManifests == 1 ? "" : "s") \(applied ? "deleted" : "would be deleted").\n"
        return out
    }

    /// The same as a Markdown table, for a pull request comment.
    public var markdown: String {
        var out = "### Retention \(applied ? "run" : "plan")\n\n"
        guard !repositories.isEmpty else { return out + (applied ? "Nothing was deleted.\n" : "Nothing to delete.\n") }
        out += "| Repository | Rules | Deleted | Why |\n| --- | --- | --- | --- |\n"
        for repository in repositories {
            for deletion in repository.deletions {
                out += "| `\(repository.repository)` | \(repository.rules) | \(deletion.subject) | \(deletion.reason.replacingOccurrences(of: "|", with: "\\|")) |\n"
            }
        }
        return out
    }
}

extension RetentionDeletion {
    /// `tag v1 (sha256:…)` or `manifest sha256:…`.
    public var subject: String {
        switch target {
        case .tag(let name, let digest): "tag \(name) (\(digest))"
        case .manifest(let digest): "manifest \(digest)"
        }
    }
}
