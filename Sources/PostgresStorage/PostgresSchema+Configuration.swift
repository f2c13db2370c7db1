extension PostgresSchema {
    static let configuration: [PostgresMigration] = []
}
