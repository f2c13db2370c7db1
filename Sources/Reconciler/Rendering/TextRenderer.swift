import Declarations

struct TextRenderer {
    var color: Bool

    private func paint(_ text: String, _ code: String) -> String {
        color ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    private func marker(_ m: Character) -> String {
        switch m {
        case "+": return paint("+", "32")
        case "~": return paint("~", "33")
        default: return paint("-", "31")
        }
    }

    private func marker(for action: Change.Action) -> Character {
        switch action {
        case .create: return "+"
        case .update: return "~"
        case .delete: return "-"
        }
    }

    func render(_ plan: Plan) -> String {
        var out = "Berth plan, computed \(Plan.timestamp(plan.createdAt))\n"
        if let source = ValueText.sourceLine(plan.source) { out += "  source:  \(source)\n" }
        out += "  live:    \(plan.liveFingerprint)\n"
        out += "  desired: \(plan.desiredFingerprint)\n\n"
        for exception in plan.expiringExceptions {
            out += paint("Expiring: \(exception.sentence)", "33") + "\n"
        }
        if !plan.expiringExceptions.isEmpty { out += "\n" }
        guard !plan.isEmpty else {
            return out + ValueText.noChanges + "\n"
        }
        out += "Berth will perform the following actions:\n"
        for change in plan.changes {
            out += "\n"
            render(change, into: &out)
        }
        out += "\n"
        let destructive = plan.summary.destructive
        if destructive > 0 {
            let text = "Warning: \(destructive) destructive change\(destructive == 1 ? "" : "s"); apply refuses this plan without an explicit opt-in."
            out += paint(text, "1;31") + "\n"
        }
        for warning in plan.quotaWarnings {
            out += paint("Warning: \(ValueText.quotaWarning(warning))", "33") + "\n"
        }
        for exception in plan.unmatchedExceptions {
            out += paint("Warning: \(exception.sentence)", "33") + "\n"
        }
        if !plan.retention.isEmpty {
            out += "\nRetention at the next run:\n"
            for consequence in plan.retention {
                let line = "  \(ValueText.retention(consequence))"
                out += (consequence.deletedTags > 0 ? paint(line, "31") : line) + "\n"
                if !consequence.tags.isEmpty {
                    out += "      " + consequence.tags.joined(separator: ", ")
                        + (consequence.deletedTags > consequence.tags.count ? ", … and \(consequence.deletedTags - consequence.tags.count) more" : "") + "\n"
                }
            }
            out += "\n"
        }
        if !plan.consequences.isEmpty {
            out += "\nStored images affected:\n"
            for consequence in plan.consequences {
                let line = "  \(ValueText.consequence(consequence))"
                out += (consequence.effect == .quarantine ? paint(line, "31") : line) + "\n"
                for digest in consequence.digests { out += "      \(digest)\n" }
                if consequence.count > consequence.digests.count { out += "      … and \(consequence.count - consequence.digests.count) more\n" }
            }
            out += "\n"
        }
        out += ValueText.totals(plan.summary) + "\n"
        return out
    }

    private func render(_ change: Change, into out: inout String) {
        let title = "\(change.kind.rawValue) \(ValueText.render(.string(change.name)))"
        var header = "  # \(title) \(ValueText.verb(change.action))"
        if change.destructive {
            header += " — " + paint("DESTRUCTIVE", "1;31") + ": " + change.details.joined(separator: "; ")
        }
        out += header + "\n"
        if !change.destructive {
            for note in change.details { out += "  # note: \(note)\n" }
        }
        out += "  \(marker(marker(for: change.action))) \(title) {\n"
        let width = change.fields.map(\.path.count).max() ?? 0
        for field in change.fields {
            let line = ValueText.line(field, width: width)
            out += "      \(marker(line.marker)) \(line.text)\n"
        }
        out += "    }\n"
    }
}
