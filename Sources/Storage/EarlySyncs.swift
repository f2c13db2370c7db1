#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import NIOPosix
import Synchronization

/// Syncs a large upload while it is still arriving, so that the sync made before its blob appears has little
/// left to wait for.
///
/// Starting writeback early is not enough on a disk with a volatile write cache, such as the virtual disk this was
/// measured on (bench/README.md, "Large pushes and the disk"): the final `fdatasync` also has to flush that cache,
/// and its cost grows with everything written since the last flush. A sync every `interval` bytes, at most one per
/// upload at a time and never waited for by a write, spreads that cost over the transfer.
///
/// A failed sync, early or final, discards the upload: the kernel reports a writeback error once, to the first
/// sync that asks, so a later `fdatasync` could come back clean over lost bytes. Removing the staged file outlasts
/// a restart; remembering the failure until the upload is deleted gives its commit a clear error.
final class EarlySyncs: Sendable {
    private struct Upload {
        var running: Task<Void, Never>?
        var failure: String?
    }

    static let interval = 16 << 20

    private let pool: NIOThreadPool
    private let sync: @Sendable (Int32) -> Int32
    private let uploads = Mutex<[String: Upload]>([:])

    /// `sync` makes a descriptor's data durable and returns 0 or an errno.
    init(pool: NIOThreadPool, sync: @escaping @Sendable (Int32) -> Int32 = { fdatasync($0) == 0 ? 0 : errno }) {
        self.pool = pool
        self.sync = sync
    }

    /// Starts a sync of the upload's file at `path` unless one is already running for it.
    /// Syncs its own duplicate of `descriptor`, so the writer may close its own at any time.
    func start(upload id: String, path: String, descriptor: Int32) {
        uploads.withLock { uploads in
            guard uploads[id]?.running == nil else { return }
            let copy = dup(descriptor)
            guard copy >= 0 else { return }
            let task = Task { [pool, sync] in
                // A pool that is no longer running (the server stopping) syncs nothing, so it loses no error either.
                try? await pool.runIfActive {
                    let error = sync(copy)
                    if error != 0 { self.discard(upload: id, path: path, because: "an early sync failed: \(String(cString: strerror(error)))") }
                }
                close(copy)
                self.uploads.withLock { _ = $0[id]?.running = nil }
            }
            uploads[id, default: Upload()].running = task
        }
    }

    /// A sync of the upload failed: removes its staged file and remembers why, so that it is never committed.
    func discard(upload id: String, path: String, because failure: String) {
        unlink(path)
        uploads.withLock { uploads in
            if uploads[id, default: Upload()].failure == nil { uploads[id, default: Upload()].failure = failure }
        }
    }

    /// Waits for the upload's running sync, then throws if any sync of it failed, or forgets it if none did.
    func settle(upload id: String) async throws {
        await uploads.withLock { $0[id]?.running }?.value
        let failure = uploads.withLock { uploads -> String? in
            guard let failure = uploads[id]?.failure else {
                uploads.removeValue(forKey: id)
                return nil
            }
            return failure
        }
        if let failure { throw BlobStoreError.io("upload \(id): \(failure); its staged bytes were removed; the upload must be started again") }
    }

    /// Waits for the upload's running sync and forgets the upload.
    func forget(upload id: String) async {
        await uploads.withLock { $0[id]?.running }?.value
        _ = uploads.withLock { $0.removeValue(forKey: id) }
    }
}
