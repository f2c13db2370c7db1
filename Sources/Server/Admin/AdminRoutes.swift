import AdminAPI
import Audit
import AuditRecords
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import ContentAnalysis
import Enforcement
import ImageSignatures
import OCI
import Reconciler
import Registry
import Storage
import Webhooks

/// The authenticated admin API over the live configuration (`/admin/v1/…`), as routes of the server's router.
struct AdminRoutes: Sendable {
    typealias Context = RegistryRequestContext
    typealias Handler = @Sendable (Request, Context) async throws -> Response

    let admin: LocalAdmin
    let access: AccessService
    let policy: DeclaredPolicy
    let vulnerabilities: VulnerabilityFeed
    let audit: AuditLog
    let webhooks: WebhookDispatcher
    let retention: RetentionKeeper
    let garbageCollection: GarbageCollectionService
    let status: ReconcileStatusBoard
    let logger: Logger

    /// The status, also at its old address.
    static let statusAlias = "/status"

    func add(to router: Router<Context>, authentication: AdminAuthentication) {
        let endpoints: [(path: RouterPath, method: HTTPRequest.Method, handler: Handler)] = [
            ("/admin/v1/state", .get, liveState),
            ("/admin/v1/changes", .post, applyChanges),
            ("/admin/v1/revisions", .get, revisions),
            ("/admin/v1/status", .get, reconcileStatus),
            (RouterPath(Self.statusAlias), .get, reconcileStatus),
            ("/admin/v1/robots", .get, robots),
            ("/admin/v1/robots/:robot/credential", .get, robotCredential),
            ("/admin/v1/security-events", .get, securityEvents),
            ("/admin/v1/verdicts", .get, verdict),
            ("/admin/v1/consequences", .post, consequences),
            ("/admin/v1/usage", .get, usage),
            ("/admin/v1/retention/plan", .get, retentionPlan),
            ("/admin/v1/retention/run", .post, retentionRun),
            ("/admin/v1/retention/runs", .get, retentionRuns),
            ("/admin/v1/gc", .post, collectGarbage),
            ("/admin/v1/vulndb", .post, importVulnerabilities),
            ("/admin/v1/vulndb", .get, vulnerabilityDatabase),
            ("/admin/v1/sbom", .get, softwareBillOfMaterials),
            ("/admin/v1/audit", .get, auditRecords),
            ("/admin/v1/audit/key", .get, auditKey),
            ("/admin/v1/audit/checkpoint", .get, auditCheckpoint),
            ("/admin/v1/webhooks", .get, webhookStatus),
        ]
        let group = router.group().add(middleware: authentication)
        // Each path is routed once for every method; a path may serve several of them.
        var paths: [String] = []
        var handlers: [String: [HTTPRequest.Method: Handler]] = [:]
        for endpoint in endpoints {
            let path = endpoint.path.description
            if handlers[path] == nil { paths.append(path) }
            handlers[path, default: [:]][endpoint.method] = endpoint.handler
        }
        for path in paths {
            let served = handlers[path] ?? [:]
            for method in HTTPRequest.Method.served {
                let handler = served[method] ?? Self.noSuchEndpoint
                group.on(RouterPath(path), method: method) { request, context in try await Self.answer(request, context, handler) }
            }
        }
        // Everything else under /admin/ is the admin API's 404, after authentication. The router matches a path that
        // ends at an inner node of its trie (`/admin/v1`, `/admin/v1/robots/NAME`) without trying `**`, so those are
        // named too.
        for path: RouterPath in ["/admin/**", "/admin/v1", "/admin/v1/robots/:robot", "/admin/v1/retention"] {
            for method in HTTPRequest.Method.served {
                group.on(path, method: method) { request, context in try await Self.answer(request, context, Self.noSuchEndpoint) }
            }
        }
    }

    /// Runs a handler, answering the admin API's own failures with its error body.
    private static func answer(_ request: Request, _ context: Context, _ handler: Handler) async throws -> Response {
        do {
            return try await handler(request, context)
        } catch let error as AdminAPIError {
            return AdminResponse.error(error)
        }
    }

    private static let noSuchEndpoint: Handler = { request, _ in
        throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no such admin endpoint: \(request.method) \(request.uri.path)")
    }

    private func liveState(_ request: Request, _ context: Context) async throws -> Response {
        let state = try await admin.liveState()
        guard request.headers[.accept]?.contains(LiveStateLines.mediaType) == true else { return try AdminResponse.json(state) }
        let lines = try LiveStateLines.encode(state)
        return Response(status: .ok, headers: [.contentType: LiveStateLines.mediaType, .contentLength: String(lines.readableBytes)],
                        body: .init(byteBuffer: lines))
    }

    private func applyChanges(_ request: Request, _ context: Context) async throws -> Response {
        let apply = try await Self.decodeBody(AdminWire.ApplyRequest.self, of: request)
        let changes = try apply.changes.map { try $0.change() }
        let revision: ConfigurationRevision
        do {
            revision = try await admin.apply(changes, expectedFingerprint: apply.expectedFingerprint, source: apply.source,
                                             pruning: apply.prune ?? [])
        } catch let error as ConfigurationError {
            throw AdminAPIError(status: 409, code: "STALE", message: error.description)
        } catch let error as InvalidChangeSet {
            throw AdminAPIError.invalid(error.description)
        }
        logger.notice("configuration changed", metadata: [
            "revision": "\(revision.id)", "actor": "\(apply.source.actor)", "commit": "\(apply.source.commit ?? "-")", "changes": "\(changes.count)",
        ])
        return try AdminResponse.json(revision)
    }

    private func revisions(_ request: Request, _ context: Context) async throws -> Response {
        let limit = request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 50
        return try AdminResponse.json(AdminWire.Revisions(revisions: try await admin.revisions(limit: max(1, min(limit, 1000)))))
    }

    private func reconcileStatus(_ request: Request, _ context: Context) async throws -> Response {
        var current = await status.current
        current.vulnerabilityDatabase = vulnerabilities.latestImport
        return try AdminResponse.json(current)
    }

    private func robots(_ request: Request, _ context: Context) async throws -> Response {
        try AdminResponse.json(AdminWire.Robots(robots: try await access.store.robotCredentials().map(AdminWire.Robot.init)))
    }

    private func robotCredential(_ request: Request, _ context: Context) async throws -> Response {
        let name = context.parameters.get("robot") ?? ""
        guard let credential = try await access.store.robotCredentials().first(where: { $0.robot == name }) else {
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no credential for robot '\(name)'; is it declared?")
        }
        return try AdminResponse.json(AdminWire.SealedCredential(credential))
    }

    private func securityEvents(_ request: Request, _ context: Context) async throws -> Response {
        let limit = max(1, min(request.uri.queryParameters["limit"].flatMap { Int($0) } ?? 100, 10_000))
        await audit.flush()
        let records = try await AuditSearch.newest(limit, in: audit.store) { $0.event.action.isSecurityEvent }
        return try AdminResponse.json(AdminWire.SecurityEvents(events: records.map(AdminWire.SecurityEvents.Event.init)))
    }

    private static func decodeBody<T: Decodable>(_ type: T.Type, of request: Request) async throws -> T {
        let body = try await request.body.collect(upTo: 256 << 20)
        do {
            return try AdminWire.decoder.decode(T.self, from: Data(buffer: body))
        } catch {
            throw AdminAPIError.invalid("change set is not valid JSON of the documented shape: \(error)")
        }
    }

    private func consequences(_ request: Request, _ context: Context) async throws -> Response {
        let changes = try await Self.decodeBody(AdminWire.ConsequencesRequest.self, of: request).changes.map { try $0.change() }
        do {
            return try AdminResponse.json(AdminWire.Consequences(try await admin.consequences(of: changes)))
        } catch let error as InvalidChangeSet {
            throw AdminAPIError.invalid(error.description)
        }
    }

    private func retentionPlan(_ request: Request, _ context: Context) async throws -> Response {
        try AdminResponse.json(try await retention.plan())
    }

    private func retentionRun(_ request: Request, _ context: Context) async throws -> Response {
        try AdminResponse.json(try await retention.run())
    }

    private func retentionRuns(_ request: Request, _ context: Context) async throws -> Response {
        try AdminResponse.json(AdminWire.RetentionRuns(runs: await retention.recentRuns))
    }

    private func collectGarbage(_ request: Request, _ context: Context) async throws -> Response {
        try AdminResponse.json(try await garbageCollection.collect())
    }

    private func usage(_ request: Request, _ context: Context) async throws -> Response {
        let declarations = try await admin.liveDeclarations()
        let used = try await admin.metadata.usage()
        var repositories: [AdminWire.Usage.Repository] = []
        for name in try await admin.metadata.repositories(after: nil, limit: nil) {
            let quota = declarations.effectivePolicy(for: name.value).flatMap { policy in policy.quota.value.map { (policy.quota, $0) } }
            guard used[name] != nil || quota != nil else { continue }
            repositories.append(AdminWire.Usage.Repository(
                repository: name.value, usedBytes: used[name] ?? 0, quotaBytes: quota?.1.bytes, quota: quota?.1.text,
                quotaSource: quota.map { setting, _ in setting.origin.source }))
        }
        return try AdminResponse.json(AdminWire.Usage(repositories: repositories))
    }

    private func verdict(_ request: Request, _ context: Context) async throws -> Response {
        let (repository, reference, text) = try Self.image(in: request)
        guard let verdict = try await policy.verdict(repository: repository, reference: reference) else {
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "\(repository) holds no manifest \(text)")
        }
        return try AdminResponse.json(AdminWire.Verdict(verdict, requirement: policy.vulnerabilityRequirement(for: repository)))
    }
}

extension AdminWire.Verdict {
    init(_ verdict: Enforcement.Verdict, requirement: VulnerabilityRequirement?) {
        self.init(repository: verdict.repository.value, digest: verdict.digest.description, tier: verdict.tier,
                  released: verdict.status != .quarantined, status: verdict.status.rawValue, reasons: verdict.reasons,
                  releasedUntil: verdict.releasedUntil.map { $0.formatted(.iso8601) },
                  signatures: verdict.signatures.map { check in
                      AdminWire.Signature(form: check.form.rawValue, artifact: check.artifact.description, signer: check.signer,
                                          keyFingerprint: check.keyFingerprint, valid: check.valid, outcome: check.outcome.wireName,
                                          reason: check.reason)
                  },
                  scan: verdict.scan.map(AdminWire.Scan.init),
                  vulnerabilities: verdict.vulnerabilities.map { AdminWire.Vulnerabilities($0, requirement: requirement) },
                  readableByAdminsOnly: verdict.readableByAdminsOnly ? true : nil)
    }
}

extension AdminWire.Scan {
    init(_ scan: ScanVerdict) {
        self.init(status: scan.status.rawValue, reason: scan.reason,
                  findings: scan.findings.map { found in
                      AdminWire.SecretFinding(rule: found.finding.rule, layer: found.layerIndex + 1, layerDigest: found.layer.description,
                                              path: found.finding.path, line: found.finding.line, preview: found.finding.preview,
                                              fingerprint: found.finding.fingerprint, exception: found.exception)
                  },
                  omittedFindings: scan.omittedFindings,
                  layers: scan.layers.map { layer in
                      let (outcome, reason): (String, String?) = switch layer.outcome {
                      case nil: ("pending", nil)
                      case .scanned?, .notALayer?: ("scanned", nil)
                      case .unscannable(let reason)?: ("unscannable", reason)
                      }
                      return AdminWire.ScannedLayer(digest: layer.digest.description, mediaType: layer.mediaType, outcome: outcome,
                                                    reason: reason, scannedAt: layer.scannedAt.map { $0.formatted(.iso8601) })
                  })
    }
}

extension SignatureCheck.Outcome {
    /// The outcome as the admin API spells it: kebab-case.
    var wireName: String {
        rawValue.reduce(into: "") { name, character in
            if character.isUppercase { name += "-" + character.lowercased() } else { name.append(character) }
        }
    }
}
