import Foundation
import Hummingbird
import Logging
import NIOCore
import Access
import Registry
import Storage

/// The whole server: the OCI registry under `/v2/`, the admin API under `/admin/v1/`, and `/metrics`.
public struct BerthServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var dataDirectory: URL
        public var adminCredentials: AdminCredentials?
        /// How long a connection may wait on its client (for a request head, or in the middle of a request body)
        /// before it is closed. Longer than the 90 s Go's HTTP client keeps idle connections, so a client closes
        /// an idle connection before the server does and never races a new request against the close.
        public var idleTimeout: Duration

        public init(host: String, port: Int, dataDirectory: URL, adminCredentials: AdminCredentials? = nil, idleTimeout: Duration = .seconds(120)) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.adminCredentials = adminCredentials
            self.idleTimeout = idleTimeout
        }
    }

    public let admin: LocalAdmin
    public let access: AccessService
    public let status: ReconcileStatusBoard
    let responder: BerthResponder
    let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, status: ReconcileStatusBoard = ReconcileStatusBoard(), logger: Logger) async throws {
        let (blobs, metadata) = try RegistryServer.openStores(dataDirectory: configuration.dataDirectory)
        try await RegistryServer.removeAbandonedUploads(blobs: blobs, metadata: metadata, logger: logger)
        let access = try AccessService(dataDirectory: configuration.dataDirectory, store: metadata,
                                       administrator: configuration.adminCredentials, logger: logger)
        admin = LocalAdmin(configuration: metadata, metadata: metadata, didApply: { await access.configurationChanged(to: $0) })
        await access.configurationChanged(to: try await admin.liveDeclarations())
        self.access = access
        self.status = status
        self.configuration = configuration
        self.logger = logger
        responder = BerthResponder(
            registry: Registry(blobs: blobs, metadata: metadata, access: RegistryGate(access: access), logger: logger),
            admin: AdminAPI(admin: admin, credentials: configuration.adminCredentials, access: access, status: status, logger: logger),
            token: TokenEndpoint(access: access),
            status: status)
    }

    public var dataDirectory: URL { configuration.dataDirectory }

    /// Renews robot tokens as they come due, until cancelled.
    public func maintainCredentials(every interval: Duration = .seconds(60)) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            if Task.isCancelled { break }
            await access.refreshRobotCredentials()
        }
    }

    /// The application; `onListening` receives the bound address (useful with port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let configuration = self.configuration
        return Application(
            responder: responder,
            server: .registryHTTP1(idleTimeout: configuration.idleTimeout),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "berth"),
            onServerRunning: { channel in
                let address = channel.localAddress
                await onListening(address?.ipAddress ?? configuration.host, address?.port ?? configuration.port)
            },
            logger: logger
        )
    }
}

struct BerthResponder: HTTPResponder {
    typealias Context = RegistryRequestContext

    let registry: Registry
    let admin: AdminAPI
    let token: TokenEndpoint
    let status: ReconcileStatusBoard

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        let address = context.remoteAddress?.ipAddress ?? "unknown"
        if path.hasPrefix("/admin/") || path == "/status" {
            do {
                return try await admin.respond(to: request, path: path == "/status" ? "/admin/v1/status" : path, address: address)
            } catch let error as AdminAPIError {
                return AdminAPI.error(error)
            }
        }
        if path == TokenEndpoint.path {
            return try await token.respond(to: request, address: address)
        }
        if path == "/metrics", request.method == .get {
            let text = Metrics.render(await status.current, securityEvents: admin.access.events.counts.current)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4", .contentLength: String(text.utf8.count)],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try await registry.respond(to: request, context: context)
    }
}
