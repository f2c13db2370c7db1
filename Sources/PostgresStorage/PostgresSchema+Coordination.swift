extension PostgresSchema {
    static let coordination: [PostgresMigration] = []
}
