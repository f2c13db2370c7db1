/// Every store protocol a metadata database driver implements in one type (the SQLite store of the embedded default, the
/// PostgreSQL store of a scale-out deployment): what the server is composed over, besides blobs and the audit chain.
public typealias RegistryDatabase = AccessStore & ConfigurationStore & LayerScanStore & MetadataStore & VulnerabilityDatabaseStore
    & WebhookOutboxStore
