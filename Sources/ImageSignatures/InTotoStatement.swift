import OCI

/// The in-toto statement a sigstore bundle signs, reduced to what decides whether it signs an image: it must be a
/// cosign signature (not another predicate, which makes it an attestation) and its subjects name the digests it binds to.
struct InTotoStatement {
    static let statementTypes: Set = ["https://in-toto.io/Statement/v1", "https://in-toto.io/Statement/v0.1"]
    static let cosignSignaturePredicate = "https://sigstore.dev/cosign/sign/v1"

    /// The sha256 and sha512 digests of its subjects, in order.
    let subjectDigests: [Digest]

    init(_ payload: [UInt8]) throws(Rejection) {
        let statement = try JSONObject(parsing: payload, what: "the in-toto statement")
        let type = try statement.string("_type")
        guard Self.statementTypes.contains(type) else {
            throw .malformed("the statement's _type is \"\(type.prefix(100))\", not an in-toto statement v1 or v0.1")
        }
        let predicateType = try statement.string("predicateType")
        guard predicateType == Self.cosignSignaturePredicate else {
            throw Rejection(.notASignature, "it is an attestation of predicateType \"\(predicateType.prefix(100))\", not a cosign signature (\(Self.cosignSignaturePredicate))")
        }
        var digests: [Digest] = []
        for subject in try statement.objects("subject") {
            let named = try subject.object("digest")
            for algorithm in Digest.Algorithm.allCases {
                if let hex = try named.optionalString(algorithm.rawValue), let digest = Digest("\(algorithm.rawValue):\(hex)") {
                    digests.append(digest)
                }
            }
        }
        subjectDigests = digests
    }
}
