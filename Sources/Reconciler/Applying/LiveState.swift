import Storage

/// The registry's live state as the reconciler needs it: the configuration and the facts git does not hold.
public struct LiveState: Sendable, Codable {
    public var objects: [ConfigurationObject]
    public var fingerprint: String
    /// Manifests held per repository, so a plan can tell which deletions destroy images.
    public var imageCounts: [String: Int]

    public init(objects: [ConfigurationObject], fingerprint: String, imageCounts: [String: Int]) {
        self.objects = objects
        self.fingerprint = fingerprint
        self.imageCounts = imageCounts
    }
}
