import AdminAPI
import ArgumentParser
import ContentAnalysis
import Declarations
import Enforcement
import Foundation
import Lifecycle
import Reconciler
import Server
import Storage


/// `--data DIR` (the registry's data folder, in process) or `--registry URL --token-file FILE` (its admin API).
struct TargetOptions: ParsableArguments {
    @Option(help: "Data folder of the registry to plan against (in process).")
    var data: String?

    @Option(help: "URL of a running registry to plan against, through its admin API.")
    var registry: String?

    @Option(help: "File holding the registry's admin secret, with --registry.")
    var tokenFile: String?

    /// The endpoint to plan and apply through. In process, plans judge images with the folder's stored layer scans and
    /// vulnerability database, as the server would.
    func endpoint() async throws -> any AdminEndpoint {
        switch (data, registry) {
        case (let folder?, nil):
            let stores = try EmbeddedStores(dataDirectory: URL(fileURLWithPath: folder))
            let vulnerabilities = VulnerabilityFeed(store: stores.metadata)
            try await vulnerabilities.load()
            return LocalAdmin(configuration: stores.metadata, metadata: stores.metadata, keyChecks: .server,
                              preview: PolicyPreview(blobs: stores.blobs, metadata: stores.metadata,
                                                     scans: LayerScans(limits: .standard, blobs: stores.blobs, store: stores.metadata, workers: 1),
                                                     vulnerabilities: vulnerabilities, untaggedGrace: Retention.defaultUntaggedGrace))
        case (nil, let url?):
            guard let tokenFile else { throw ValidationError("--registry needs --token-file FILE holding the admin secret") }
            guard let token = try? String(contentsOfFile: tokenFile, encoding: .utf8), !token.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
                throw ValidationError("--token-file \(tokenFile): unreadable or empty")
            }
            return RemoteAdmin(baseURL: url, token: token)
        case (.some, .some): throw ValidationError("give either --data or --registry, not both")
        case (nil, nil): throw ValidationError("give the registry to plan against: --data DIR or --registry URL --token-file FILE")
        }
    }
}

enum PlanFormat: String, ExpressibleByArgument, CaseIterable {
    case text, json, markdown
}

enum Output {
    static func error(_ text: String) {
        FileHandle.standardError.write(Data((text.hasSuffix("\n") ? text : text + "\n").utf8))
    }

    /// Temp file, fsync, rename: a reader never sees half a file, and a crash leaves the old one.
    static func writeAtomically(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(UUID().uuidString).tmp")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil) else {
            throw ValidationError("cannot write \(path)")
        }
        do {
            let handle = try FileHandle(forWritingTo: temporary)
            try handle.write(contentsOf: data)
            try handle.synchronize()
            try handle.close()
            guard rename(temporary.path, url.path) == 0 else { throw ValidationError("cannot write \(path): rename failed") }
        } catch {
            try? FileManager.default.removeItem(at: temporary)
            throw error
        }
    }
}
