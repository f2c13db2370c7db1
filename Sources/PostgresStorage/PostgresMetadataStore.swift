import Foundation
import Storage

/// The scale-out metadata store: the registry's metadata, configuration, access state, layer scans and vulnerability
/// database in PostgreSQL, one protocol per extension file (`PostgresMetadataStore+Configuration.swift`, …), as
/// `SQLiteMetadataStore` is in the embedded default. Several replicas share one; every call is one transaction.
public final class PostgresMetadataStore: Sendable {
    let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }
}
