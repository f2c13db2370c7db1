import PostgresNIO

/// A statement that must return a row returned none: `INSERT … RETURNING` did not, or a one-row table (`audit_head`)
/// lost its row, which only a hand edit of the schema does.
struct MissingRow: Error, Sendable, CustomStringConvertible {
    let statement: String
    var description: String { "PostgreSQL returned no row for \(statement)" }
}

extension PostgresRowSequence {
    /// The first row, for statements that always return exactly one.
    func oneRow(of statement: String) async throws -> PostgresRow {
        guard let row = try await collect().first else { throw MissingRow(statement: statement) }
        return row
    }
}
