import Logging
@testable import PostgresStorage
import TestSupport
import Testing

@Suite(.timeLimit(.minutes(5))) struct PostgresDatabaseTests {
    @Test func addressesAreParsedAndPasswordsRefused() throws {
        let address = try PostgresAddress("postgres://berth@db.example:6543/registry?schema=tenant_a&sslmode=require")
        #expect(address.host == "db.example")
        #expect(address.port == 6543)
        #expect(address.user == "berth")
        #expect(address.database == "registry")
        #expect(address.schema == "tenant_a")
        #expect(address.sslMode == "require")
        #expect(throws: PostgresAddress.Invalid.holdsPassword) { try PostgresAddress("postgres://berth:hunter2@db/registry") }
        #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress("postgres://db/registry?schema=Robert');DROP") }
        #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress("mysql://db/registry") }
        #expect(throws: PostgresAddress.Invalid.self) { try PostgresAddress("postgres://db/registry?sslmode=verify-full") }
    }

    @Test func migrationsRunOnceWhenReplicasStartTogether() async throws {
        let server = try await RealServers.postgres()
        let address = try PostgresAddress(server.url + "?sslmode=disable&schema=migrate_\(UInt32.random(in: 0...UInt32.max))")
        let logger = Logger(label: "test")
        // Four replicas starting at once: each waits for the migration lock, and only the first applies anything.
        let databases = try await withThrowingTaskGroup(of: PostgresDatabase.self) { group in
            for _ in 0..<4 { group.addTask { try await PostgresDatabase(address: address, maximumConnections: 2, logger: logger) } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        // Applied in one transaction, the migrations share one `applied_at`: what is checked is that each is recorded once.
        let rows = try await databases[0].query("SELECT id FROM berth_migrations ORDER BY id").decode(String.self)
        var applied: [String] = []
        for try await id in rows { applied.append(id) }
        #expect(applied == PostgresSchema.migrations.map(\.id).sorted())
        for database in databases { await database.shutdown() }
    }
}
