import AdminAPI
import Foundation
import Hummingbird
import NIOCore

/// The admin API's responses: JSON bodies, and errors as `{"errors":[{"code","message"}]}`.
enum AdminResponse {
    static func json(_ value: some Encodable) throws -> Response {
        let data = try AdminWire.encoder.encode(value)
        return Response(status: .ok, headers: [.contentType: "application/json", .contentLength: String(data.count)],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func error(_ error: AdminAPIError) -> Response {
        let data = (try? AdminWire.encoder.encode(AdminAPIError.Body(error))) ?? Data()
        return Response(status: .init(code: error.status), headers: [.contentType: "application/json", .contentLength: String(data.count)],
                        body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }
}
