import HTTPTypes
import AuditRecords
import Foundation
import Storage

/// JSON shapes of the admin API (documented in spec/admin-api.md).
public enum AdminWire {
    public struct Change: Codable, Sendable {
        public var op: String
        public var kind: String
        public var name: String
        /// Canonical JSON of the spec, for `put`.
        public var spec: String?

        public init(_ change: ConfigurationChange) {
            switch change {
            case .put(let object):
                self.init(op: "put", kind: object.kind, name: object.name, spec: object.spec)
            case .delete(let kind, let name):
                self.init(op: "delete", kind: kind, name: name, spec: nil)
            }
        }

        public init(op: String, kind: String, name: String, spec: String?) {
            self.op = op
            self.kind = kind
            self.name = name
            self.spec = spec
        }

        public func change() throws(AdminAPIError) -> ConfigurationChange {
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

    public struct ApplyRequest: Codable, Sendable {
        public var expectedFingerprint: String?
        public var source: ConfigurationSource
        public var changes: [Change]
        /// Deleted Repository declarations whose repositories, once no declaration governs them, lose their images
        /// (an apply with `--allow-destroy`).
        public var prune: [String]?

        public init(expectedFingerprint: String?, source: ConfigurationSource, changes: [Change], prune: [String]? = nil) {
            self.expectedFingerprint = expectedFingerprint
            self.source = source
            self.changes = changes
            self.prune = prune
        }
    }

    public struct Revisions: Codable, Sendable {
        public var revisions: [ConfigurationRevision]

        public init(revisions: [ConfigurationRevision]) { self.revisions = revisions }
    }

    /// A robot's credential without the sealed token: what an operator needs to see.
    public struct Robot: Codable, Sendable {
        public var name: String
        public var login: String
        public var issuedAt: Date
        public var expiresAt: Date
        public var sealedTo: String
        public var previousValidUntil: Date?

        public init(_ credential: RobotCredential) {
            name = credential.robot
            login = "robot$" + credential.robot
            issuedAt = credential.issuedAt
            expiresAt = credential.expiresAt
            sealedTo = credential.recipient
            previousValidUntil = credential.previousValidUntil
        }
    }

    public struct Robots: Codable, Sendable {
        public var robots: [Robot]

        public init(robots: [Robot]) { self.robots = robots }
    }

    /// The token sealed to the robot's consumer: `age -d -i KEY` opens it; nobody else can.
    public struct SealedCredential: Codable, Sendable {
        public var robot: Robot
        public var sealed: String

        public init(_ credential: RobotCredential) {
            robot = Robot(credential)
            sealed = credential.sealed
        }
    }

    /// Where the next page of `GET /admin/v1/audit` starts (its `since`); absent at the end of the log.
    public static let auditNextHeader = HTTPField.Name("Berth-Audit-Next")!

    /// The security records of the audit log, newest first, in the shape this endpoint had before they moved there.
    public struct SecurityEvents: Codable, Sendable {
        public struct Event: Codable, Sendable {
            public var time: Date
            /// The audit action (`access-denied`, `authentication-failed`, …).
            public var kind: String
            public var subject: String
            public var address: String
            public var action: String
            public var reason: String
            /// The audit record's sequence number, to find it in the log.
            public var sequence: UInt64

            public init(_ record: AuditRecord) {
                time = record.event.time
                kind = record.event.action.rawValue
                subject = record.event.actor
                address = record.event.address ?? "-"
                action = record.event.details["attempt"] ?? record.event.action.rawValue
                reason = record.event.details["reason"] ?? ""
                sequence = record.sequence
            }
        }

        public var events: [Event]

        public init(events: [Event]) { self.events = events }
    }

    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    public static let decoder: JSONDecoder = {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }()
}
