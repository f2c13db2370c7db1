import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import OCI
import Storage

extension Registry {
    func parseReference(_ string: String) throws(RegistryError) -> Reference {
        guard let reference = try existingReference(string) else {
            throw RegistryError.tagInvalid(string)
        }
        return reference
    }

    /// A reference to look up: nil for a string that is not a valid tag, since nothing can be stored under it.
    /// The spec answers every manifest that is not there with 404, and the conformance suite asks for
    /// `.INVALID_MANIFEST_NAME` expecting exactly that. A malformed digest is still a 400.
    func existingReference(_ string: String) throws(RegistryError) -> Reference? {
        if string.contains(":") { return .digest(try parseDigest(string)) }
        return Tag(string).map(Reference.tag)
    }

    func getManifest(_ repository: RepositoryName, _ referenceString: String, includeBody: Bool, caller: RegistryCaller) async throws -> Response {
        guard let reference = try existingReference(referenceString),
              let record = try await manifests.manifest(repository: repository, reference: reference)
        else {
            throw RegistryError.manifestUnknown(referenceString)
        }
        let read = ManifestRead(repository: repository, digest: record.digest, mediaType: record.mediaType,
                                artifactType: record.artifactType, tag: reference.tag)
        if let withheld = await policy.decide(read, by: caller) {
            throw withheld
        }
        let headers: HTTPFields = [
            .contentType: record.mediaType,
            .contentLength: String(record.content.count),
            .dockerContentDigest: record.digest.description,
            .eTag: "\"\(record.digest)\"",
        ]
        activity?.manifestPulled(read, bodySent: includeBody, by: caller)
        guard includeBody else { return Response(status: .ok, headers: headers) }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: record.content)))
    }

    func putManifest(_ request: Request, _ repository: RepositoryName, _ referenceString: String, caller: RegistryCaller) async throws -> Response {
        let reference = try parseReference(referenceString)
        var body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: maximumManifestSize)
        } catch is NIOTooManyBytesError {
            throw RegistryError(.sizeInvalid, status: .contentTooLarge, "manifest larger than \(maximumManifestSize) bytes")
        }
        let content = body.readBytes(length: body.readableBytes) ?? []
        let algorithm: Digest.Algorithm
        if case .digest(let given) = reference { algorithm = given.algorithm } else { algorithm = .sha256 }
        let digest = Digest.compute(content, algorithm: algorithm)
        if case .digest(let given) = reference, given != digest {
            throw RegistryError.digestInvalid("the manifest's content does not match the digest in the URL", detail: "given \(given), content is \(digest)")
        }
        let parsed: ParsedManifest
        do {
            parsed = try ParsedManifest.parse(content, contentType: request.headers[.contentType])
        } catch {
            throw RegistryError(.manifestInvalid, status: .badRequest, "manifest invalid: \(error)")
        }
        var extraTags: [Tag] = []
        for extra in request.uri.queryParameters[values: "tag"] {
            guard let tag = Tag(extra) else {
                throw RegistryError.tagInvalid(String(extra))
            }
            extraTags.append(tag)
        }
        var tags = extraTags
        if case .tag(let tag) = reference { tags.insert(tag, at: 0) }
        let fixedTags: [Tag: RegistryError]
        switch await policy.decide(.put(repository: repository, digest: digest, tags: tags, manifest: parsed), by: caller) {
        case .refuse(let refusal): throw refusal
        case .allow(let fixed): fixedTags = fixed
        }
        let record = ManifestRecord(
            repository: repository, digest: digest, mediaType: parsed.mediaType, content: content,
            subject: parsed.subject?.digest, artifactType: parsed.artifactType, annotations: parsed.annotations)
        let quota = policy.quota(for: repository)
        do {
            try await metadata.putManifest(ManifestPut(
                record: record, tags: tags, blobs: parsed.blobs.map(\.digest), manifests: parsed.manifests.map(\.digest),
                fixedTags: Set(fixedTags.keys), quota: quota?.bytes))
        } catch MetadataError.missingReferences(let missing) {
            throw RegistryError(.manifestBlobUnknown, status: .badRequest,
                                "manifest references blobs or manifests this repository does not have; push them first",
                                detail: missing.map(\.description).joined(separator: ", "))
        } catch MetadataError.tagFixed(let tag) {
            throw fixedTags[tag] ?? RegistryError(.denied, status: .forbidden, "tag \(tag) may not be moved")
        } catch MetadataError.quotaExceeded(let used, let adding) {
            throw quota?.refusal(used: used, adding: adding) ?? RegistryError(.denied, status: .forbidden, "the repository's quota is exceeded")
        }
        manifests.invalidate(repository)
        await policy.written(.put(repository: repository, digest: digest, tags: tags, manifest: parsed))
        try await activity?.manifestPushed(repository: repository, digest: digest, tags: tags, size: content.count, mediaType: parsed.mediaType,
                                           by: caller)
        var headers: HTTPFields = [
            .location: "/v2/\(repository)/manifests/\(digest)",
            .dockerContentDigest: digest.description,
            .contentLength: "0",
        ]
        if let subject = parsed.subject { headers[.ociSubject] = subject.digest.description }
        // The spec's signal that `?tag=` is supported: one header per tag accepted that way.
        for tag in extraTags { headers.append(HTTPField(name: .ociTag, value: tag.description)) }
        return Response(status: .created, headers: headers)
    }

    func deleteManifest(_ repository: RepositoryName, _ referenceString: String, caller: RegistryCaller) async throws -> Response {
        let deleted: Bool
        let write: ManifestWrite
        switch try existingReference(referenceString) {
        case .digest(let digest):
            let tags = try await metadata.tags(repository: repository, pointingAt: digest)
            write = .deleteManifest(repository: repository, digest: digest, tags: tags)
            if case .refuse(let refusal) = await policy.decide(write, by: caller) {
                throw refusal
            }
            deleted = try await metadata.deleteManifest(repository: repository, digest: digest)
        case .tag(let tag):
            write = .deleteTag(repository: repository, tag: tag)
            if case .refuse(let refusal) = await policy.decide(write, by: caller) {
                // A tag that is not there is unknown, whatever the policy would say of deleting it.
                guard try await metadata.manifest(repository: repository, reference: .tag(tag)) != nil else {
                    throw RegistryError.manifestUnknown(referenceString)
                }
                throw refusal
            }
            deleted = try await metadata.deleteTag(repository: repository, tag: tag)
        case nil: throw RegistryError.manifestUnknown(referenceString)
        }
        guard deleted else { throw RegistryError.manifestUnknown(referenceString) }
        manifests.invalidate(repository)
        await policy.written(write)
        try await activity?.manifestDeleted(write, by: caller)
        return Response(status: .accepted, headers: [.contentLength: "0"])
    }

    func referrers(_ request: Request, _ repository: RepositoryName, _ subject: Digest) async throws -> Response {
        var descriptors = try await metadata.referrers(repository: repository, subject: subject)
        var headers: HTTPFields = [:]
        if let artifactType = request.uri.queryParameters["artifactType"] {
            descriptors = descriptors.filter { $0.artifactType == String(artifactType) }
            headers[.ociFiltersApplied] = "artifactType"
        }
        struct Index: Encodable {
            let schemaVersion = 2
            let mediaType = MediaType.ociIndex
            let manifests: [Descriptor]
        }
        return try Self.json(Index(manifests: descriptors), contentType: MediaType.ociIndex, headers: headers)
    }
}
