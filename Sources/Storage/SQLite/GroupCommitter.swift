/// Serialises writes onto one connection and commits whatever is waiting as one transaction.
///
/// Concurrent pushes then share one fsync instead of queueing for one each. Every unit of work runs
/// inside its own savepoint, so one failing unit rolls back alone; a failed COMMIT fails the whole batch.
/// A caller is answered only after the transaction holding its work is durable.
actor GroupCommitter {
    private final class Job: @unchecked Sendable {
        let work: (SQLiteConnection) throws -> any Sendable
        let continuation: CheckedContinuation<any Sendable, any Error>
        var result: Result<any Sendable, any Error>?

        init(work: @escaping (SQLiteConnection) throws -> any Sendable, continuation: CheckedContinuation<any Sendable, any Error>) {
            self.work = work
            self.continuation = continuation
        }
    }

    private let executor: SQLiteExecutor
    private var pending: [Job] = []
    private var draining = false
    private let maximumBatch = 256

    init(executor: SQLiteExecutor) {
        self.executor = executor
    }

    func submit<T: Sendable>(_ work: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let value = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<any Sendable, any Error>) in
            pending.append(Job(work: { try work($0) }, continuation: continuation))
            if !draining {
                draining = true
                Task { await self.drain() }
            }
        }
        return value as! T
    }

    private func drain() async {
        while !pending.isEmpty {
            let batch = Array(pending.prefix(maximumBatch))
            pending.removeFirst(batch.count)
            do {
                try await executor.perform { connection in
                    try connection.execute("BEGIN IMMEDIATE")
                    do {
                        for job in batch {
                            try connection.execute("SAVEPOINT unit")
                            do {
                                job.result = .success(try job.work(connection))
                                try connection.execute("RELEASE unit")
                            } catch {
                                job.result = .failure(error)
                                try connection.execute("ROLLBACK TO unit; RELEASE unit")
                            }
                        }
                        try connection.execute("COMMIT")
                    } catch {
                        try? connection.execute("ROLLBACK")
                        throw error
                    }
                }
                for job in batch { job.continuation.resume(with: job.result!) }
            } catch {
                for job in batch { job.continuation.resume(throwing: error) }
            }
        }
        draining = false
    }
}
