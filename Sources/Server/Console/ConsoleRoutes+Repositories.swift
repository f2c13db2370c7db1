import AdminAPI
import Console
import Declarations
import Enforcement
import Foundation
import Hummingbird
import NIOCore
import OCI
import Storage
import Vulnerabilities

/// The pages anyone signed in may see, each limited to the repositories the viewer may pull.
extension ConsoleRoutes {
    static let repositoriesPerPage = 50
    static let tagsPerPage = 100

    func overview(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        let declarations = try await admin.liveDeclarations()
        let visible = try await catalog.current().filter { viewer.mayPull($0.summary.name.value) }
        var perTier: [String: (repositories: Int, images: Int, bytes: Int64)] = [:]
        var images = 0, quarantined = 0, blocked = 0
        var severityByTier: [String: [Int]] = [:]
        for entry in visible {
            images += entry.summary.manifests
            let tier = entry.tier ?? "(no tier)"
            perTier[tier, default: (0, 0, 0)].repositories += 1
            perTier[tier, default: (0, 0, 0)].images += entry.summary.manifests
            perTier[tier, default: (0, 0, 0)].bytes += entry.bytes
            guard policy.requiresVerdicts(entry.summary.name) else { continue }
            for verdict in policy.verdictSummaries(in: entry.summary.name).values {
                if verdict.status == .quarantined { quarantined += 1 }
                if verdict.blockedByVulnerabilities { blocked += 1 }
                var counts = severityByTier[tier] ?? Array(repeating: 0, count: Self.severities.count)
                for (index, severity) in Self.severities.enumerated() { counts[index] += verdict.findingsBySeverity[severity] ?? 0 }
                severityByTier[tier] = counts
            }
        }
        let tiers = declarations.tiers.map { tier in
            let counts = perTier[tier.name] ?? (0, 0, 0)
            return OverviewPage.Tier(name: tier.name, description: tier.description, policy: TierWords.sentences(tier), repositories: counts.repositories,
                                     images: counts.images, storage: ConsoleText.bytes(counts.bytes))
        }
        let storageByTier = perTier.sorted { $0.value.bytes > $1.value.bytes }.map { name, counts in
            SVGChart.Bar(label: name, value: Double(counts.bytes), valueText: ConsoleText.bytes(counts.bytes))
        }
        let topRepositories = visible.map { ($0.summary.name.value, $0.bytes) }.sorted { $0.1 > $1.1 }.prefix(10).map { name, bytes in
            SVGChart.Bar(label: name, value: Double(bytes), valueText: ConsoleText.bytes(bytes))
        }
        let days = await digest.days(30, repositories: { viewer.mayPull($0) })
        let charts = [
            OverviewPage.Chart(title: "Storage by tier", svg: SVGChart.bars(storageByTier, title: "Storage by tier")),
            OverviewPage.Chart(title: "Largest repositories", svg: SVGChart.bars(Array(topRepositories), title: "Largest repositories")),
            OverviewPage.Chart(title: "Pushes and pulls, last 30 days", svg: SVGChart.daily(days, title: "Pushes and pulls, last 30 days")),
            OverviewPage.Chart(title: "Vulnerabilities by severity", svg: SVGChart.stacked(
                severityByTier.sorted { $0.key < $1.key }.map { SVGChart.Stack(label: $0.key, counts: $0.value) },
                segments: Self.severities, colours: ["#7f1d1d", "#b3261e", "#d97706", "#ca8a04", "#9ca3af"], title: "Vulnerabilities by severity")),
        ]
        return Answer(body: renderer.render(OverviewPage(
            frame: viewer.frame("Overview"), tiers: tiers, reconciler: try await reconciler(for: viewer), repositories: visible.count, images: images,
            quarantined: quarantined, blockedByVulnerabilities: blocked, charts: charts)))
    }

    static let severities = ["critical", "high", "medium", "low", "unknown"]

    private func reconciler(for viewer: Viewer) async throws -> OverviewPage.Reconciler? {
        let current = await status.current
        let last = try await admin.revisions(limit: 1).first
        guard last != nil || current.source != nil else { return nil }
        let ready = current.conditions.first { $0.type == "Ready" }
        let state = ready.map { "\($0.status == "True" ? "Ready" : "Not ready"): \($0.message)" } ?? "Declarations are applied through the admin API or berth apply."
        // Drifted object names can name repositories the viewer may not pull: administrators see them, others a count.
        let drift = viewer.isAdministrator ? current.drift : (current.drift.isEmpty ? [] : ["\(current.drift.count) object(s) differ from git"])
        return OverviewPage.Reconciler(commit: last?.source.commit ?? current.lastAppliedCommit, author: last?.source.author,
                                       appliedAt: last.map { ConsoleText.time($0.appliedAt) }, revision: last.map { String($0.id) },
                                       state: state, drift: drift)
    }

    func repositories(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        let query = request.uri.queryParameters["q"].map(String.init) ?? ""
        let page = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        let matching = try await catalog.current().filter {
            (query.isEmpty || $0.summary.name.value.localizedCaseInsensitiveContains(query)) && viewer.mayPull($0.summary.name.value)
        }
        let shown = matching.dropFirst((page - 1) * Self.repositoriesPerPage).prefix(Self.repositoriesPerPage)
        let rows = shown.map { entry in
            RepositoriesPage.Row(name: entry.summary.name.value, link: "/ui/repository" + ConsoleText.query([("name", entry.summary.name.value)]),
                                 tier: entry.tier, tags: entry.summary.tags, size: ConsoleText.bytes(entry.bytes),
                                 lastPush: entry.summary.lastPush.map(ConsoleText.time))
        }
        let paging = Self.paging(page: page, perPage: Self.repositoriesPerPage, total: matching.count, noun: "repositories") { number in
            "/ui/repositories" + ConsoleText.query([("q", query), ("page", String(number))])
        }
        return Answer(body: renderer.render(RepositoriesPage(frame: viewer.frame("Repositories"), query: query, rows: rows, paging: paging)))
    }

    /// The repository `?name=` names, if the viewer may pull it; otherwise the same 404 as a name that does not exist.
    func visibleRepository(_ request: Request, _ viewer: Viewer, parameter: String) async throws -> RepositoryName {
        guard let text = request.uri.queryParameters[Substring(parameter)].map(String.init), let name = RepositoryName(text), viewer.mayPull(text),
              try await admin.metadata.tags(repository: name, after: nil, limit: 1) != nil
        else { throw ConsoleNotFound(message: "There is no such repository.") }
        return name
    }

    func repository(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        let name = try await visibleRepository(request, viewer, parameter: "name")
        let page = max(1, request.uri.queryParameters["page"].flatMap { Int($0) } ?? 1)
        let declarations = try await admin.liveDeclarations()
        let contents = try await admin.metadata.contents(repository: name)
        let pulled = Dictionary(contents.manifests.map { ($0.digest, $0.pulledAt) }, uniquingKeysWith: { first, _ in first })
        let verdicts = policy.requiresVerdicts(name) ? policy.verdictSummaries(in: name) : nil
        let tags = contents.tags.sorted { $0.pushedAt > $1.pushedAt }
        let shown = tags.dropFirst((page - 1) * Self.tagsPerPage).prefix(Self.tagsPerPage)
        var sizes: [Digest: Int64] = [:]
        for digest in Set(shown.map(\.digest)) {
            sizes[digest] = try await admin.metadata.manifest(repository: name, reference: .digest(digest)).map(Self.imageSize)
        }
        let rows = shown.map { entry in
            RepositoryPage.TagRow(tag: entry.tag.description, digest: entry.digest.description,
                                  link: "/ui/image" + ConsoleText.query([("repository", name.value), ("digest", entry.digest.description)]),
                                  size: sizes[entry.digest].map(ConsoleText.bytes) ?? "", pushed: ConsoleText.time(entry.pushedAt),
                                  pulled: pulled[entry.digest].flatMap { $0 }.map(ConsoleText.time) ?? "never",
                                  // `none` where the tier asks for no verdict; a manifest without a stored verdict where it
                                  // does is quarantined, as pulls treat it.
                                  verdict: verdicts.map { ($0[entry.digest]?.status ?? .quarantined).rawValue } ?? "none")
        }
        let paging = Self.paging(page: page, perPage: Self.tagsPerPage, total: tags.count, noun: "tags") { number in
            "/ui/repository" + ConsoleText.query([("name", name.value), ("page", String(number))])
        }
        let policyOf = declarations.effectivePolicy(for: name.value)
        let description = policyOf.flatMap { policy in declarations.repositories.first { $0.name == policy.declaration.name }?.description }
        return Answer(body: renderer.render(RepositoryPage(
            frame: viewer.frame(name.value), name: name.value, tier: policyOf?.tier.name, description: description,
            size: ConsoleText.bytes(try await admin.metadata.usage(repository: name)), tags: rows, paging: paging)))
    }

    /// An image's size: its manifest, config and layers; an index's, its manifest alone.
    static func imageSize(_ record: ManifestRecord) -> Int64 {
        let parsed = try? ParsedManifest.parse(record.content, contentType: record.mediaType)
        return Int64(record.content.count) + (parsed?.blobs.reduce(Int64(0)) { $0 + $1.size } ?? 0)
    }

    static func paging(page: Int, perPage: Int, total: Int, noun: String, link: (Int) -> String) -> Paging {
        let first = total == 0 ? 0 : (page - 1) * perPage + 1
        let last = min(total, page * perPage)
        return Paging(previous: page > 1 ? link(page - 1) : nil, next: last < total ? link(page + 1) : nil,
                      summary: total == 0 ? "" : "\(first)–\(last) of \(total) \(noun)")
    }
}
