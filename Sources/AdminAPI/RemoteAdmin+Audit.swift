import Foundation

extension RemoteAdmin {
    /// One page of `GET /admin/v1/audit`: the records' lines exactly as stored, and where the next page starts (nil at
    /// the end of the log).
    public func auditPage(since: UInt64, filter: [URLQueryItem], limit: Int) async throws -> (lines: [Data], next: UInt64?) {
        var query = URLComponents()
        query.queryItems = [URLQueryItem(name: "since", value: String(since)), URLQueryItem(name: "limit", value: String(limit))] + filter
        let (headers, data) = try await exchange(.GET, "/admin/v1/audit?\(query.percentEncodedQuery ?? "")")
        let lines = data.split(separator: UInt8(ascii: "\n")).map { Data($0) }
        return (lines, headers.first(name: AdminWire.auditNextHeader.rawName).flatMap(UInt64.init))
    }
}
