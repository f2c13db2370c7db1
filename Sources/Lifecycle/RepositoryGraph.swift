import OCI

/// One repository's tags and manifests with the lookups retention walks: which indexes list a manifest, which
/// referrers name it as their subject, and which tags go with it.
struct RepositoryGraph {
    let tags: [StoredTag]
    let manifests: [Digest: StoredManifest]
    /// child → the stored indexes that list it.
    let parents: [Digest: [Digest]]
    /// subject → the stored manifests whose `subject` it is.
    let referrers: [Digest: [Digest]]
    /// manifest → indices into `tags` of the tags pointing at it.
    let tagsByDigest: [Digest: [Int]]
    /// For each tag, the image it belongs to when it is not an image's own tag (see ``followedSubject(of:)``).
    let followedSubjects: [Digest?]
    /// subject → indices into `tags` of the tags that belong to it.
    let followerTags: [Digest: [Int]]

    /// The store holds one entry per digest and per tag name; should a digest repeat, its first entry is used.
    init(tags: [StoredTag], manifests: [StoredManifest]) {
        let byDigest = Dictionary(manifests.map { ($0.digest, $0) }, uniquingKeysWith: { first, _ in first })
        var parents: [Digest: [Digest]] = [:]
        var referrers: [Digest: [Digest]] = [:]
        for manifest in byDigest.values {
            for child in Set(manifest.children) { parents[child, default: []].append(manifest.digest) }
            if let subject = manifest.subject { referrers[subject, default: []].append(manifest.digest) }
        }
        var tagsByDigest: [Digest: [Int]] = [:]
        var followerTags: [Digest: [Int]] = [:]
        var followedSubjects: [Digest?] = []
        followedSubjects.reserveCapacity(tags.count)
        for (index, tag) in tags.enumerated() {
            tagsByDigest[tag.digest, default: []].append(index)
            let subject = Self.followedSubject(of: tag, in: byDigest)
            followedSubjects.append(subject)
            if let subject { followerTags[subject, default: []].append(index) }
        }
        self.tags = tags
        self.manifests = byDigest
        self.parents = parents
        self.referrers = referrers
        self.tagsByDigest = tagsByDigest
        self.followedSubjects = followedSubjects
        self.followerTags = followerTags
    }

    /// A cosign tag belongs to the image its name carries; a tag of a referrer belongs to the referrer's subject. Such
    /// tags say nothing about which images are wanted, so no keep rule counts them: they go with their image.
    private static func followedSubject(of tag: StoredTag, in manifests: [Digest: StoredManifest]) -> Digest? {
        CosignTag.subject(of: tag.tag.value) ?? manifests[tag.digest]?.subject
    }
}
