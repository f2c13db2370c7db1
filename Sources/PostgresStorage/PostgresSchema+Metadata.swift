extension PostgresSchema {
    static let metadata: [PostgresMigration] = []
}
