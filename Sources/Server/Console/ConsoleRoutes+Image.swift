import AdminAPI
import Console
import ContentAnalysis
import Enforcement
import Foundation
import Hummingbird
import Lifecycle
import NIOCore
import OCI
import Storage
import Vulnerabilities

/// One image: its verdict and everything that went into it.
extension ConsoleRoutes {
    func image(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        let repository = try await visibleRepository(request, viewer, parameter: "repository")
        guard let digest = request.uri.queryParameters["digest"].flatMap({ Digest(String($0)) }),
              let record = try await admin.metadata.manifest(repository: repository, reference: .digest(digest))
        else { throw ConsoleNotFound(message: "\(repository) holds no such image.") }
        let parsed = try? ParsedManifest.parse(record.content, contentType: record.mediaType)
        let tags = try await admin.metadata.tags(repository: repository, pointingAt: digest).map(\.description)
        let requiresVerdicts = policy.requiresVerdicts(repository)
        let verdict = try await policy.verdict(repository: repository, reference: .digest(digest))
            .map { AdminWire.Verdict($0, requirement: policy.vulnerabilityRequirement(for: repository)) }
        let status = requiresVerdicts ? verdict?.status ?? Verdict.Status.quarantined.rawValue : "none"
        let statusText = switch status {
        case "released": "Released: anyone who may pull it gets it"
        case "quarantined": "Quarantined: only producers of \(repository) can pull it"
        case "exempt": "A signature: readable by anyone who may pull"
        default: "No verdict: its tier checks nothing before release"
        }
        let sort = request.uri.queryParameters["sort"].map(String.init) ?? "severity"
        let vulnerabilities = Self.sorted(verdict?.vulnerabilities?.findings ?? [], by: sort).map { finding in
            ImagePage.Vulnerability(id: finding.id, severity: finding.severity ?? "unknown", package: finding.package, installed: finding.installed,
                                    fixed: finding.fixed, summary: finding.summary, blocking: finding.blocking,
                                    exception: finding.suppressedBy.map { "suppressed by \($0.exception) until \($0.expires): \($0.reason)" })
        }
        let link = { (sort: String) in
            "/ui/image" + ConsoleText.query([("repository", repository.value), ("digest", digest.description), ("sort", sort)])
        }
        let scannedLayers = Dictionary((verdict?.scan?.layers ?? []).map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        let layers = (parsed?.blobs ?? []).dropFirst().map { layer in
            let scan = scannedLayers[layer.digest.description]
            let words = scan.map { $0.outcome == "unscannable" ? "unscannable: \($0.reason ?? "")" : $0.outcome } ?? "not scanned (the tier does not scan)"
            return ImagePage.Layer(digest: layer.digest.description, mediaType: layer.mediaType, size: ConsoleText.bytes(layer.size), scan: words)
        }
        let secrets = (verdict?.scan?.findings ?? []).map { found in
            ImagePage.Secret(rule: found.rule, path: found.path, line: found.line, layer: found.layer, preview: found.preview, exception: found.exception)
        }
        var vulnerabilityStatus: String?
        if let checked = verdict?.vulnerabilities {
            vulnerabilityStatus = "\(checked.status)\(checked.reason.map { ": \($0)" } ?? ""); \(checked.packages) packages checked"
        } else if requiresVerdicts {
            vulnerabilityStatus = "Its tier does not check vulnerabilities."
        }
        return Answer(body: renderer.render(ImagePage(
            frame: viewer.frame(tags.first.map { "\(repository):\($0)" } ?? "\(repository)@\(digest.hex.prefix(12))"),
            repository: repository.value, repositoryLink: "/ui/repository" + ConsoleText.query([("name", repository.value)]),
            digest: digest.description, tags: tags, mediaType: record.mediaType, size: ConsoleText.bytes(Self.imageSize(record)),
            tier: verdict?.tier, status: status, statusText: statusText, reasons: verdict?.reasons ?? [],
            signatures: (verdict?.signatures ?? []).map { ImagePage.Signature(signer: $0.signer ?? "no declared signer", form: $0.form, valid: $0.valid, reason: $0.reason) },
            signaturesChecked: policy.requiresSignatures(repository),
            vulnerabilities: vulnerabilities, vulnerabilityStatus: vulnerabilityStatus,
            sorts: ["severity", "id", "package"].map { ImagePage.SortLink(label: $0, link: link($0), current: $0 == sort) },
            secrets: secrets, secretStatus: verdict?.scan.map { "\($0.status)\($0.reason.map { ": \($0)" } ?? "")" },
            layers: layers, annotations: (record.annotations ?? [:]).sorted { $0.key < $1.key }.map { ImagePage.Annotation(key: $0.key, value: $0.value) },
            sbomLink: parsed?.manifests.isEmpty == false ? nil
                : "/ui/sbom" + ConsoleText.query([("repository", repository.value), ("digest", digest.description)]),
            retention: try await retentionWords(repository: repository, digest: digest, tags: tags))))
    }

    static let severityOrder = ["critical": 0, "high": 1, "medium": 2, "low": 3]

    static func sorted(_ findings: [AdminWire.Vulnerability], by key: String) -> [AdminWire.Vulnerability] {
        findings.sorted { left, right in
            switch key {
            case "id": return left.id < right.id
            case "package": return (left.package, left.id) < (right.package, right.id)
            default:
                let l = severityOrder[left.severity ?? ""] ?? 4, r = severityOrder[right.severity ?? ""] ?? 4
                return l != r ? l < r : left.id < right.id
            }
        }
    }

    /// What retention will do to the image: the rule that keeps it, or the next run that deletes it.
    private func retentionWords(repository: RepositoryName, digest: Digest, tags: [String]) async throws -> String {
        let declarations = try await admin.liveDeclarations()
        guard let planned = try await retention.retention.plan(repository, under: declarations, now: Date()) else {
            return "No retention rule applies to \(repository): it is kept."
        }
        let deletions = planned.deletions.compactMap { deletion -> String? in
            switch deletion.target {
            case .tag(let tag, let target): target == digest && tags.contains(tag) ? "the tag \(tag) (\(deletion.reason))" : nil
            case .manifest(let target): target == digest ? "the image (\(deletion.reason))" : nil
            }
        }
        guard !deletions.isEmpty else { return "Kept by retention (\(planned.rules))." }
        return "The next retention run will delete " + deletions.joined(separator: "; ") + "."
    }

    func sbom(_ request: Request, _ viewer: Viewer) async throws -> Answer {
        let repository = try await visibleRepository(request, viewer, parameter: "repository")
        guard let digest = request.uri.queryParameters["digest"].flatMap({ Digest(String($0)) }) else {
            throw ConsoleNotFound(message: "\(repository) holds no such image.")
        }
        switch try await policy.inventory(repository: repository, reference: .digest(digest)) {
        case .inventoried(let record, let inventory)?:
            let json = String(decoding: try CycloneDXDocument(inventory, name: repository.value, digest: record.digest.description, time: Date()).json(),
                              as: UTF8.self)
            let file = repository.value.replacingOccurrences(of: "/", with: "_") + "-" + digest.hex.prefix(12) + ".cdx.json"
            return Answer(body: json, headers: [.contentType: CycloneDXDocument.mediaType, .contentDisposition: "attachment; filename=\"\(file)\""])
        case .pending?:
            return Answer(status: .conflict, body: renderer.render(MessagePage(frame: viewer.frame("SBOM"),
                                                                               message: "Its layers are still being scanned; try again shortly.")))
        case .index?, nil:
            throw ConsoleNotFound(message: "\(repository) holds no such image.")
        }
    }
}
