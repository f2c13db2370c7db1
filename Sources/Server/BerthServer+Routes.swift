import Console
import Hummingbird
import NIOCore
import Registry

extension BerthServer {
    /// Every HTTP surface of the server behind the same middleware (metrics, request logging): the token endpoint, the
    /// admin API and `/metrics` as routes of a Hummingbird router, and the registry's `/v2/` API with its own route
    /// parsing, since repository names contain `/` (a router's `/v2/**` walks the trie once per path segment, a tenth of
    /// a hot pull's CPU; bench/README.md, "Routing"). The registry also answers whatever no route claims.
    func makeResponder() -> BerthResponder {
        let router = Router(context: RegistryRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(instruments: HTTPInstruments(factory: metrics.factory)))
        router.add(middleware: LogRequestsMiddleware(.debug))
        let registry = self.registry

        let token = TokenEndpoint(access: access)
        for method in HTTPRequest.Method.served {
            router.on(RouterPath(TokenEndpoint.path), method: method) { request, context in
                try await token.respond(to: request, address: context.remoteAddress?.ipAddress ?? "unknown")
            }
        }

        let metrics = self.metrics
        router.get("/metrics") { _, _ in
            let text = metrics.render()
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4", .contentLength: String(text.count)],
                            body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }

        AdminRoutes(admin: admin, access: access, policy: policy, vulnerabilities: vulnerabilities, audit: audit, webhooks: webhooks,
                    retention: retention,
                    garbageCollection: garbageCollection, status: status, logger: logger)
            .add(to: router, authentication: AdminAuthentication(credentials: configuration.adminCredentials, access: access))
        ConsoleRoutes(admin: admin, access: access, policy: policy, audit: audit, retention: retention, status: status, sessions: ConsoleSessions(store: stores.consoleSessions),
                      renderer: ConsoleRenderer(), chain: ChainCheck(audit: audit), digest: ConsoleAuditDigest(audit: audit),
                      catalog: ConsoleCatalog(admin: admin))
            .add(to: router)
        return BerthResponder(registry: router.middlewares.constructResponder(finalResponder: registry), router: router.buildResponder(),
                              unrouted: registry)
    }
}

/// Sends `/v2/…` to the registry, everything else to the router; what the router has no route for is answered by the
/// registry too (its 404 or 405 with an OCI error body), as it was before there was a router.
struct BerthResponder: HTTPResponder {
    typealias Context = RegistryRequestContext

    /// The registry behind the router's middleware.
    let registry: any HTTPResponder<Context>
    let router: RouterResponder<Context>
    /// The registry alone, for requests the router's middleware has already seen.
    let unrouted: Registry

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/v2/") || path == "/v2" {
            return try await registry.respond(to: request, context: context)
        }
        let response = try await router.respond(to: request, context: context)
        // Hummingbird marks a request no route matched (path and method) with this endpoint path.
        guard context.endpointPath == "NotFound" else { return response }
        return try await unrouted.respond(to: request, context: context)
    }
}
