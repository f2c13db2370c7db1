import _CryptoExtras
import Crypto
import Foundation

/// The Ed25519 key that signs checkpoints: generated into the data folder on first start (`audit/audit-key.pem`,
/// mode 0600), its public half served at `/admin/v1/audit/key` so anyone can check a checkpoint they keep.
public enum AuditKey {
    public static func loadOrCreate(in folder: URL) throws -> Curve25519.Signing.PrivateKey {
        let path = folder.appendingPathComponent("audit-key.pem").path
        if let data = FileManager.default.contents(atPath: path) {
            guard let pem = String(data: data, encoding: .utf8), let key = try? Curve25519.Signing.PrivateKey(pemRepresentation: pem) else {
                throw AuditKeyError(path: path, reason: "is not a PEM Ed25519 private key")
            }
            return key
        }
        let key = Curve25519.Signing.PrivateKey()
        let temporary = path + ".tmp"
        guard FileManager.default.createFile(atPath: temporary, contents: Data(key.pemRepresentation.utf8), attributes: [.posixPermissions: 0o600]),
              rename(temporary, path) == 0
        else { throw AuditKeyError(path: path, reason: "cannot be created") }
        return key
    }

    /// The public key of the data folder's audit key, for verification; nil when there is none.
    public static func publicKey(in folder: URL) throws -> Curve25519.Signing.PublicKey? {
        let path = folder.appendingPathComponent("audit-key.pem").path
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try loadOrCreate(in: folder).publicKey
    }

    /// A public key as `/admin/v1/audit/key` serves it (PEM SubjectPublicKeyInfo), or as a person saved it.
    public static func publicKey(pem: String) throws -> Curve25519.Signing.PublicKey {
        do {
            return try Curve25519.Signing.PublicKey(pemRepresentation: pem)
        } catch {
            throw AuditKeyError(path: "the given key", reason: "is not a PEM Ed25519 public key")
        }
    }
}

public struct AuditKeyError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "audit key \(path) \(reason)" }
}
