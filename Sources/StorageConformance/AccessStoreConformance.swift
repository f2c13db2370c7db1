import Foundation
import Storage
import TestSupport
import Testing

/// The contract every `AccessStore` must honour, as checks any driver can run against itself.
///
/// `makeStore` is called with a new empty folder for each check.
public struct AccessStoreConformance: Sendable {
    public typealias MakeStore = @Sendable (URL) async throws -> any AccessStore

    private let makeStore: MakeStore

    public init(makeStore: @escaping MakeStore) { self.makeStore = makeStore }

    public var allChecks: [ConformanceCheck] {
        [
            ConformanceCheck("robotCredentialsAreReplacedAndRemovedTogether", robotCredentialsAreReplacedAndRemovedTogether),
        ]
    }

    /// Runs every check; each failure is recorded as an issue of the running test, naming its check.
    public func run() async { await allChecks.run() }

    private static func credential(_ robot: String, digest: String, at time: TimeInterval = 1_800_000_000) -> RobotCredential {
        RobotCredential(robot: robot, digest: digest, issuedAt: Date(timeIntervalSince1970: time),
                        expiresAt: Date(timeIntervalSince1970: time + 86_400), recipient: "age1example", sealed: "-----BEGIN AGE ENCRYPTED FILE-----")
    }

    public func robotCredentialsAreReplacedAndRemovedTogether() async throws {
        let check: Comment = "AccessStoreConformance.robotCredentialsAreReplacedAndRemovedTogether"
        try await withTemporaryDirectory { directory in
            let store = try await makeStore(directory)
            #expect(try await store.robotCredentials().isEmpty, check)
            let ci = Self.credential("ci", digest: "sha256:aa")
            let puller = Self.credential("puller", digest: "sha256:bb")
            try await store.updateRobotCredentials([ci, puller], keeping: ["ci", "puller"])
            #expect(try await store.robotCredentials() == [ci, puller], check)

            var rotated = Self.credential("ci", digest: "sha256:cc", at: 1_800_100_000)
            rotated.previousDigest = "sha256:aa"
            rotated.previousValidUntil = Date(timeIntervalSince1970: 1_800_103_600)
            try await store.updateRobotCredentials([rotated], keeping: ["ci"])
            #expect(try await store.robotCredentials() == [rotated], "\(check.rawValue): puller is gone, ci is replaced")

            try await store.updateRobotCredentials([], keeping: [])
            #expect(try await store.robotCredentials().isEmpty, check)
        }
    }
}
