extension PostgresSchema {
    static let vulnerabilities: [PostgresMigration] = []
}
