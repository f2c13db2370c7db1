import Foundation
import PostgresNIO

/// Where the metadata database is: parsed from `postgres://USER@HOST[:PORT]/DATABASE[?schema=NAME&sslmode=MODE]`.
public struct PostgresAddress: Sendable, Hashable, CustomStringConvertible {
    public var host: String
    public var port: Int
    public var user: String
    public var database: String
    /// Where Berth's tables are (`search_path`): several registries, or the tests, can share one database.
    public var schema: String
    /// `disable`, `prefer` (the default: TLS when the server offers it) or `require`.
    public var sslMode: String

    public enum Invalid: Error, Sendable, Equatable, CustomStringConvertible {
        case notPostgres(String)
        case holdsPassword
        case badParameter(String)

        public var description: String {
            switch self {
            case .notPostgres(let reason): "not a PostgreSQL address (postgres://USER@HOST:PORT/DATABASE): \(reason)"
            case .holdsPassword:
                "the PostgreSQL address holds a password; give it in the environment (PGPASSWORD) or a file (--metadata-password-file) instead, so it never shows on a command line or in a process list"
            case .badParameter(let reason): "PostgreSQL address: \(reason)"
            }
        }
    }

    public init(_ text: String) throws {
        guard let components = URLComponents(string: text), let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw Invalid.notPostgres("expected the scheme postgres://")
        }
        guard components.password == nil else { throw Invalid.holdsPassword }
        guard let host = components.host, !host.isEmpty else { throw Invalid.notPostgres("no host") }
        self.host = host
        port = components.port ?? 5432
        user = components.user ?? "postgres"
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? user : path
        schema = "public"
        sslMode = "prefer"
        for item in components.queryItems ?? [] {
            switch item.name {
            case "schema":
                // A plain identifier, since it goes into statements (CREATE SCHEMA) and a startup parameter.
                guard let value = item.value, !value.isEmpty, value.count <= 63,
                      value.unicodeScalars.allSatisfy({ ($0.properties.isLowercase && $0.isASCII) || ("0"..."9").contains($0) || $0 == "_" }),
                      !("0"..."9").contains(value.unicodeScalars.first!)
                else { throw Invalid.badParameter("schema must be a lower-case identifier ([a-z_][a-z0-9_]*, at most 63 characters)") }
                schema = value
            case "sslmode":
                guard let value = item.value, ["disable", "prefer", "require"].contains(value) else {
                    throw Invalid.badParameter("sslmode must be disable, prefer or require")
                }
                sslMode = value
            default:
                throw Invalid.badParameter("unknown parameter '\(item.name)' (known: schema, sslmode)")
            }
        }
    }

    var tls: PostgresClient.Configuration.TLS {
        switch sslMode {
        case "disable": .disable
        case "require": .require(.makeClientConfiguration())
        default: .prefer(.makeClientConfiguration())
        }
    }

    /// The address as given, without a password (it never holds one).
    public var description: String { "postgres://\(user)@\(host):\(port)/\(database)?schema=\(schema)&sslmode=\(sslMode)" }
}
