import Foundation
import Hummingbird
import Logging
import OCI
import Registry
import Storage
import TestSupport

/// Lets every caller do everything: the registry's protocol is tested here; access control is tested with the server.
struct PermitEveryone: RegistryAccessControl {
    func authorize(_ need: RegistryNeed, request: RegistryRequestFacts) async -> Result<RegistryCaller, RegistryError> {
        .success(RegistryCaller(identity: "everyone", mayPull: { _ in true }, mayPush: { _ in true }))
    }
}

/// Stores and serves every manifest.
struct AllowEveryManifest: ManifestPolicy {
    func decide(_ write: ManifestWrite, by caller: RegistryCaller) async -> ManifestWriteDecision { .allow }
    func decide(_ read: ManifestRead, by caller: RegistryCaller) async -> RegistryError? { nil }
    func written(_ write: ManifestWrite) async {}
    func quota(for repository: RepositoryName) -> Quota? { nil }
}

/// A real registry — the `Registry` responder alone, on its HTTP/1 channel — on a free loopback port, over a fresh data
/// folder (or `dataDirectory`), for the duration of `body`.
func withRegistry<T: Sendable>(
    dataDirectory: URL? = nil,
    idleTimeout: Duration = .seconds(120),
    policy: any ManifestPolicy = AllowEveryManifest(),
    blobs wrapBlobs: (any BlobStore) -> any BlobStore = { $0 },
    _ body: @Sendable (RegistryClient) async throws -> T
) async throws -> T {
    let temporary = dataDirectory == nil ? try TemporaryDirectory("registry") : nil
    defer { temporary?.remove() }
    let directory = dataDirectory ?? temporary!.url
    var logger = Logger(label: "berth-test")
    logger.logLevel = .critical
    let stores = try EmbeddedStores(dataDirectory: directory)
    let registry = Registry(blobs: wrapBlobs(stores.blobs), metadata: stores.metadata, access: PermitEveryone(), policy: policy, logger: logger)
    return try await withServing({ [logger] reportPort in
        try await Application(
            responder: registry,
            server: .registryHTTP1(idleTimeout: idleTimeout),
            configuration: .init(address: .hostname("127.0.0.1", port: 0), serverName: "berth"),
            onServerRunning: { channel in reportPort(channel.localAddress?.port ?? 0) },
            logger: logger
        ).run()
    }) { port in
        try await body(RegistryClient(base: "http://127.0.0.1:\(port)"))
    }
}
