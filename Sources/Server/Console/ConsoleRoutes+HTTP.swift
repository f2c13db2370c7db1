import Console
import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// The console's HTTP details: headers every answer carries, cookies, redirects and the same-origin check.
extension ConsoleRoutes {
    static let commonHeaders: HTTPFields = [
        HTTPField.Name("Content-Security-Policy")!:
            "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        HTTPField.Name("Referrer-Policy")!: "same-origin",
        .cacheControl: "no-store",
    ]

    static func respond(_ answer: ConsoleRoutes.Answer, started: ContinuousClock.Instant) -> Response {
        var headers = commonHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        for field in answer.headers { headers[field.name] = field.value }
        let elapsed = ContinuousClock.now - started
        let milliseconds = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        headers[HTTPField.Name("Server-Timing")!] = String(format: "render;dur=%.2f", milliseconds)
        let body = ByteBuffer(string: answer.body)
        headers[.contentLength] = String(body.readableBytes)
        return Response(status: answer.status, headers: headers, body: .init(byteBuffer: body))
    }

    static func redirect(to location: String) -> Response {
        var headers = commonHeaders
        headers[.location] = location
        headers[.contentLength] = "0"
        return Response(status: .seeOther, headers: headers)
    }

    static func forbiddenOrigin() -> Response {
        var headers = commonHeaders
        headers[.contentType] = "text/plain; charset=utf-8"
        let text = "refused: this form was posted from another site\n"
        headers[.contentLength] = String(text.utf8.count)
        return Response(status: .forbidden, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    /// Where to go after signing in: only a path of the console, so the login form cannot send anyone elsewhere.
    static func safeNext(_ text: String?) -> String {
        guard let text, text.hasPrefix("/ui/"), !text.hasPrefix("//"), !text.contains("\\"),
              !text.unicodeScalars.contains(where: { $0.value < 0x20 }) else { return "/ui/" }
        return text
    }

    static func sessionCookie(in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == cookieName {
                    return parts[1].trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }

    /// Behind a TLS-terminating proxy (`X-Forwarded-Proto: https`) the cookie is marked `Secure`.
    static func isSecure(_ request: Request) -> Bool {
        request.head.scheme == "https" || request.headers[HTTPField.Name("X-Forwarded-Proto")!]?.lowercased() == "https"
    }

    static func sessionCookieHeader(_ value: String, secure: Bool) -> String {
        "\(cookieName)=\(value); Path=/ui; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    static func clearedCookie(secure: Bool) -> String {
        "\(cookieName)=; Path=/ui; Max-Age=0; HttpOnly; SameSite=Strict" + (secure ? "; Secure" : "")
    }

    /// A POST is refused when its `Origin` names another host: `SameSite=Strict` already keeps the cookie off such
    /// requests, this also covers the login form itself.
    static func sameOrigin(_ request: Request) -> Bool {
        guard let origin = request.headers[HTTPField.Name("Origin")!] else { return true }
        guard let host = request.head.authority, let url = URL(string: origin), let originHost = url.host else {
            return false
        }
        let originAuthority = url.port.map { "\(originHost):\($0)" } ?? originHost
        return originAuthority.lowercased() == host.lowercased()
    }
}
