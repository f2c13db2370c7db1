import Access
import Foundation
import Hummingbird
import Logging
import Server
import TestSupport

/// The bootstrap administrator of test servers; the client of `withServer` logs in as it unless a request says otherwise.
let testAdminPassword = "server-tests-admin"
let testAdminAuthorization = "Basic " + Data("admin:\(testAdminPassword)".utf8).base64EncodedString()

/// The whole server on a free loopback port, over a fresh data folder, with a step to run before serving.
func withServer<T: Sendable>(
    prepare: (URL) async throws -> Void = { _ in },
    adjust: (inout BerthServer.Configuration) -> Void = { _ in },
    configure: (BerthServer) async throws -> Void = { _ in },
    _ body: @Sendable (RegistryClient, BerthServer) async throws -> T
) async throws -> T {
    let temporary = try TemporaryDirectory("server")
    defer { temporary.remove() }
    let directory = temporary.url
    var logger = Logger(label: "berth-test")
    logger.logLevel = .critical
    try await prepare(directory)
    var configuration = BerthServer.Configuration(host: "127.0.0.1", port: 0, dataDirectory: directory,
                                                  adminCredentials: AdminCredentials(secret: testAdminPassword))
    adjust(&configuration)
    let server = try await BerthServer(configuration: configuration, logger: logger)
    try await configure(server)
    return try await withServing({ reportPort in
        try await server.makeApplication { _, port in reportPort(port) }.run()
    }) { port in
        try await body(RegistryClient(base: "http://127.0.0.1:\(port)", defaultAuthorization: testAdminAuthorization), server)
    }
}
