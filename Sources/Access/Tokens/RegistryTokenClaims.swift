import JWTKit

/// The JWT claim set of a registry token, as the distribution token spec lays it out.
/// Times are whole seconds since 1970 (NumericDate), as Docker's own issuer writes them.
struct RegistryTokenClaims: JWTPayload, Equatable {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int64
    var nbf: Int64
    var iat: Int64
    var jti: String
    var access: [AccessClaim]

    init(iss: String, sub: String, aud: String, exp: Int64, nbf: Int64, iat: Int64, jti: String, access: [AccessClaim]) {
        self.iss = iss
        self.sub = sub
        self.aud = aud
        self.exp = exp
        self.nbf = nbf
        self.iat = iat
        self.jti = jti
        self.access = access
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        iss = try container.decode(String.self, forKey: .iss)
        sub = try container.decode(String.self, forKey: .sub)
        aud = try container.decode(String.self, forKey: .aud)
        exp = try container.decode(Int64.self, forKey: .exp)
        nbf = try container.decode(Int64.self, forKey: .nbf)
        iat = try container.decode(Int64.self, forKey: .iat)
        jti = try container.decode(String.self, forKey: .jti)
        // A token issued for no scope (e.g. `docker login`) may carry no access list at all.
        access = try container.decodeIfPresent([AccessClaim].self, forKey: .access) ?? []
    }

    /// jwt-kit calls this after the signature checked out. It is deliberately empty:
    /// ``TokenAuthority`` checks every claim itself against the clock the caller passes in,
    /// and so can say which check failed.
    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// The JOSE header fields we look at before handing a token to jwt-kit.
struct RegistryTokenHeader: Decodable {
    var alg: String?
    var typ: String?
    var kid: String?
    /// Critical extensions: we implement none, so any present means "reject" (RFC 7515 §4.1.11).
    var crit: [String]?
}
