import Declarations
import ImageSignatures

/// Every declared Signer's keys and CA certificates, parsed once per configuration.
struct SignerTrust: Sendable {
    let signers: [TrustedSigner]
    /// Signers whose material does not parse. Validation refuses such declarations before they land, so this is empty
    /// unless the verifier and the validator disagree; the verdicts then say so instead of failing silently.
    let unusable: [String: String]

    init(_ declarations: DesiredState) {
        var signers: [TrustedSigner] = []
        var unusable: [String: String] = [:]
        for signer in declarations.signers {
            do {
                signers.append(try TrustedSigner(name: signer.name, publicKeys: signer.publicKeys.map { Array($0.der) },
                                                 certificates: signer.certificates.map { Array($0.der) }))
            } catch {
                unusable[signer.name] = error.description
            }
        }
        self.signers = signers
        self.unusable = unusable
    }

    static let empty = SignerTrust(.empty)
}
