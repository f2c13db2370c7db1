import Foundation
import Logging
import OCI
import PostgresNIO
import Storage
import Synchronization
import WireFormats

/// Replicas coordinating through their PostgreSQL database (spec/scale-out.md):
/// - a lease is a session-level advisory lock, held on a connection of its own for as long as its job runs. PostgreSQL
///   releases it the moment that connection closes, so a replica that dies (even by SIGKILL: the kernel closes its
///   sockets) frees its leases at once, and a waiting replica, trying every `retryInterval`, takes over after 2.5
///   intervals more (with the 2 s default, within 7 s);
/// - changes go out with `NOTIFY` on a channel of the schema, delivered in commit order to every listening replica;
/// - shared keys are rows of `berth_shared_keys`, created by the first replica that asks.
public final class PostgresCoordination: ReplicaCoordination {
    private let database: PostgresDatabase
    /// Connections for leases and listening, apart from the pool queries use, so a held lease never starves it.
    private let connections: PostgresClient
    private let running: Task<Void, Never>
    /// This process's name in its notifications, so it ignores its own.
    public let replica: String
    private let retryInterval: Duration
    private let logger: Logger

    public init(database: PostgresDatabase, retryInterval: Duration = .seconds(2), logger: Logger) {
        self.database = database
        var configuration = database.configuration
        // Each held lease keeps one connection; one more listens.
        configuration.options.maximumConnections = 16
        configuration.options.keepAliveBehavior = nil
        connections = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let connections = connections
        running = Task { await connections.run() }
        replica = UUID().uuidString.lowercased()
        self.retryInterval = retryInterval
        self.logger = logger
    }

    public func shutdown() async {
        running.cancel()
        await running.value
    }

    public var isShared: Bool { true }

    private var channel: String { "berth_changes_\(database.schema)" }

    // MARK: Leases

    private enum LeaseOutcome: Sendable {
        /// Another replica holds the lease.
        case heldElsewhere
        case finished
        case lost
    }

    /// What the job, or the wait before it, threw while the lease was held: passed on as it is, after the lease is let go.
    private struct WhileHeld: Error {
        let error: any Error
    }

    public func whileHolding(_ job: String, _ body: @escaping @Sendable () async throws -> Void) async throws {
        let lock = "/lease/\(job)"
        let logger = logger
        let retryInterval = retryInterval
        while true {
            try Task.checkCancellation()
            let outcome: LeaseOutcome
            do {
                outcome = try await connections.withConnection { connection -> LeaseOutcome in
                    let taken = try await connection.query(
                        "SELECT pg_try_advisory_lock(hashtext(current_schema() || \(lock)))", logger: logger).decode(Bool.self)
                    var held = false
                    for try await value in taken { held = value }
                    guard held else { return .heldElsewhere }
                    logger.info("lease taken", metadata: ["job": "\(job)"])
                    // The lock is the connection's, which goes back to the pool: it is let go however the job ends, but
                    // for a lost connection, whose lock PostgreSQL already let go.
                    func letGo() async {
                        _ = try? await connection.query("SELECT pg_advisory_unlock(hashtext(current_schema() || \(lock)))", logger: logger)
                    }
                    let outcome: LeaseOutcome
                    do {
                        // A holder that lost its connection without dying notices within two intervals (below) and
                        // stops; waiting that long before starting means two replicas never run the job at once.
                        try await Task.sleep(for: retryInterval * 5 / 2)
                        outcome = try await withThrowingTaskGroup(of: LeaseOutcome.self) { group in
                            group.addTask {
                                try await body()
                                return .finished
                            }
                            // The lease lasts as long as its connection. One that closes (the server ended it) is lost
                            // at once, without waiting for the next check: a busy machine may run that check late.
                            group.addTask {
                                await Self.closed(connection)
                                // Cancelled (the job ended, or the replica stops) is not lost: the lock is let go below.
                                try Task.checkCancellation()
                                return .lost
                            }
                            // A check that fails, or goes unanswered for an interval, means PostgreSQL let it go or soon
                            // will (a connection cut without a word never closes on this side).
                            group.addTask {
                                while true {
                                    try await Task.sleep(for: retryInterval)
                                    let answered = await Self.answered(within: retryInterval) {
                                        (try? await connection.query("SELECT 1", logger: logger)) != nil
                                    }
                                    if !answered { return .lost }
                                }
                            }
                            let first = try await group.next() ?? .lost
                            group.cancelAll()
                            return first
                        }
                    } catch {
                        await letGo()
                        throw WhileHeld(error: error)
                    }
                    if outcome == .finished {
                        await letGo()
                    } else {
                        logger.warning("lease lost: its database connection failed", metadata: ["job": "\(job)"])
                    }
                    return outcome
                }
            } catch let failed as WhileHeld {
                throw failed.error
            } catch {
                if Task.isCancelled { throw CancellationError() }
                logger.warning("cannot contend for a lease; trying again", metadata: ["job": "\(job)", "error": "\(String(reflecting: error))"])
                outcome = .heldElsewhere
            }
            switch outcome {
            case .finished, .lost: return
            case .heldElsewhere: try await Task.sleep(for: retryInterval)
            }
        }
    }

    /// Whether `check` returned true within `limit`. Not a task group, which would wait for a check stuck on a broken
    /// connection: a check still running at the limit is left to finish on its own.
    private static func answered(within limit: Duration, _ check: @escaping @Sendable () async -> Bool) async -> Bool {
        let answer = FirstAnswer()
        return await withCheckedContinuation { continuation in
            answer.await(continuation)
            Task { answer.give(await check()) }
            Task {
                try? await Task.sleep(for: limit)
                answer.give(false)
            }
        }
    }

    /// Returns once `connection` has closed, or at once when the task is cancelled (a future's `get` would not).
    private static func closed(_ connection: PostgresConnection) async {
        let answer = FirstAnswer()
        await withTaskCancellationHandler {
            _ = await withCheckedContinuation { continuation in
                answer.await(continuation)
                connection.closeFuture.whenComplete { _ in answer.give(true) }
            }
        } onCancel: {
            answer.give(false)
        }
    }

    /// A continuation resumed once, by whichever answer comes first, even one given before the continuation is.
    private final class FirstAnswer: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Bool, Never>?
            var early: Bool?
            var resumed = false
        }

        private let state = Mutex(State())

        func await(_ continuation: CheckedContinuation<Bool, Never>) {
            let early = state.withLock { state -> Bool? in
                guard let early = state.early, !state.resumed else {
                    state.continuation = continuation
                    return nil
                }
                state.resumed = true
                return early
            }
            if let early { continuation.resume(returning: early) }
        }

        func give(_ answer: Bool) {
            let waiting = state.withLock { state -> CheckedContinuation<Bool, Never>? in
                guard !state.resumed else { return nil }
                guard let continuation = state.continuation else {
                    if state.early == nil { state.early = answer }
                    return nil
                }
                state.resumed = true
                state.continuation = nil
                return continuation
            }
            waiting?.resume(returning: answer)
        }
    }

    // MARK: Changes

    public func publish(_ change: ReplicaChange) async {
        let payload = "\(replica) \(change.payload)"
        do {
            try await database.query("SELECT pg_notify(\(channel), \(payload))")
        } catch {
            logger.warning("could not tell the other replicas of a change", metadata: ["error": "\(String(reflecting: error))"])
        }
    }

    public func changes() -> AsyncStream<ReplicaChange?> {
        let (stream, continuation) = AsyncStream<ReplicaChange?>.makeStream()
        let listening = Task { [connections, channel, replica, logger, retryInterval] in
            var connectedBefore = false
            while !Task.isCancelled {
                do {
                    try await connections.withConnection { connection in
                        try await connection.listen(on: channel) { notifications in
                            // Changes published while no connection listened are unknown: everything is read again.
                            if connectedBefore { continuation.yield(nil) }
                            connectedBefore = true
                            for try await notification in notifications {
                                let words = notification.payload.split(separator: " ", maxSplits: 1).map(String.init)
                                guard words.count == 2, words[0] != replica else { continue }
                                if let change = ReplicaChange(payload: words[1]) { continuation.yield(change) }
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    logger.warning("stopped hearing other replicas' changes; listening again", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: retryInterval)
            }
            continuation.finish()
        }
        continuation.onTermination = { _ in listening.cancel() }
        return stream
    }

    // MARK: Keys

    public func sharedKey(named name: String, create: @Sendable () -> String) async throws -> String? {
        let candidate = create()
        try await database.query("INSERT INTO berth_shared_keys (name, pem) VALUES (\(name), \(candidate)) ON CONFLICT (name) DO NOTHING")
        for try await pem in try await database.query("SELECT pem FROM berth_shared_keys WHERE name = \(name)").decode(String.self) {
            return pem
        }
        throw SharedKeyError(name: name, reason: "was not stored")
    }
}

public struct SharedKeyError: Error, Sendable, CustomStringConvertible {
    public let name: String
    public let reason: String
    public var description: String { "the shared key \(name) \(reason)" }
}

extension ReplicaChange {
    /// One line of words: the kind, then its repository and digest (names and digests hold no spaces), or the login's
    /// identity and address in unpadded base64url (a failed login's name is whatever the client sent), `.` for none.
    /// NOTIFY takes under 8000 bytes, so an identity longer than `longestIdentity` bytes is passed on as none: no user
    /// has such a name, and the address still counts.
    var payload: String {
        switch self {
        case .manifest(let repository, let digest): "manifest \(repository) \(digest)"
        case .repository(let repository): "repository \(repository)"
        case .configuration: "configuration"
        case .vulnerabilityDatabase: "vulnerability-database"
        case .robotCredentials: "robot-credentials"
        case .loginFailed(let identity, let address): "login-failed \(Self.word(identity)) \(Self.word(address))"
        case .loginSucceeded(let identity): "login-succeeded \(Self.word(identity))"
        }
    }

    static let longestIdentity = 1024

    private static func word(_ text: String?) -> String {
        guard let text, !text.isEmpty, text.utf8.count <= longestIdentity else { return "." }
        return Base64URL.encode(text.utf8)
    }

    /// What `word` holds: `.some(nil)` for `.`, and nil when it is not base64url of UTF-8.
    private static func text(_ word: String) -> String?? {
        if word == "." { return .some(nil) }
        guard let bytes = Base64URL.decode(word), let text = String(validating: bytes, as: UTF8.self) else { return nil }
        return .some(text)
    }

    init?(payload: String) {
        let words = payload.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("manifest", 3):
            guard let repository = RepositoryName(words[1]), let digest = Digest(words[2]) else { return nil }
            self = .manifest(repository, digest)
        case ("repository", 2):
            guard let repository = RepositoryName(words[1]) else { return nil }
            self = .repository(repository)
        case ("configuration", 1): self = .configuration
        case ("vulnerability-database", 1): self = .vulnerabilityDatabase
        case ("robot-credentials", 1): self = .robotCredentials
        case ("login-failed", 3):
            guard let identity = Self.text(words[1]), let address = Self.text(words[2]).flatMap({ $0 }) else { return nil }
            self = .loginFailed(identity: identity, address: address)
        case ("login-succeeded", 2):
            guard let identity = Self.text(words[1]).flatMap({ $0 }) else { return nil }
            self = .loginSucceeded(identity: identity)
        default: return nil
        }
    }
}
