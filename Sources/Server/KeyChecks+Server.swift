import Declarations
import ImageSignatures
import Sealing

extension KeyChecks {
    /// A robot's `deliverTo` key is valid exactly when a token can be sealed to it, and a Signer's key or certificate
    /// exactly when the signature verifier accepts it. Declarations cannot know either without those modules, so
    /// whoever loads declarations (the server, the CLI) injects these checks.
    public static let server = KeyChecks(
        recipient: { key in
            do {
                _ = try SealingRecipient(parsing: key.canonicalText)
                return nil
            } catch {
                return "\(error)"
            }
        },
        signing: { material in
            do throws(SignerKeyError) {
                switch material {
                case .publicKey(let key): _ = try TrustedSigner(name: "check", publicKeys: [Array(key.der)], certificates: [])
                case .certificate(let certificate): _ = try TrustedSigner(name: "check", publicKeys: [], certificates: [Array(certificate.der)])
                }
                return nil
            } catch {
                return error.reason
            }
        })
}
