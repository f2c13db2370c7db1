import Crypto
import Declarations
import Foundation
import GitSource
import WireFormats

/// Where declarations come from: a folder, or a commit of a git repository read through libgit2.
public enum DeclarationSource: Sendable, Hashable, CustomStringConvertible {
    case folder(String)
    /// `url` is a local repository path or a URL libgit2 can fetch; `ref` a branch, tag or commit;
    /// `path` an optional folder inside the repository.
    case git(url: String, ref: String, path: String?)

    public var description: String {
        switch self {
        case .folder(let path): path
        case .git(let url, let ref, let path): "\(url)@\(ref)\(path.map { ":\($0)" } ?? "")"
        }
    }
}

/// The commit declarations were read from; kept with every apply.
public struct Provenance: Sendable, Hashable, Codable {
    public var commit: String?
    public var author: String?
    public var reference: String

    public init(commit: String? = nil, author: String? = nil, reference: String) {
        self.commit = commit
        self.author = author
        self.reference = reference
    }
}

/// Declarations as loaded, with where they came from.
public struct LoadedDeclarations: Sendable {
    public var result: LoadResult
    public var provenance: Provenance
    /// The raw commit signature and the bytes it covers, for `--require-signed-commits`.
    public var commitSignature: (signature: String, signedData: Data)?
    /// The committer time of the commit.
    public var commitTime: Date?
}

public struct DeclarationSourceError: Error, Sendable, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}

public struct DeclarationReader: Sendable {
    /// Where remote repositories are mirrored.
    public var cacheDirectory: URL
    public var loader: DeclarationLoader

    public init(cacheDirectory: URL, loader: DeclarationLoader = DeclarationLoader()) {
        self.cacheDirectory = cacheDirectory
        self.loader = loader
    }

    public func read(_ source: DeclarationSource, now: Date = Date()) throws -> LoadedDeclarations {
        switch source {
        case .folder(let path):
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), isDirectory.boolValue else {
                throw DeclarationSourceError(message: "\(path): no such folder")
            }
            return LoadedDeclarations(result: loader.load(directory: path, now: now), provenance: Provenance(reference: path))
        case .git(let url, let ref, let path):
            let repository = try open(url)
            let commit = try repository.resolve(ref)
            return try read(repository, commit: commit, path: path, reference: "\(url)@\(ref)", now: now)
        }
    }

    /// A digest of every declaration file under a folder (paths and contents): equal digests, equal declarations.
    /// Lets a reconcile of an unchanged folder skip parsing, as an unchanged commit id does for git.
    public func folderDigest(_ path: String) throws -> String {
        var hasher = SHA256()
        guard let walker = FileManager.default.enumerator(atPath: path) else {
            throw DeclarationSourceError(message: "\(path): no such folder")
        }
        var files: [String] = []
        while let item = walker.nextObject() as? String {
            if item.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { continue }
            if item.hasSuffix(".yaml") || item.hasSuffix(".yml") { files.append(item) }
        }
        for file in files.sorted() {
            hasher.update(data: Data("\(file)\u{0}".utf8))
            hasher.update(data: FileManager.default.contents(atPath: "\(path)/\(file)") ?? Data())
            hasher.update(data: Data([0]))
        }
        return Hex.string(hasher.finalize(), prefix: "folder:")
    }

    /// Reads one commit of an opened repository (used by `diff`, which reads two).
    public func read(_ repository: GitRepository, commit: String, path: String?, reference: String, now: Date = Date()) throws -> LoadedDeclarations {
        let snapshot = try repository.snapshot(commit: commit, directory: path ?? "", maximumFileSize: loader.limits.maxFileBytes)
        let files = snapshot.files.map { DeclarationFile(path: $0.path, contents: $0.contents) }
        return LoadedDeclarations(
            result: loader.load(files, now: now),
            provenance: Provenance(commit: snapshot.commit, author: "\(snapshot.authorName) <\(snapshot.authorEmail)>", reference: reference),
            commitSignature: snapshot.signature,
            commitTime: snapshot.time)
    }

    /// Local paths are read in place; anything else is mirrored under the cache folder.
    public func open(_ url: String) throws -> GitRepository {
        if url.hasPrefix("/") || url.hasPrefix("./") || url.hasPrefix("../") || FileManager.default.fileExists(atPath: url) {
            return try GitRepository(path: url)
        }
        let key = Hex.string(SHA256.hash(data: Data(url.utf8)).prefix(12))
        return try GitRepository(url: url, cacheDirectory: cacheDirectory.appendingPathComponent(key))
    }
}
