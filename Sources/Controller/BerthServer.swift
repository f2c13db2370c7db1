import Foundation
import Hummingbird
import Logging
import NIOCore
import Registry
import Storage

/// The whole server: the OCI registry under `/v2/`, the admin API under `/admin/v1/`, and `/metrics`.
public struct BerthServer: Sendable {
    public struct Configuration: Sendable {
        public var host: String
        public var port: Int
        public var dataDirectory: URL
        public var adminCredentials: AdminCredentials?

        public init(host: String, port: Int, dataDirectory: URL, adminCredentials: AdminCredentials? = nil) {
            self.host = host
            self.port = port
            self.dataDirectory = dataDirectory
            self.adminCredentials = adminCredentials
        }
    }

    public let admin: LocalAdmin
    public let status: ReconcileStatusBoard
    let responder: BerthResponder
    let configuration: Configuration
    let logger: Logger

    public init(configuration: Configuration, status: ReconcileStatusBoard = ReconcileStatusBoard(), logger: Logger) async throws {
        let (blobs, metadata) = try RegistryServer.openStores(dataDirectory: configuration.dataDirectory)
        try await RegistryServer.removeAbandonedUploads(blobs: blobs, metadata: metadata, logger: logger)
        admin = LocalAdmin(configuration: metadata, metadata: metadata)
        self.status = status
        self.configuration = configuration
        self.logger = logger
        responder = BerthResponder(
            registry: Registry(blobs: blobs, metadata: metadata, logger: logger),
            admin: AdminAPI(admin: admin, credentials: configuration.adminCredentials, status: status, logger: logger),
            status: status)
    }

    /// The application; `onListening` receives the bound address (useful with port 0).
    public func makeApplication(
        onListening: @escaping @Sendable (String, Int) async -> Void = { _, _ in }
    ) -> some ApplicationProtocol {
        let configuration = self.configuration
        return Application(
            responder: responder,
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
    typealias Context = BasicRequestContext

    let registry: Registry
    let admin: AdminAPI
    let status: ReconcileStatusBoard

    func respond(to request: Request, context: Context) async throws -> Response {
        let path = request.uri.path
        if path.hasPrefix("/admin/") || path == "/status" {
            do {
                return try await admin.respond(to: request, path: path == "/status" ? "/admin/v1/status" : path)
            } catch let error as AdminAPIError {
                return AdminAPI.error(error)
            }
        }
        if path == "/metrics", request.method == .get {
            let text = Metrics.render(await status.current)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4", .contentLength: String(text.utf8.count)],
                            body: .init(byteBuffer: ByteBuffer(string: text)))
        }
        return try await registry.respond(to: request, context: context)
    }
}
