import Foundation
import Storage
import Vulnerabilities

extension RemoteAdmin {
    /// Imports `advisories` into the running registry's vulnerability database as its next version; answers once the
    /// registry has rescanned its stored images against it.
    public func importVulnerabilities(_ advisories: [Advisory], source: String) async throws -> VulnerabilityImport {
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "source", value: source)]
        return try await send(.POST, "/admin/v1/vulndb?\(query.percentEncodedQuery ?? "")", body: try AdminWire.AdvisoryLines.encode(advisories),
                              as: VulnerabilityImport.self)
    }

}
