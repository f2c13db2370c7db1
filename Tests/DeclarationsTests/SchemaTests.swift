import AuditRecords
import Foundation
import Testing
@testable import Declarations

/// spec/declarations.schema.json must list exactly the fields the decoders accept: the same properties
/// for the document, its metadata, every kind's spec and every object nested in one, each closed with
/// `additionalProperties: false`.
@Suite struct SchemaTests {
    let schema: [String: Any]

    init() throws {
        let url = URL(fileURLWithPath: examplesDirectory).deletingLastPathComponent()
            .appendingPathComponent("spec/declarations.schema.json")
        schema = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any])
    }

    /// `tierSpec` for Tier.
    func specDefinition(of kind: DeclarationKind) -> String {
        kind.rawValue.prefix(1).lowercased() + kind.rawValue.dropFirst() + "Spec"
    }

    /// Follows `$ref`s to local definitions, and a list to its items.
    func resolved(_ node: [String: Any]) -> [String: Any] {
        if let ref = node["$ref"] as? String {
            let name = String(ref.dropFirst("#/$defs/".count))
            let definitions = schema["$defs"] as! [String: Any]
            return resolved(definitions[name] as! [String: Any])
        }
        if node["type"] as? String == "array", let items = node["items"] as? [String: Any] {
            return resolved(items)
        }
        return node
    }

    /// Checks one object schema against a table, recursively; `path` names it in failures.
    func check(_ node: [String: Any], against table: FieldTable, path: String) {
        let object = resolved(node)
        #expect(object["additionalProperties"] as? Bool == false, "\(path): additionalProperties is not false")
        let properties = object["properties"] as? [String: Any] ?? [:]
        #expect(Set(properties.keys) == Set(table.names),
                "\(path): the schema has \(properties.keys.sorted()), the decoders \(table.names.sorted())")
        for (name, value) in properties {
            let property = resolved(value as! [String: Any])
            if let nested = table.nested[name] {
                check(property, against: nested, path: "\(path).\(name)")
            } else {
                #expect(property["properties"] == nil, "\(path).\(name): the schema has fields the decoders do not know")
            }
        }
    }

    @Test func documentAndMetadataAgree() {
        check(schema, against: FieldTable.document, path: "document")
    }

    @Test(arguments: DeclarationKind.allCases)
    func specAgrees(kind: DeclarationKind) {
        let name = specDefinition(of: kind)
        let definitions = schema["$defs"] as! [String: Any]
        guard let spec = definitions[name] as? [String: Any] else {
            Issue.record("spec/declarations.schema.json has no $defs/\(name)")
            return
        }
        check(spec, against: FieldTable.spec(of: kind), path: name)
    }

    /// A Webhook's events are the audit log's actions, however that vocabulary grows.
    @Test func webhookEventsAreTheAuditActions() {
        let definitions = schema["$defs"] as! [String: Any]
        let actions = (definitions["auditAction"] as? [String: Any])?["enum"] as? [String]
        #expect(actions == AuditAction.allCases.map(\.rawValue))
    }

    /// Each kind's spec is bound to its definition, so the definitions checked above are the ones used.
    @Test func everyKindUsesItsSpecDefinition() {
        let rules = schema["allOf"] as! [[String: Any]]
        var bound: [String: String] = [:]
        for rule in rules {
            let kind = (((rule["if"] as? [String: Any])?["properties"] as? [String: Any])?["kind"] as? [String: Any])?["const"] as? String
            let spec = (((rule["then"] as? [String: Any])?["properties"] as? [String: Any])?["spec"] as? [String: Any])?["$ref"] as? String
            if let kind, let spec { bound[kind] = spec }
        }
        for kind in DeclarationKind.allCases {
            #expect(bound[kind.rawValue] == "#/$defs/\(specDefinition(of: kind))")
        }
    }
}
