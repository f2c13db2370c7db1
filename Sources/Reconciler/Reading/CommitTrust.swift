import Foundation
import CommitSigning

/// `--require-signed-commits`: declarations are applied only from commits signed by a trusted SSH key.
public struct CommitTrust: Sendable {
    let allowed: AllowedSigners

    public init(trustedKeysFile: String) throws {
        do {
            allowed = try AllowedSigners(contentsOf: URL(fileURLWithPath: trustedKeysFile))
        } catch {
            throw ReconciliationError("--trusted-keys \(trustedKeysFile): \(error)")
        }
    }

    /// Nil when the commit is trusted; otherwise why it is not. Keys' validity windows are checked at the
    /// commit's committer time, as `git verify-commit` does.
    public func problem(with loaded: LoadedDeclarations) -> String? {
        let commit = loaded.provenance.commit.map { String($0.prefix(12)) } ?? "?"
        guard loaded.provenance.commit != nil else { return "--require-signed-commits needs declarations from git, not a folder" }
        guard let signature = loaded.commitSignature, let time = loaded.commitTime else { return "commit \(commit) is not signed" }
        let verification = CommitSignatureVerifier.verify(signature: signature.signature, signedData: signature.signedData, allowed: allowed, at: time)
        return verification.isValid ? nil : "commit \(commit): \(verification)"
    }
}
