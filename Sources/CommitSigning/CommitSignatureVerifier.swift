import Crypto
import _CryptoExtras
import Foundation

/// The outcome of checking a signature: valid, with who signed, or invalid, with why.
public enum Verification: Sendable, Equatable, CustomStringConvertible {
    /// The signature verifies, by a key the allowed signers list for the namespace and time.
    /// `principal` is the first principal of the line that allowed it.
    case valid(principal: String, fingerprint: String)
    case invalid(Failure)

    public enum Failure: Sendable, Equatable, CustomStringConvertible {
        /// There is no signature (an unsigned commit).
        case unsigned
        /// The signature is not an SSH signature: GPG, X.509 or unrecognised text.
        case notSSHSignature(String)
        /// An SSH signature that cannot be read: bad armor, bad base64, bad structure, hostile lengths.
        case malformed(String)
        /// A well-formed SSH signature of a kind that is refused: SHA-1 RSA, certificates, security keys, ...
        case unsupported(String)
        /// Signed for another namespace (`ssh-keygen -Y sign -n file`); git signs in namespace `git`.
        case wrongNamespace(expected: String, found: String)
        /// The signing key is not in the allowed signers.
        case keyNotAllowed(fingerprint: String)
        /// The signing key is listed, but its `namespaces=` do not include the namespace.
        case namespaceNotAllowed(fingerprint: String, principal: String, namespace: String)
        /// The signing key is listed for the namespace, but not valid at the signature's time.
        case keyNotValid(fingerprint: String, principal: String, reason: String)
        /// The signature does not verify with its key over the data: the data or the signature was changed.
        case badSignature(fingerprint: String)

        public var description: String {
            switch self {
            case .unsigned:
                return "the commit is not signed"
            case .notSSHSignature(let message):
                return message
            case .malformed(let message):
                return "malformed SSH signature: \(message)"
            case .unsupported(let message):
                return "unsupported SSH signature: \(message)"
            case .wrongNamespace(let expected, let found):
                return "the signature is for namespace \"\(found)\", not \"\(expected)\""
            case .keyNotAllowed(let fingerprint):
                return "the signing key \(fingerprint) is not in the allowed signers"
            case .namespaceNotAllowed(let fingerprint, let principal, let namespace):
                return "the signing key \(fingerprint) (\(principal)) is not allowed to sign in namespace \"\(namespace)\""
            case .keyNotValid(let fingerprint, let principal, let reason):
                return "the signing key \(fingerprint) (\(principal)) is not valid at the commit's time: \(reason)"
            case .badSignature(let fingerprint):
                return "the signature by \(fingerprint) does not verify: the signed data or the signature was changed"
            }
        }
    }

    public var isValid: Bool {
        if case .valid = self { return true }
        return false
    }

    public var failure: Failure? {
        if case .invalid(let failure) = self { return failure }
        return nil
    }

    public var description: String {
        switch self {
        case .valid(let principal, let fingerprint): "good signature by \(principal) with key \(fingerprint)"
        case .invalid(let failure): failure.description
        }
    }
}

/// Verifies SSH signatures over git commits (and anything else signed with `ssh-keygen -Y sign`)
/// against an allowed signers file.
public enum CommitSignatureVerifier {
    /// Checks `signature` (the armored SSH signature) over `signedData` (the commit exactly as git hashes it,
    /// without its `gpgsig` header), made at `date` (the committer's time, as git passes it to ssh-keygen).
    ///
    /// In order: the signature is read; its namespace must be `namespace`; its key must be listed in `allowed`
    /// for the namespace and valid at `date`; and then it must verify cryptographically. Only keys the file
    /// trusts are ever used for the (comparatively costly) cryptographic check.
    public static func verify(
        signature: String, signedData: Data, allowed: AllowedSigners, namespace: String = "git", at date: Date
    ) -> Verification {
        let parsed: SSHSignature
        do {
            parsed = try SSHSignature(armored: signature)
        } catch {
            switch error.kind {
            case .notSSHSignature:
                return .invalid(signature.allSatisfy(\.isWhitespace) ? .unsigned : .notSSHSignature(error.message))
            case .malformed: return .invalid(.malformed(error.message))
            case .unsupported: return .invalid(.unsupported(error.message))
            }
        }
        guard parsed.namespace == namespace else {
            return .invalid(.wrongNamespace(expected: namespace, found: String(parsed.namespace.prefix(256))))
        }
        let key = parsed.publicKey
        let signer: AllowedSigner
        switch allowed.match(key: key, namespace: namespace, at: date) {
        case .notListed:
            return .invalid(.keyNotAllowed(fingerprint: key.fingerprint))
        case .namespaceNotAllowed(let lines):
            return .invalid(.namespaceNotAllowed(fingerprint: key.fingerprint, principal: lines[0].principal, namespace: namespace))
        case .notValid(let lines):
            return .invalid(.keyNotValid(fingerprint: key.fingerprint, principal: lines[0].principal, reason: validityReason(lines[0], date)))
        case .allowed(let line):
            signer = line
        }
        guard isValid(parsed, over: signedData) else {
            return .invalid(.badSignature(fingerprint: key.fingerprint))
        }
        return .valid(principal: signer.principal, fingerprint: key.fingerprint)
    }

    /// Checks the signature of a raw commit object (as `git cat-file commit` prints it), at its committer time.
    public static func verify(commit: Data, allowed: AllowedSigners, namespace: String = "git") -> Verification {
        let split = SignedCommit(rawCommit: commit)
        guard let signature = split.signature else { return .invalid(.unsigned) }
        guard let date = split.committerDate else {
            return .invalid(.malformed("the commit has no readable committer time"))
        }
        return verify(signature: signature, signedData: split.signedData, allowed: allowed, namespace: namespace, at: date)
    }

    /// The cryptographic check alone: does `signature` verify with its own key over `data`?
    public static func isValid(_ signature: SSHSignature, over data: Data) -> Bool {
        let message = signature.signedMessage(for: data)
        switch (signature.publicKey.material, signature.value) {
        case (.ed25519(let key), .ed25519(let raw)):
            return key.isValidSignature(raw, for: message)
        case (.p256(let key), .ecdsa(let raw)):
            guard let sig = try? P256.Signing.ECDSASignature(rawRepresentation: raw) else { return false }
            return key.isValidSignature(sig, for: message)
        case (.p384(let key), .ecdsa(let raw)):
            guard let sig = try? P384.Signing.ECDSASignature(rawRepresentation: raw) else { return false }
            return key.isValidSignature(sig, for: message)
        case (.p521(let key), .ecdsa(let raw)):
            guard let sig = try? P521.Signing.ECDSASignature(rawRepresentation: raw) else { return false }
            return key.isValidSignature(sig, for: message)
        case (.rsa(let key, _), .rsa(let raw, let sha512)):
            let sig = _RSA.Signing.RSASignature(rawRepresentation: raw)
            return sha512
                ? key.isValidSignature(sig, for: SHA512.hash(data: message), padding: .insecurePKCS1v1_5)
                : key.isValidSignature(sig, for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5)
        default:
            return false
        }
    }

    private static func validityReason(_ line: AllowedSigner, _ date: Date) -> String {
        let format = Date.ISO8601FormatStyle()
        if let after = line.validAfter, date < after {
            return "it is valid only from \(after.formatted(format)) (valid-after, line \(line.line)), the commit is of \(date.formatted(format))"
        }
        if let before = line.validBefore, date > before {
            return "it expired at \(before.formatted(format)) (valid-before, line \(line.line)), the commit is of \(date.formatted(format))"
        }
        return "outside its validity window (line \(line.line))"
    }
}
