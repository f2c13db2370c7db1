/// Runs a server for the duration of `body`: `serve` starts it and is given a callback to report the port it bound
/// (port 0 picks a free one); `body` gets that port; the server is cancelled and awaited when `body` returns or throws.
public func withServing<T: Sendable>(
    _ serve: @escaping @Sendable (_ reportPort: @escaping @Sendable (Int) -> Void) async throws -> Void,
    _ body: (Int) async throws -> T
) async throws -> T {
    let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await serve { continuation.yield($0) } }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else { throw CancellationError() }
        do {
            let result = try await body(port)
            group.cancelAll()
            try await group.waitForAll()
            return result
        } catch {
            group.cancelAll()
            throw error
        }
    }
}
