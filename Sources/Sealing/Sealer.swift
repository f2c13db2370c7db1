import Crypto

/// Seals short secrets into ASCII-armored age files that `age -d -i <identity>` can open.
public enum Sealer {
    /// Returns the armored age file (-----BEGIN AGE ENCRYPTED FILE----- …) that decrypts to `plaintext`.
    public static func seal(_ plaintext: [UInt8], to recipient: SealingRecipient) throws -> String {
        let fileKey = SymmetricKey(size: SymmetricKeySize(bitCount: 128))
        let stanza: Stanza
        do {
            switch recipient.key {
            case .x25519(let publicKey):
                stanza = try X25519Stanza.wrap(fileKey, to: publicKey)
            case .sshEd25519(let wireKey, let montgomery):
                stanza = try SSHStanzas.wrapEd25519(fileKey, wireKey: wireKey, montgomery: montgomery)
            case .sshRSA(let wireKey, let modulus, let exponent):
                stanza = SSHStanzas.wrapRSA(fileKey, wireKey: wireKey, modulus: modulus, exponent: exponent)
            }
        } catch {
            // X25519 refuses low-order points, which no honestly generated key is.
            throw SealingError.sealingFailed("the \(recipient.kind) recipient key was rejected by key agreement (\(error))")
        }
        let header = AgeHeader.encode(stanzas: [stanza], fileKey: fileKey)
        return Armor.encode(header + (try Payload.encrypt(plaintext, fileKey: fileKey)))
    }
}
