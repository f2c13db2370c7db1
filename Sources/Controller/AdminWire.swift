import Foundation
import Storage

/// JSON shapes of the admin API (documented in spec/admin-api.md).
enum AdminWire {
    struct Change: Codable, Sendable {
        var op: String
        var kind: String
        var name: String
        /// Canonical JSON of the spec, for `put`.
        var spec: String?

        init(_ change: ConfigurationChange) {
            switch change {
            case .put(let object):
                self.init(op: "put", kind: object.kind, name: object.name, spec: object.spec)
            case .delete(let kind, let name):
                self.init(op: "delete", kind: kind, name: name, spec: nil)
            }
        }

        init(op: String, kind: String, name: String, spec: String?) {
            self.op = op
            self.kind = kind
            self.name = name
            self.spec = spec
        }

        func change() throws(AdminAPIError) -> ConfigurationChange {
            switch op {
            case "put":
                guard let spec else { throw .invalid("change 'put' of \(kind) \(name) has no spec") }
                return .put(ConfigurationObject(kind: kind, name: name, spec: spec))
            case "delete":
                return .delete(kind: kind, name: name)
            default:
                throw .invalid("unknown change op '\(op)'; expected put or delete")
            }
        }
    }

    struct ApplyRequest: Codable, Sendable {
        var expectedFingerprint: String?
        var source: ConfigurationSource
        var changes: [Change]
    }

    struct Revisions: Codable, Sendable {
        var revisions: [ConfigurationRevision]
    }

    /// A robot's credential without the sealed token: what an operator needs to see.
    struct Robot: Codable, Sendable {
        var name: String
        var login: String
        var issuedAt: Date
        var expiresAt: Date
        var sealedTo: String
        var previousValidUntil: Date?

        init(_ credential: RobotCredential) {
            name = credential.robot
            login = "robot$" + credential.robot
            issuedAt = credential.issuedAt
            expiresAt = credential.expiresAt
            sealedTo = credential.recipient
            previousValidUntil = credential.previousValidUntil
        }
    }

    struct Robots: Codable, Sendable {
        var robots: [Robot]
    }

    /// The token sealed to the robot's consumer: `age -d -i KEY` opens it; nobody else can.
    struct SealedCredential: Codable, Sendable {
        var robot: Robot
        var sealed: String

        init(_ credential: RobotCredential) {
            robot = Robot(credential)
            sealed = credential.sealed
        }
    }

    struct SecurityEvents: Codable, Sendable {
        var events: [SecurityEvent]
    }

    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}

/// An admin API failure, answered as `{"errors":[{"code","message"}]}` like the registry's own errors.
public struct AdminAPIError: Error, Sendable, CustomStringConvertible {
    public var status: Int
    public var code: String
    public var message: String
    public var description: String { message }

    static func invalid(_ message: String) -> Self { .init(status: 400, code: "INVALID", message: message) }
    static let unauthorized = Self(status: 401, code: "UNAUTHORIZED", message: "admin credentials required")
}
