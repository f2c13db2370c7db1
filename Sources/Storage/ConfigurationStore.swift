import Crypto
import Foundation
import WireFormats

/// One object of the live configuration, as the reconciler stores it: its kind, its name and its spec
/// in canonical JSON (sorted keys, no whitespace), so equal specs are equal strings.
public struct ConfigurationObject: Sendable, Hashable, Codable {
    public var kind: String
    public var name: String
    public var spec: String

    public init(kind: String, name: String, spec: String) {
        self.kind = kind
        self.name = name
        self.spec = spec
    }

    /// A digest of a whole configuration, independent of the order objects are given in.
    public static func fingerprint(of objects: [ConfigurationObject]) -> String {
        var hasher = SHA256()
        objects.withUnsafeBufferPointer { objects in
            // By kind, then name (String order, as a tuple compares). Positions are sorted rather than the
            // objects, which would be copied; the sort is stable and takes runs already in order (the store
            // reads ORDER BY kind, name; desired objects come grouped by kind) in a single pass.
            func precedes(_ a: Int, _ b: Int) -> Bool {
                if objects[a].kind != objects[b].kind { return objects[a].kind < objects[b].kind }
                return objects[a].name < objects[b].name
            }
            var order = Array(objects.indices)
            order.sort(by: precedes)
            // `kind NUL name NUL spec LF` per object, built in one reused buffer.
            var line: [UInt8] = []
            for index in order {
                line.removeAll(keepingCapacity: true)
                line.append(contentsOf: objects[index].kind.utf8)
                line.append(0)
                line.append(contentsOf: objects[index].name.utf8)
                line.append(0)
                line.append(contentsOf: objects[index].spec.utf8)
                line.append(UInt8(ascii: "\n"))
                line.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            }
        }
        return Hex.string(hasher.finalize(), prefix: "sha256:")
    }
}

public enum ConfigurationChange: Sendable, Hashable, Codable {
    case put(ConfigurationObject)
    case delete(kind: String, name: String)
}

/// Who changed the configuration, and from what.
public struct ConfigurationSource: Sendable, Hashable, Codable {
    /// `reconciler` for changes from declarations, `admin-api` for changes made directly.
    public var actor: String
    public var commit: String?
    public var author: String?
    public var summary: String
    /// The plan as rendered for review (text) when it was applied; nil for changes made directly through the admin API,
    /// and for revisions stored before plans were kept.
    public var plan: String?

    public init(actor: String, commit: String? = nil, author: String? = nil, summary: String, plan: String? = nil) {
        self.actor = actor
        self.commit = commit
        self.author = author
        self.summary = summary
        self.plan = plan
    }
}

/// One applied change set.
public struct ConfigurationRevision: Sendable, Hashable, Codable {
    public var id: Int64
    public var appliedAt: Date
    public var source: ConfigurationSource
    public var changeCount: Int
    public var fingerprintBefore: String
    public var fingerprintAfter: String

    /// Public for drivers outside this module (the PostgreSQL store).
    public init(id: Int64, appliedAt: Date, source: ConfigurationSource, changeCount: Int, fingerprintBefore: String, fingerprintAfter: String) {
        self.id = id
        self.appliedAt = appliedAt
        self.source = source
        self.changeCount = changeCount
        self.fingerprintBefore = fingerprintBefore
        self.fingerprintAfter = fingerprintAfter
    }
}

public enum ConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The live configuration is not the one the change set was computed against.
    case stale(expected: String, actual: String)

    public var description: String {
        switch self {
        case .stale(let expected, let actual):
            "the live configuration changed since the plan was made (plan expects \(expected), registry has \(actual)); make a new plan"
        }
    }
}

/// The registry's live configuration: the objects the reconciler applies, with their history.
///
/// `apply` is all-or-nothing: either every change of the set lands in one transaction, or none does.
public protocol ConfigurationStore: Sendable {
    func configuration() async throws -> (objects: [ConfigurationObject], fingerprint: String)
    /// Applies the changes atomically. With `expectedFingerprint`, refuses (`ConfigurationError.stale`)
    /// unless the live configuration still has that fingerprint.
    func apply(_ changes: [ConfigurationChange], expectedFingerprint: String?, source: ConfigurationSource) async throws -> ConfigurationRevision
    /// Most recent first.
    func revisions(limit: Int) async throws -> [ConfigurationRevision]
}
