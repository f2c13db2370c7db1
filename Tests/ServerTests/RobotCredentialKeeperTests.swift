import Access
import Audit
import CoreMetrics
@testable import Server
import Declarations
import Foundation
import Logging
import Registry
import Storage
import TestSupport
import Testing

/// Rotation, expiry and revocation of robot tokens, with time passed in (no sleeping) and a real SQLite store.
@Suite struct RobotCredentialKeeperTests {
    static let day: TimeInterval = 86_400
    static let recipientA = "age1gpg4ta7rf7n9vld4xs76zyflrqkv2kggesgd5t2m4ffaglqtqyusk3nemn"
    static let recipientB = "age1vagqfqkg0hv5gx0xxmarapxe8j4nd7uwe6qzzj54p2rku5w6338qdvu5hy"

    static func robots(_ specs: [(name: String, expiresIn: String, rotateEvery: String?, recipient: String)]) throws -> [RobotAccount] {
        let text = specs.map { spec in
            """
            apiVersion: berth.dev/v1alpha1
            kind: RobotAccount
            metadata: {name: \(spec.name)}
            spec: {expiresIn: \(spec.expiresIn)\(spec.rotateEvery.map { ", rotateEvery: \($0)" } ?? ""), deliverTo: {recipientPublicKey: "\(spec.recipient)"}}
            """
        }.joined(separator: "\n---\n")
        let loaded = DeclarationLoader().load([DeclarationFile(path: "robots.yaml", contents: Data(text.utf8))])
        guard !loaded.hasErrors else { throw KeeperTestFailure(description: "\(loaded.errors)") }
        return loaded.state.robotAccounts
    }

    func withKeeper(_ body: (RobotCredentialKeeper, any AccessStore, AuditLog) async throws -> Void) async throws {
        let temporary = try TemporaryDirectory("keeper")
        defer { temporary.remove() }
        let data = temporary.url
        let metadata = try EmbeddedStores(dataDirectory: data).metadata
        let audit = try await AuditLog(store: try SegmentedAuditStore(folder: data.appendingPathComponent("audit")), key: .init(),
                                       metrics: NOOPMetricsHandler.instance, logger: Logger(label: "test"))
        try await body(RobotCredentialKeeper(store: metadata, audit: audit, coordination: SingleReplica(), logger: Logger(label: "test")), metadata, audit)
    }

    @Test func mintsOnceThenKeepsTheTokenUntilRotationIsDue() async throws {
        try await withKeeper { keeper, store, _ in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let robots = try Self.robots([("ci", "90d", "30d", Self.recipientA)])
            let first = try await keeper.reconcile(robots: robots, now: start)
            let minted = try #require(try await store.robotCredentials().first)
            #expect(first["ci"] == [AcceptedRobotToken(digest: minted.digest, validUntil: start.addingTimeInterval(90 * Self.day))])
            #expect(minted.sealed.hasPrefix("-----BEGIN AGE ENCRYPTED FILE-----") && minted.digest.hasPrefix("sha256:"))

            let later = try await keeper.reconcile(robots: robots, now: start.addingTimeInterval(29 * Self.day))
            #expect(later == first, "nothing is due after 29 days")
            #expect(try await store.robotCredentials() == [minted])

            let rotatedAt = start.addingTimeInterval(30 * Self.day)
            let rotated = try await keeper.reconcile(robots: robots, now: rotatedAt)
            let renewed = try #require(try await store.robotCredentials().first)
            #expect(renewed.digest != minted.digest && renewed.issuedAt == rotatedAt)
            #expect(renewed.previousDigest == minted.digest && renewed.previousValidUntil == rotatedAt.addingTimeInterval(3600))
            #expect(rotated["ci"] == [
                AcceptedRobotToken(digest: renewed.digest, validUntil: rotatedAt.addingTimeInterval(90 * Self.day)),
                AcceptedRobotToken(digest: minted.digest, validUntil: rotatedAt.addingTimeInterval(3600)),
            ])
            let afterOverlap = try await keeper.reconcile(robots: robots, now: rotatedAt.addingTimeInterval(3601))
            #expect(afterOverlap["ci"]?.map(\.digest) == [renewed.digest], "the previous token stops after the overlap")
        }
    }

    @Test func expiryWithoutRotationMintsANewTokenAndTheOldOneIsNotAccepted() async throws {
        try await withKeeper { keeper, store, _ in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            let robots = try Self.robots([("puller", "7d", nil, Self.recipientA)])
            _ = try await keeper.reconcile(robots: robots, now: start)
            let old = try #require(try await store.robotCredentials().first)
            let expiredAt = start.addingTimeInterval(7 * Self.day)
            let accepted = try await keeper.reconcile(robots: robots, now: expiredAt)
            let new = try #require(try await store.robotCredentials().first)
            #expect(new.digest != old.digest && new.previousDigest == nil)
            #expect(accepted["puller"]?.map(\.digest) == [new.digest])
        }
    }

    @Test func aNewConsumerKeyRevokesAtOnceAndRemovalForgets() async throws {
        try await withKeeper { keeper, store, audit in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await keeper.reconcile(robots: try Self.robots([("ci", "90d", nil, Self.recipientA), ("other", "30d", nil, Self.recipientA)]), now: start)
            let old = try await store.robotCredentials()
            let moved = try await keeper.reconcile(robots: try Self.robots([("ci", "90d", nil, Self.recipientB), ("other", "30d", nil, Self.recipientA)]),
                                                   now: start.addingTimeInterval(60))
            let now = try await store.robotCredentials()
            #expect(now.first { $0.robot == "ci" }?.recipient == Self.recipientB)
            #expect(moved["ci"]?.count == 1 && moved["ci"]?.first?.digest != old.first { $0.robot == "ci" }?.digest)
            #expect(now.first { $0.robot == "other" } == old.first { $0.robot == "other" }, "an unchanged robot keeps its token")

            let remaining = try await keeper.reconcile(robots: try Self.robots([("other", "30d", nil, Self.recipientA)]), now: start.addingTimeInterval(120))
            #expect(remaining.keys.sorted() == ["other"])
            #expect(try await store.robotCredentials().map(\.robot) == ["other"])

            // Every change is an audit record, naming the robot and never its token (nor its digest or sealed copy).
            let records = try await audit.store.records(after: 0, limit: 100)
            #expect(records.map { "\($0.event.action.rawValue) \($0.event.object ?? "")" } == [
                "robot-token-mint ci", "robot-token-mint other", "robot-token-rotate ci", "robot-token-revoke ci",
            ])
            let text = records.map { String(decoding: $0.canonicalLine(), as: UTF8.self) }.joined()
            for credential in old { #expect(!text.contains(credential.digest.dropFirst(7)) && !text.contains(credential.sealed)) }
        }
    }

    @Test func aShorterExpiresInTakesEffect() async throws {
        try await withKeeper { keeper, store, _ in
            let start = Date(timeIntervalSince1970: 1_800_000_000)
            _ = try await keeper.reconcile(robots: try Self.robots([("ci", "90d", nil, Self.recipientA)]), now: start)
            let accepted = try await keeper.reconcile(robots: try Self.robots([("ci", "1d", nil, Self.recipientA)]), now: start.addingTimeInterval(60))
            #expect(accepted["ci"]?.first?.validUntil == start.addingTimeInterval(60 + Self.day))
            #expect(try await store.robotCredentials().count == 1)
        }
    }
}

struct KeeperTestFailure: Error, CustomStringConvertible {
    let description: String
}
