extension PostgresSchema {
    static let layerScans: [PostgresMigration] = []
}
