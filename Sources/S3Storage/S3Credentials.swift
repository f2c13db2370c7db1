import Foundation

/// The keys S3 requests are signed with. They never come from the store's address (which ends up in logs and
/// configuration files), only from the environment or a file readable by the server alone.
///
/// The file format is `key=value` lines, blank lines and `#` comments ignored:
///
///     access_key_id=AKIA…
///     secret_access_key=…
///     session_token=…        (optional)
public struct S3Credentials: Sendable, CustomStringConvertible {
    public let accessKeyID: String
    public let secretAccessKey: String
    public let sessionToken: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = secretAccessKey
        self.sessionToken = sessionToken
    }

    /// Names the key, never the secret or the token: a description ends up in logs.
    public var description: String {
        "S3Credentials(access key \(accessKeyID)\(sessionToken == nil ? "" : ", with a session token"))"
    }

    public struct MissingCredentials: Error, CustomStringConvertible {
        public let description: String
    }

    /// `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and, when set, `AWS_SESSION_TOKEN`.
    public static func fromEnvironment(_ environment: [String: String] = ProcessInfo.processInfo.environment) throws -> S3Credentials {
        guard let key = environment["AWS_ACCESS_KEY_ID"], !key.isEmpty,
              let secret = environment["AWS_SECRET_ACCESS_KEY"], !secret.isEmpty
        else { throw MissingCredentials(description: "S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY") }
        let token = environment["AWS_SESSION_TOKEN"].flatMap { $0.isEmpty ? nil : $0 }
        return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: token)
    }

    /// Reads the `key=value` file described on the type.
    public static func fromFile(_ path: String) throws -> S3Credentials {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw MissingCredentials(description: "S3 credentials: cannot read \(path)")
        }
        var values: [String: String] = [:]
        for (number, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                // The line may hold a secret: say where it is, not what it says.
                throw MissingCredentials(description: "S3 credentials: \(path) line \(number + 1) is not key=value")
            }
            let name = line[..<equals].trimmingCharacters(in: .whitespaces)
            guard ["access_key_id", "secret_access_key", "session_token"].contains(name) else {
                throw MissingCredentials(description: "S3 credentials: \(path) line \(number + 1) has an unknown key \(name)")
            }
            values[name] = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard let key = values["access_key_id"], !key.isEmpty, let secret = values["secret_access_key"], !secret.isEmpty else {
            throw MissingCredentials(description: "S3 credentials: \(path) needs access_key_id= and secret_access_key= lines")
        }
        return S3Credentials(accessKeyID: key, secretAccessKey: secret, sessionToken: values["session_token"].flatMap { $0.isEmpty ? nil : $0 })
    }
}
