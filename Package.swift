// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "berth",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "berth", targets: ["BerthCLI"]),
        .executable(name: "berth-bench", targets: ["BerthBench"]),
        // The storage contracts as checks a driver outside this repository can run (spec/storage.md).
        .library(name: "StorageConformance", targets: ["StorageConformance"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/attaswift/BigInt.git", from: "6.0.1"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(name: "CSQLite", providers: [.apt(["libsqlite3-dev"])]),
        .target(name: "CSystemCalls"),
        .systemLibrary(name: "CLibGit2", providers: [.apt(["libgit2-dev"])]),
        .target(name: "GitSource", dependencies: ["CLibGit2"]),
        // The byte formats several modules read and write: SSH wire data (RFC 4251) and base64/base64url.
        .target(name: "WireFormats"),
        .target(
            name: "CommitSigning",
            dependencies: [
                "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        // Reads the system libyaml's event API directly: exact positions and bounded alias expansion.
        .systemLibrary(name: "CLibYAML", providers: [.apt(["libyaml-dev"])]),
        .target(name: "Declarations", dependencies: ["AuditRecords", "CLibYAML", "WireFormats"]),
        // The audit log's vocabulary and byte format: actions, records, their canonical line and hash chain, checkpoints.
        .target(
            name: "AuditRecords",
            dependencies: ["WireFormats", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Plan and apply: reads declarations (a folder, or a git commit whose signature it can check), plans against the
        // live state, and applies through the configuration store; the reconcile loop runs it as a service.
        .target(
            name: "Reconciler",
            dependencies: [
                "CommitSigning", "Declarations", "GitSource", "Storage", "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The admin API's wire formats, and its client: the remote admin endpoint `berth plan/apply --registry` use.
        .target(
            name: "AdminAPI",
            dependencies: [
                "AuditRecords", "Lifecycle",
                .product(name: "HTTPTypes", package: "swift-http-types"), "Reconciler", "Storage", "Vulnerabilities",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOFoundationCompat", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        .systemLibrary(name: "CArgon2", providers: [.apt(["libargon2-dev"])]),
        .target(
            name: "Access",
            dependencies: [
                "CArgon2",
                "Declarations",
                "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "JWTKit", package: "jwt-kit"),
            ]
        ),
        // Seals robot tokens in the age format, so consumers open them with the stock `age` tool. BigInt: age's
        // ssh-rsa stanza needs OAEP with a label, which _CryptoExtras cannot do, and ssh-ed25519 needs a field inversion.
        .target(
            name: "Sealing",
            dependencies: [
                "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "BigInt", package: "BigInt"),
            ]
        ),
        .target(
            name: "OCI",
            dependencies: ["WireFormats", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Verifies container-image signatures (cosign, sigstore bundle, notation JWS) against declared keys and CAs, offline.
        .target(
            name: "ImageSignatures",
            dependencies: [
                "OCI",
                "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        // Vulnerability matching, pure: ecosystem version orderings, the OSV record model, the offline database and the
        // matcher (issue #15). libarchive streams the zip exports osv.dev publishes.
        .target(name: "Vulnerabilities", dependencies: ["CLibArchive"]),
        .testTarget(name: "VulnerabilitiesTests", dependencies: ["Vulnerabilities", "TestSupport"]),
        .systemLibrary(name: "CLibArchive", providers: [.apt(["libarchive-dev"])]),
        // Reads layer blobs as streams through libarchive and finds secrets in them, within limits a hostile layer cannot pass.
        .target(
            name: "ContentAnalysis",
            dependencies: ["CLibArchive", "CSystemCalls", "WireFormats", .product(name: "Crypto", package: "swift-crypto")]
        ),
        // Retention: a pure planner (what the next run deletes, and why) and the run over the metadata store.
        .target(name: "Lifecycle", dependencies: ["OCI", "Declarations", "Storage", .product(name: "Logging", package: "swift-log")]),
        .target(
            name: "Storage",
            dependencies: [
                "AuditRecords",
                "WireFormats",
                "CLibArchive",
                "OCI",
                .product(name: "Crypto", package: "swift-crypto"),
                "CSQLite",
                "CSystemCalls",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Uses swift-testing's #expect in a library, so a failed check lands in the driver's own test.
        // The scale-out metadata driver: every store protocol but `BlobStore` on PostgreSQL (issue #19), plus the
        // advisory-lock leases that let one replica at a time run each singleton job.
        .target(
            name: "PostgresStorage",
            dependencies: [
                "AuditRecords", "OCI", "Storage", "WireFormats",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "PostgresStorageTests",
            dependencies: [
                "Audit", "AuditRecords", "PostgresStorage", "Storage", "StorageConformance", "TestSupport",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The scale-out blob driver: `BlobStore` on S3-compatible object storage, signed with AWS Signature V4.
        .target(
            name: "S3Storage",
            dependencies: [
                "OCI", "Storage", "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "S3StorageTests",
            dependencies: [
                "S3Storage", "Storage", "StorageConformance", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        .target(
            name: "StorageConformance",
            dependencies: [
                "AuditRecords", "OCI", "Storage", "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The audit log: group-committed appends to the chain, signed checkpoints, retention, verification and queries.
        .target(
            name: "Audit",
            dependencies: [
                "AuditRecords", "CSystemCalls", "Storage", "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // Delivers the audit log to webhooks: signed CloudEvents, in order, at least once, resumed from the outbox after a restart.
        .target(
            name: "Webhooks",
            dependencies: [
                "AuditRecords", "Storage", "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .target(
            name: "Registry",
            dependencies: [
                "AuditRecords",
                "OCI",
                "Storage",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                // Blob GETs go out with sendfile: a channel handler below Hummingbird's HTTP types codec.
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The registry's manifest policy as the declarations make it, behind the registry's `ManifestPolicy` seam.
        .target(
            name: "Enforcement",
            dependencies: ["ContentAnalysis", "CSystemCalls", "Declarations", "ImageSignatures", "Lifecycle", "OCI", "Reconciler", "Registry", "Storage",
                           "Vulnerabilities", .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        // The composition: the registry, the token endpoint, the admin API and /metrics on one Hummingbird router, the
        // access service, and the background services.
        // The read-only web console's parts that need no server: its pages (Mustache templates and their view models),
        // the SVG charts, sessions.
        .target(
            name: "Console",
            dependencies: ["Storage", "WireFormats", .product(name: "Mustache", package: "swift-mustache"), .product(name: "Crypto", package: "swift-crypto")]
        ),
        .testTarget(name: "ConsoleTests", dependencies: ["Console", "TestSupport"]),
        .target(
            name: "Server",
            dependencies: [
                "Access",
                "Console",
                "Audit",
                "AuditRecords",
                "AdminAPI",
                "ContentAnalysis",
                "Declarations",
                "Enforcement",
                "ImageSignatures",
                "Lifecycle",
                "Reconciler",
                "Registry",
                "Sealing",
                "Storage",
                "Vulnerabilities",
                "Webhooks",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "BerthCLI",
            dependencies: [
                "PostgresStorage", "S3Storage",
                "Access",
                "AdminAPI",
                "Audit",
                "AuditRecords",
                "CSystemCalls",
                "ContentAnalysis",
                "Declarations",
                "Enforcement",
                "Lifecycle",
                "OCI",
                "Reconciler",
                "Server",
                "Storage",
                "Vulnerabilities",
                "WireFormats",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            // Release builds are what gets deployed, so they are linked to map less code: packed relative relocations
            // (GNU ld; gold, the default, has none) and only the symbols other libraries need exported. Still
            // position-independent. `make release` adds --static-swift-stdlib. Measured in bench/README.md, "Memory".
            linkerSettings: [
                .unsafeFlags(
                    ["-use-ld=bfd", "-Xlinker", "-z", "-Xlinker", "pack-relative-relocs", "-Xlinker", "--no-export-dynamic"],
                    .when(platforms: [.linux], configuration: .release))
            ]
        ),
        .executableTarget(
            name: "BerthBench",
            dependencies: [
                "Audit",
                "AuditRecords",
                "ContentAnalysis",
                "Declarations",
                "Enforcement",
                "OCI",
                "Storage",
                "TestSupport",
                "Vulnerabilities",
                "WireFormats",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // What test targets share: temporary folders, random bytes, a seedable generator, the registry client of tests.
        // A regular target, so the StorageConformance library can use it too.
        .target(
            name: "TestSupport",
            dependencies: [
                "CSystemCalls",
                "OCI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/TestSupport"
        ),
        .testTarget(name: "BerthCLITests", dependencies: ["BerthCLI"]),
        .testTarget(
            name: "AuditTests",
            dependencies: ["Audit", "AuditRecords", "Storage", "TestSupport", .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "_CryptoExtras", package: "swift-crypto"), .product(name: "CoreMetrics", package: "swift-metrics")]
        ),
        .testTarget(name: "GitSourceTests", dependencies: ["GitSource", "TestSupport"]),
        .testTarget(
            name: "AccessTests",
            dependencies: [
                "Access", "CArgon2", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
            ]
        ),
        .testTarget(name: "SealingTests", dependencies: ["Sealing", "TestSupport"]),
        .testTarget(name: "WireFormatsTests", dependencies: ["WireFormats", "TestSupport"]),
        // Server: the broken corpus checks robots' and Signers' keys with the checks the server injects.
        .testTarget(name: "DeclarationsTests", dependencies: ["Declarations", "Server"]),
        .testTarget(
            name: "ServerTests",
            dependencies: [
                "Access", "AdminAPI", "Audit", "AuditRecords", .product(name: "CoreMetrics", package: "swift-metrics"), "Declarations", "Enforcement", "Lifecycle", "Reconciler", "Registry", "Server", "Storage", "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "ReconcilerTests",
            dependencies: [
                "Reconciler", "Declarations", "Storage", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // A real HTTP receiver (Hummingbird on a loopback port) and a real SQLite outbox; the log is in memory.
        .testTarget(
            name: "WebhooksTests",
            dependencies: [
                "AuditRecords", "Storage", "TestSupport", "Webhooks",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "MetricsTestKit", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "CommitSigningTests",
            dependencies: [
                "CommitSigning",
                "TestSupport",
                "WireFormats",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ]
        ),
        .testTarget(
            name: "StorageTests",
            dependencies: ["Storage", "StorageConformance", "OCI", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "RegistryTests",
            dependencies: [
                "Registry", "Storage", "OCI", "TestSupport",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "LifecycleTests",
            dependencies: ["Lifecycle", "OCI", "Declarations", "Storage", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(name: "ImageSignaturesTests", dependencies: ["ImageSignatures", "OCI", "TestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "ContentAnalysisTests",
            dependencies: ["ContentAnalysis", "TestSupport", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "EnforcementTests",
            dependencies: ["Enforcement", "Declarations", "Registry", "OCI", "Storage", "TestSupport", .product(name: "NIOCore", package: "swift-nio")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "OCI", "S3Storage", "TestSupport",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            // The console's browser test runs this Selenium script from the source tree.
            exclude: ["Console/console_browser.py"]
        ),
    ]
)
