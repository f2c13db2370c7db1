import Hummingbird
import NIOCore
import Registry

extension BerthServer {
    /// Every HTTP surface of the server. The registry keeps its own route parsing under `/v2/` (repository names
    /// contain `/`) and answers whatever no other route claims, as a registry does.
    func makeRouter() -> Router<RegistryRequestContext> {
        let router = Router(context: RegistryRequestContext.self)
        router.add(middleware: HTTPMetricsMiddleware(instruments: HTTPInstruments(factory: metrics.factory)))
        router.add(middleware: LogRequestsMiddleware(.debug))
        let registry = self.registry
        for method in HTTPRequest.Method.served {
            for path: RouterPath in ["/", "/**", "/v2", "/v2/**"] {
                router.on(path, method: method, responder: registry)
            }
        }

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
        for method in HTTPRequest.Method.served where method != .get {
            router.on("/metrics", method: method, responder: registry)
        }

        AdminRoutes(admin: admin, access: access, status: status, logger: logger)
            .add(to: router, authentication: AdminAuthentication(credentials: configuration.adminCredentials, access: access))
        return router
    }
}
