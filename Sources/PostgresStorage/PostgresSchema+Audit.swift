extension PostgresSchema {
    static let audit: [PostgresMigration] = []
}
