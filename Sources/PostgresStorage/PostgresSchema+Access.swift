extension PostgresSchema {
    static let access: [PostgresMigration] = []
}
