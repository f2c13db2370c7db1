import OCI

/// What the registry did, told as it happens so it can be recorded (the audit log) and counted (pull times for
/// retention). Writes are told before the client is answered and may fail the request; a pull is told without waiting.
public protocol RegistryActivity: Sendable {
    /// A manifest was stored: `tags` now point at it. `size` is the manifest's own size in bytes.
    func manifestPushed(repository: RepositoryName, digest: Digest, tags: [Tag], size: Int, mediaType: String, by caller: RegistryCaller) async throws
    /// A tag, or a manifest with the tags pointing at it, was deleted.
    func manifestDeleted(_ write: ManifestWrite, by caller: RegistryCaller) async throws
    /// A manifest was served; `bodySent` is false for a `HEAD`. Must not block.
    func manifestPulled(_ read: ManifestRead, bodySent: Bool, by caller: RegistryCaller)
}
