import Declarations

struct MarkdownRenderer {
    var desired: DesiredState
    var maxChanges: Int
    var maxPolicies: Int

    /// Field lists longer than this fold into `<details>`.
    static let foldAfter = 12

    func render(_ plan: Plan) -> String {
        var out = "### Berth plan\n\n"
        if !plan.expiringExceptions.isEmpty {
            out += "> [!WARNING]\n> Exceptions lapsing within 14 days:\n"
            for exception in plan.expiringExceptions { out += "> - \(Self.escape(exception.sentence))\n" }
            out += "\n"
        }
        guard !plan.isEmpty else {
            out += ValueText.noChanges + "\n\n"
            out += footer(plan)
            return out
        }
        let s = plan.summary
        out += "**\(ValueText.totals(s))**\n\n"
        out += "| To create | To update | To delete | Destructive |\n"
        out += "| ---: | ---: | ---: | ---: |\n"
        out += "| \(s.create) | \(s.update) | \(s.delete) | \(s.destructive) |\n\n"

        let destructive = plan.destructiveChanges
        if !destructive.isEmpty {
            out += "> [!CAUTION]\n"
            out += "> **\(destructive.count) destructive change\(destructive.count == 1 ? "" : "s")** — apply refuses this plan without an explicit opt-in:\n"
            for change in destructive {
                out += "> - \(title(change)) \(ValueText.verb(change.action)): \(Self.escape(change.details.joined(separator: "; ")))\n"
            }
            out += "\n"
        }

        if !plan.quotaWarnings.isEmpty || !plan.unmatchedExceptions.isEmpty {
            out += "> [!WARNING]\n"
            for warning in plan.quotaWarnings { out += "> \(Self.escape(ValueText.quotaWarning(warning)))\n" }
            for exception in plan.unmatchedExceptions { out += "> \(Self.escape(exception.sentence))\n" }
            out += "\n"
        }
        if !plan.retention.isEmpty {
            out += "#### Retention at the next run\n\n"
            out += "| Repository | Tags deleted | Tags newly kept | Rules | First tags deleted |\n| --- | ---: | ---: | --- | --- |\n"
            for r in plan.retention {
                out += "| `\(r.repository)` | \(r.deletedTags) | \(r.keptTags) | \(Self.escape(r.change)) | \(r.tags.map { "`\($0)`" }.joined(separator: ", ")) |\n"
            }
            out += "\n"
        }
        if !plan.consequences.isEmpty {
            out += "#### Stored images affected\n\n"
            out += "| Repository | Effect | Images | First digests | Why |\n| --- | --- | ---: | --- | --- |\n"
            for c in plan.consequences {
                let effect = c.effect == .quarantine ? "⚠️ quarantined" : "released"
                out += "| `\(c.repository)` | \(effect) | \(c.count) | \(c.digests.map { "`\($0)`" }.joined(separator: "<br>")) | \(Self.escape(c.reason)) |\n"
            }
            out += "\n"
        }

        out += "#### Changes\n\n"
        for change in plan.changes.prefix(maxChanges) {
            section(change, into: &out)
        }
        if plan.changes.count > maxChanges {
            let rest = plan.changes.dropFirst(maxChanges)
            out += "_… and \(rest.count) more change\(rest.count == 1 ? "" : "s") not shown here (\(rest.filter { $0.action == .create }.count) to create, \(rest.filter { $0.action == .update }.count) to update, \(rest.filter { $0.action == .delete }.count) to delete); see the full plan with `berth plan`._\n\n"
        }

        policies(plan, into: &out)
        out += footer(plan)
        return out
    }

    private func title(_ change: Change) -> String {
        "\(change.kind.rawValue) `\(change.name)`"
    }

    private func section(_ change: Change, into out: inout String) {
        let verb: String
        switch change.action {
        case .create: verb = "Create"
        case .update: verb = "Update"
        case .delete: verb = "Delete"
        }
        out += "##### \(verb) \(title(change))\(change.destructive ? " — ⚠️ destructive" : "")\n\n"
        out += change.reasons.map { "- \(Self.escape($0))\n" }.joined()
        out += "\n"
        guard !change.fields.isEmpty else { return }
        var lines: [String] = []
        let width = change.fields.map(\.path.count).max() ?? 0
        for field in change.fields {
            let path = field.path.padding(toLength: width, withPad: " ", startingAt: 0)
            if let before = field.before, field.after != nil, change.action == .update {
                // A changed value: old and new on two lines, as a diff shows them.
                lines.append("- \(path) = \(ValueText.side(before, of: field))")
                lines.append("+ \(path) = \(ValueText.side(field.after, of: field))")
            } else if field.before != nil {
                lines.append("- \(path) = \(ValueText.side(field.before, of: field))")
            } else {
                lines.append("+ \(path) = \(ValueText.side(field.after, of: field))")
            }
        }
        let block = Self.fenced(lines.joined(separator: "\n"), info: "diff")
        if change.fields.count > Self.foldAfter {
            out += "<details><summary>\(change.fields.count) fields</summary>\n\n\(block)\n</details>\n\n"
        } else {
            out += block + "\n"
        }
    }

    // MARK: Effective policies

    /// The Repository declarations whose effective policy the plan touches:
    /// created or updated ones, and every one that uses a created or updated
    /// tier.
    func touchedDeclarations(_ plan: Plan) -> [String] {
        var names = Set<String>()
        var tiers = Set<String>()
        for change in plan.changes where change.action != .delete {
            switch change.kind {
            case .repository: names.insert(change.name)
            case .tier: tiers.insert(change.name)
            default: break
            }
        }
        if !tiers.isEmpty {
            for repository in desired.repositories where tiers.contains(repository.tier) {
                names.insert(repository.name)
            }
        }
        return names.sorted(by: ConfigValue.keyPrecedes)
    }

    private func policies(_ plan: Plan, into out: inout String) {
        let names = touchedDeclarations(plan)
        guard !names.isEmpty else { return }
        out += "#### Effective policy of touched repositories\n\n"
        out += "Each repository's tier, overridden field by field by its Repository declaration, as it will be after this plan.\n\n"
        for name in names.prefix(maxPolicies) {
            guard let policy = desired.effectivePolicy(ofDeclaration: name) else {
                out += "##### `\(name)`\n\nNo effective policy: the declaration or its tier is not in the declarations given.\n\n"
                continue
            }
            let glob = RepositoryPattern(name).map { !$0.isExact } ?? false
            out += "##### `\(name)` — tier `\(policy.tier.name)`\n\n"
            if glob {
                out += "Applies to every repository matching `\(name)` that no more specific declaration governs.\n\n"
            }
            out += "| Setting | Value | From |\n| --- | --- | --- |\n"
            for field in policy.fields {
                out += "| \(field.field) | `\(field.value)` | \(Self.escape(origin(field.origin))) |\n"
            }
            if !policy.vulnerabilityExceptions.isEmpty {
                out += "\nVulnerability exceptions: " + policy.vulnerabilityExceptions.map { "`\($0)`" }.joined(separator: ", ") + "\n"
            }
            if !policy.secretExceptions.isEmpty {
                out += "\nSecret exceptions: " + policy.secretExceptions.map { "`\($0)`" }.joined(separator: ", ") + "\n"
            }
            out += "\n"
        }
        if names.count > maxPolicies {
            out += "_… and the policies of \(names.count - maxPolicies) more repository declarations._\n\n"
        }
    }

    private func origin(_ origin: SettingOrigin) -> String {
        switch origin {
        case .defaultValue: return "default"
        case .tier(let ref, let field): return "Tier \(ref.name) (\(field))"
        case .repository(let ref, let field): return "Repository \(ref.name) (\(field))"
        }
    }

    private func footer(_ plan: Plan) -> String {
        var parts: [String] = []
        if let source = ValueText.sourceLine(plan.source) { parts.append(Self.escape(source)) }
        parts.append("live `\(plan.liveFingerprint)`")
        parts.append("desired `\(plan.desiredFingerprint)`")
        parts.append("computed \(Plan.timestamp(plan.createdAt))")
        return "<sub>" + parts.joined(separator: " · ") + "</sub>\n"
    }

    // MARK: Escaping

    /// Escapes text for Markdown prose and table cells.
    static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\\", "`", "*", "_", "[", "]", "<", ">", "|", "#", "~": out += "\\\(c)"
            case "\n", "\r": out += " "
            default: out.append(c)
            }
        }
        return out
    }

    /// A fenced code block whose fence is longer than any run of backticks
    /// in the content.
    static func fenced(_ content: String, info: String) -> String {
        var longest = 0, run = 0
        for c in content {
            run = c == "`" ? run + 1 : 0
            longest = max(longest, run)
        }
        let fence = String(repeating: "`", count: max(3, longest + 1))
        return "\(fence)\(info)\n\(content)\n\(fence)\n"
    }
}
