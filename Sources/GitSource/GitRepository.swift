import CLibGit2
import Foundation
import Synchronization

/// An error from libgit2, with its message.
public struct GitError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }

    init(_ context: String, code: Int32) {
        let detail = git_error_last().map { String(cString: $0.pointee.message) } ?? "error \(code)"
        message = "\(context): \(detail)"
    }

    init(_ message: String) {
        self.message = message
    }
}

/// One file of a commit's tree.
public struct GitFile: Sendable, Hashable {
    public var path: String
    public var contents: Data
    /// The blob's full size; `contents` is cut at the reader's limit when larger.
    public var size: Int
}

/// A commit and the declaration files in its tree, read without a checkout.
public struct GitSnapshot: Sendable {
    public var commit: String
    public var authorName: String
    public var authorEmail: String
    public var message: String
    /// When the commit was made (committer time): what signing keys' validity windows are checked against.
    public var time: Date
    public var files: [GitFile]
    /// The commit's signature (`gpgsig` header) and the exact bytes it signs; nil for an unsigned commit.
    public var signature: (signature: String, signedData: Data)?
}

private let libraryInitialised: Void = { git_libgit2_init(); return () }()

/// A git repository opened through libgit2: a local path, or a remote URL mirrored into a cache folder.
///
/// libgit2 objects are not thread-safe, so each instance serialises its own use with a lock.
public final class GitRepository: @unchecked Sendable {
    private let handle: OpaquePointer
    private let lock = Mutex(())
    private let isMirror: Bool

    /// Opens a repository at a local path (work tree or bare).
    public init(path: String) throws {
        _ = libraryInitialised
        var repository: OpaquePointer?
        let status = git_repository_open_ext(&repository, path, UInt32(GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue), nil)
        guard status == 0, let repository else { throw GitError("cannot open git repository at \(path)", code: status) }
        handle = repository
        isMirror = false
    }

    /// Mirrors a remote repository into `cacheDirectory` (cloning it the first time) and fetches it.
    public init(url: String, cacheDirectory: URL) throws {
        _ = libraryInitialised
        let path = cacheDirectory.path
        var repository: OpaquePointer?
        if FileManager.default.fileExists(atPath: path) {
            let status = git_repository_open_bare(&repository, path)
            guard status == 0, let repository else { throw GitError("cannot open cached clone at \(path)", code: status) }
            handle = repository
        } else {
            try FileManager.default.createDirectory(at: cacheDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
            var options = git_clone_options()
            git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
            options.bare = 1
            let status = git_clone(&repository, url, path, &options)
            guard status == 0, let repository else { throw GitError("cannot clone \(url)", code: status) }
            handle = repository
        }
        isMirror = true
        try fetch()
    }

    deinit {
        git_repository_free(handle)
    }

    /// Brings a mirrored repository up to date with its remote. A no-op for local repositories.
    public func fetch() throws {
        guard isMirror else { return }
        try lock.withLock { _ in
            var remote: OpaquePointer?
            var status = git_remote_lookup(&remote, handle, "origin")
            guard status == 0, let remote else { throw GitError("no origin remote in cached clone", code: status) }
            defer { git_remote_free(remote) }
            let refspecs = ["+refs/heads/*:refs/remotes/origin/*", "+refs/tags/*:refs/tags/*"]
            var cStrings = refspecs.map { strdup($0) }
            defer { cStrings.forEach { free($0) } }
            status = cStrings.withUnsafeMutableBufferPointer { buffer in
                var array = git_strarray(strings: buffer.baseAddress, count: buffer.count)
                return git_remote_fetch(remote, &array, nil, nil)
            }
            guard status == 0 else { throw GitError("cannot fetch origin", code: status) }
        }
    }

    /// Resolves a branch, tag or commit id to a commit id.
    public func resolve(_ reference: String) throws -> String {
        try lock.withLock { _ in
            let candidates = isMirror
                ? ["refs/remotes/origin/\(reference)", "refs/tags/\(reference)", reference]
                : ["refs/heads/\(reference)", "refs/tags/\(reference)", reference]
            for candidate in candidates {
                var object: OpaquePointer?
                guard git_revparse_single(&object, handle, candidate) == 0, let object else { continue }
                defer { git_object_free(object) }
                var commit: OpaquePointer?
                guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { continue }
                defer { git_object_free(commit) }
                return Self.string(git_object_id(commit))
            }
            throw GitError("'\(reference)' is not a branch, tag or commit of this repository")
        }
    }

    /// Reads the commit and every file under `directory` whose name ends in one of `extensions`.
    /// Files larger than `maximumFileSize` are returned cut to `maximumFileSize + 1` bytes, so the caller can refuse them.
    public func snapshot(commit commitID: String, directory: String = "", extensions: [String] = [".yaml", ".yml"], maximumFileSize: Int = 4 << 20) throws -> GitSnapshot {
        try lock.withLock { _ in
            var oid = git_oid()
            guard git_oid_fromstr(&oid, commitID) == 0 else { throw GitError("'\(commitID)' is not a commit id") }
            var commit: OpaquePointer?
            var status = git_commit_lookup(&commit, handle, &oid)
            guard status == 0, let commit else { throw GitError("cannot read commit \(commitID)", code: status) }
            defer { git_commit_free(commit) }
            let author = git_commit_author(commit)!.pointee
            let committer = git_commit_committer(commit)!.pointee
            var tree: OpaquePointer?
            status = git_commit_tree(&tree, commit)
            guard status == 0, let tree else { throw GitError("cannot read the tree of \(commitID)", code: status) }
            defer { git_tree_free(tree) }

            var root = tree
            var subtree: OpaquePointer?
            let prefix = directory.trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            if !prefix.isEmpty {
                var entry: OpaquePointer?
                status = git_tree_entry_bypath(&entry, tree, prefix)
                guard status == 0, let entry else { throw GitError("commit \(commitID) has no folder '\(prefix)'", code: status) }
                defer { git_tree_entry_free(entry) }
                guard git_tree_entry_type(entry) == GIT_OBJECT_TREE,
                      git_tree_lookup(&subtree, handle, git_tree_entry_id(entry)) == 0, let subtree
                else { throw GitError("'\(prefix)' is not a folder in commit \(commitID)") }
                root = subtree
            }
            defer { if let subtree { git_tree_free(subtree) } }

            var files: [GitFile] = []
            try collect(root, path: prefix, extensions: extensions, limit: maximumFileSize, into: &files)

            var signatureBuffer = git_buf()
            var signedBuffer = git_buf()
            defer {
                git_buf_dispose(&signatureBuffer)
                git_buf_dispose(&signedBuffer)
            }
            var signature: (String, Data)?
            if git_commit_extract_signature(&signatureBuffer, &signedBuffer, handle, &oid, nil) == 0 {
                signature = (String(cString: signatureBuffer.ptr), Data(bytes: signedBuffer.ptr, count: signedBuffer.size))
            }
            return GitSnapshot(
                commit: commitID,
                authorName: String(cString: author.name),
                authorEmail: String(cString: author.email),
                message: String(cString: git_commit_message(commit)),
                time: Date(timeIntervalSince1970: TimeInterval(committer.when.time)),
                files: files.sorted { $0.path < $1.path },
                signature: signature)
        }
    }

    private func collect(_ tree: OpaquePointer, path: String, extensions: [String], limit: Int, into files: inout [GitFile]) throws {
        for index in 0..<git_tree_entrycount(tree) {
            guard let entry = git_tree_entry_byindex(tree, index) else { continue }
            let name = String(cString: git_tree_entry_name(entry))
            let entryPath = path.isEmpty ? name : "\(path)/\(name)"
            switch git_tree_entry_type(entry) {
            case GIT_OBJECT_TREE:
                guard !name.hasPrefix(".") else { continue }
                var subtree: OpaquePointer?
                let status = git_tree_lookup(&subtree, handle, git_tree_entry_id(entry))
                guard status == 0, let subtree else { throw GitError("cannot read folder \(entryPath)", code: status) }
                defer { git_tree_free(subtree) }
                try collect(subtree, path: entryPath, extensions: extensions, limit: limit, into: &files)
            case GIT_OBJECT_BLOB:
                guard extensions.contains(where: { name.hasSuffix($0) }) else { continue }
                var blob: OpaquePointer?
                let status = git_blob_lookup(&blob, handle, git_tree_entry_id(entry))
                guard status == 0, let blob else { throw GitError("cannot read \(entryPath)", code: status) }
                defer { git_blob_free(blob) }
                let size = Int(git_blob_rawsize(blob))
                let kept = min(size, limit + 1)
                let contents = kept == 0 ? Data() : Data(bytes: git_blob_rawcontent(blob)!, count: kept)
                files.append(GitFile(path: entryPath, contents: contents, size: size))
            default:
                continue
            }
        }
    }

    private static func string(_ oid: UnsafePointer<git_oid>) -> String {
        var buffer = [CChar](repeating: 0, count: Int(GIT_OID_HEXSZ) + 1)
        git_oid_tostr(&buffer, buffer.count, oid)
        return String(cString: buffer)
    }
}
