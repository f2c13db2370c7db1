extension PostgresSchema {
    static let webhooks: [PostgresMigration] = []
}
