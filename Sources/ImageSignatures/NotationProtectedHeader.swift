import Foundation

/// The protected header of a notation JWS, checked against the Notary Project signature specification.
struct NotationProtectedHeader {
    static let payloadContentType = "application/vnd.cncf.notary.payload.v1+json"
    static let signingSchemeName = "io.cncf.notary.signingScheme"
    static let signingTimeName = "io.cncf.notary.signingTime"
    static let expiryName = "io.cncf.notary.expiry"
    /// The critical names Berth enforces; any other in `crit` makes the signature unusable, as JWS requires.
    static let understoodCriticalNames: Set = [signingSchemeName, expiryName]

    let algorithm: JWSAlgorithm
    let signingTime: Date
    let expiry: Date?

    init(_ bytes: [UInt8]) throws(Rejection) {
        let header = try JSONObject(parsing: bytes, what: "the protected header")
        let alg = try header.string("alg")
        guard let algorithm = JWSAlgorithm(rawValue: alg) else {
            throw .malformed("the protected header's alg \"\(alg.prefix(40))\" is not one of \(JWSAlgorithm.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let contentType = try header.string("cty")
        guard contentType == Self.payloadContentType else {
            throw .malformed("the protected header's cty is \"\(contentType.prefix(100))\", not \(Self.payloadContentType)")
        }
        guard header.has("crit") else { throw .malformed("the protected header has no crit list") }
        let critical = try header.strings("crit")
        guard critical.contains(Self.signingSchemeName) else { throw .malformed("crit does not list \(Self.signingSchemeName)") }
        for name in critical {
            guard Self.understoodCriticalNames.contains(name) else {
                throw .malformed("crit names \"\(name.prefix(100))\" which Berth does not understand")
            }
            guard header.has(name) else { throw .malformed("crit names \(name), which the protected header does not carry") }
        }
        let scheme = try header.string(Self.signingSchemeName)
        guard scheme == "notary.x509" else {
            throw .malformed("the signing scheme is \"\(scheme.prefix(100))\"; Berth verifies notary.x509 only (notary.x509.signingAuthority needs a timestamp authority)")
        }
        let time = try header.string(Self.signingTimeName)
        guard let signingTime = RFC3339.date(time) else { throw .malformed("the signing time \"\(time.prefix(60))\" is not an RFC 3339 time") }
        var expiry: Date?
        if let text = try header.optionalString(Self.expiryName) {
            guard critical.contains(Self.expiryName) else { throw .malformed("the header has an expiry that crit does not list") }
            guard let date = RFC3339.date(text) else { throw .malformed("the expiry \"\(text.prefix(60))\" is not an RFC 3339 time") }
            expiry = date
        }
        self.algorithm = algorithm
        self.signingTime = signingTime
        self.expiry = expiry
    }
}
