import AdminAPI
import ContentAnalysis
import Enforcement
import Foundation
import Hummingbird
import NIOCore
import OCI
import Vulnerabilities

extension AdminRoutes {
    /// `POST /admin/v1/vulndb`: advisories as JSON lines (`berth vulndb import --registry`), imported as the next
    /// version. Answers once the stored images have been rescanned against it.
    func importVulnerabilities(_ request: Request, _ context: Context) async throws -> Response {
        let body = try await request.body.collect(upTo: 2 << 30)
        let advisories = try AdminWire.AdvisoryLines.decode(Array(buffer: body))
        let source = request.uri.queryParameters["source"].map { "admin API: \($0)" } ?? "admin API"
        let recorded = try await vulnerabilities.importAdvisories(advisories, sources: [source])
        logger.notice("vulnerability database imported", metadata: ["version": "\(recorded.version)", "advisories": "\(recorded.advisories)"])
        return try AdminResponse.json(recorded)
    }

    /// `GET /admin/v1/vulndb`: the latest import.
    func vulnerabilityDatabase(_ request: Request, _ context: Context) async throws -> Response {
        guard let latest = vulnerabilities.latestImport else {
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "no vulnerability database has been imported yet (berth vulndb import)")
        }
        return try AdminResponse.json(latest)
    }

    /// `GET /admin/v1/sbom?repository=NAME&reference=REF`: the image's inventory as CycloneDX 1.5 JSON.
    func softwareBillOfMaterials(_ request: Request, _ context: Context) async throws -> Response {
        let (repository, reference, text) = try Self.image(in: request)
        switch try await policy.inventory(repository: repository, reference: reference) {
        case nil:
            throw AdminAPIError(status: 404, code: "NOT_FOUND", message: "\(repository) holds no manifest \(text)")
        case .index(let manifests)?:
            throw AdminAPIError(status: 409, code: "INDEX", message: "\(repository) \(text) is an index; ask for one of its manifests by digest: "
                                + manifests.map(\.description).joined(separator: ", "))
        case .pending(let layers)?:
            throw AdminAPIError(status: 409, code: "PENDING", message: "\(layers.count) layer\(layers.count == 1 ? " is" : "s are") still being scanned; retry shortly")
        case .inventoried(let record, let inventory)?:
            let document = CycloneDXDocument(inventory, name: repository.value, digest: record.digest.description, time: Date())
            let data = try document.json()
            return Response(status: .ok, headers: [.contentType: CycloneDXDocument.mediaType, .contentLength: String(data.count)],
                            body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }
    }

    /// `?repository=NAME&reference=TAG|DIGEST`, checked.
    static func image(in request: Request) throws -> (RepositoryName, Reference, String) {
        let parameters = request.uri.queryParameters
        guard let name = parameters["repository"].map(String.init), let repository = RepositoryName(name) else {
            throw AdminAPIError.invalid("give ?repository=NAME, a valid repository name")
        }
        guard let text = parameters["reference"].map(String.init), let reference = Reference(text) else {
            throw AdminAPIError.invalid("give &reference=TAG or &reference=sha256:…, a valid tag or digest")
        }
        return (repository, reference, text)
    }
}
