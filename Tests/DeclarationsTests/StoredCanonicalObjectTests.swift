import Testing
import Declarations

/// Stored objects are read back as strictly as YAML: nothing the canonical form would not write gets in.
@Suite struct StoredCanonicalObjectTests {
    func message(kind: String = "Tier", name: String = "basic", _ json: String) -> String? {
        do {
            _ = try CanonicalObject(kind: kind, name: name, canonicalJSON: json, keyChecks: injectedKeyChecks)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test func aSignerKeyOrCertificateTheVerifierRefusesIsRefusedAsInYAML() {
        let shortRSA = "-----BEGIN PUBLIC KEY-----\\nMIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDHWdFQ5QlQvMUZBvE0ESIpaARqx/iW1HzjgaqLaI21kAiwjUWbWrEiey2KqoG07jZHo5B+AhMqzjSjGOjZRA/0E7mAUPPIRXNJm3ZaWF7gjMlLEDoUmePB2RUv3vkjTRNGCcO7rPN6+5uh+UjGHL/k+Xu+nQ6oReccMypVbVTqYwIDAQAB\\n-----END PUBLIC KEY-----"
        #expect(message(kind: "Signer", name: "short", #"{"kind":"Signer","name":"short","spec":{"publicKeys":["\#(shortRSA)"]}}"#)
            == "Signer 'short': spec.publicKeys[0]: unusable key: an RSA key of 1024 bits; RSA keys must have at least 2048 bits")
        #expect(message(kind: "Signer", name: "none", #"{"kind":"Signer","name":"none","spec":{}}"#)
            == "Signer 'none': spec.publicKeys: a Signer needs publicKeys, certificates or both")
    }

    @Test func unknownTopLevelFieldIsRefused() {
        #expect(message(#"{"anonymousPull":true,"kind":"Tier","name":"basic","spec":{}}"#)
            == "Tier 'basic': unknown top-level field 'anonymousPull'; expected one of: annotations, kind, labels, name, spec")
    }

    @Test func unknownSpecFieldIsRefused() {
        #expect(message(#"{"kind":"Tier","name":"basic","spec":{"anonymousPul":true}}"#)
            == "Tier 'basic': spec.anonymousPul: unknown field; expected one of: description, anonymousPull, scanning, signing, retention, immutableTags, quota")
        #expect(message(#"{"kind":"Tier","name":"basic","spec":{"retention":{"keepFirst":1}}}"#)
            == "Tier 'basic': spec.retention.keepFirst: unknown field; expected one of: keepLast, keepPulledWithin, keepPushedWithin, protect")
    }

    @Test(arguments: [
        ("not json", "Tier 'basic': the stored object is not valid JSON: invalid JSON at byte 0: "),
        (#"["spec"]"#, "Tier 'basic': the stored object is a list, expected an object with kind, name and spec"),
        (#"{"kind":"Tier","name":"basic"}"#, "Tier 'basic': spec: missing required field"),
        (#"{"kind":"Tier","name":"basic","spec":[]}"#, "Tier 'basic': spec: expected an object, found a list"),
        (#"{"kind":"Role","name":"basic","spec":{}}"#, "Tier 'basic': the stored object's kind is \"Role\", expected \"Tier\""),
        (#"{"kind":"Tier","name":"other","spec":{}}"#, "Tier 'basic': the stored object's name is \"other\", expected \"basic\""),
        (#"{"kind":"Tier","name":1,"spec":{}}"#, "Tier 'basic': the stored object's name is 1, expected \"basic\""),
        (#"{"kind":"Tier","labels":["a"],"name":"basic","spec":{}}"#, "Tier 'basic': labels: expected an object, found a list"),
        (#"{"annotations":{"a":true},"kind":"Tier","name":"basic","spec":{}}"#, "Tier 'basic': annotations: expected string values, found a boolean"),
        (#"{"kind":"Tier","name":"basic","spec":{"anonymousPull":"maybe"}}"#, "Tier 'basic': spec.anonymousPull: expected a boolean, found a string"),
        (#"{"kind":"Tier","name":"basic","spec":{"retention":{"keepLast":"20"}}}"#, "Tier 'basic': spec.retention.keepLast: expected an integer, found a string"),
    ])
    func wrongShapesAndTypesAreRefused(json: String, expected: String) {
        let found = message(json)
        #expect(found?.hasPrefix(expected) == true, "\(found ?? "accepted")")
    }

    @Test func unknownKindIsRefused() {
        #expect(message(kind: "Gadget", #"{"kind":"Gadget","name":"basic","spec":{}}"#)
            == "Gadget 'basic': unknown kind; expected one of: Tier, Repository, Role, RoleBinding, User, Team, RobotAccount, Signer, VulnerabilityException, SecretRule, SecretException, Webhook")
    }

    @Test func robotKeysGetTheInjectedCheck() {
        let short = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAAAgQDVsqME+jGs3fFjK6CnuOeJcmEQrjlleLrWEiUb1fIdYAmiggOEKLL66WOH/GotswLTN+iGuGztYwmm0sRcnO2A6hxn7O+aoQe9cl+Lyq1pTtL4h+Lbinj/xLd6p9UQyY+SwzWyNTZ5bv1CgN1wa0qv9rQG+lKnFlxisEFE6eF5SQ=="
        let json = #"{"kind":"RobotAccount","name":"ci","spec":{"deliverTo":{"recipientPublicKey":"\#(short)"},"expiresIn":"90d"}}"#
        #expect(message(kind: "RobotAccount", name: "ci", json)
            == "RobotAccount 'ci': spec.deliverTo.recipientPublicKey: invalid key: tokens cannot be sealed to it: RSA recipient key has 1024 bits; at least 2048 bits are required")
        #expect((try? CanonicalObject(kind: "RobotAccount", name: "ci", canonicalJSON: json)) != nil,
                "the structural check alone cannot see the key's size")
    }

    @Test func everyExampleRoundTrips() throws {
        let objects = CanonicalFormTests.examples.state.canonicalObjects()
        #expect(!objects.isEmpty)
        for object in objects {
            let back = try CanonicalObject(kind: object.kind.rawValue, name: object.name,
                                           canonicalJSON: object.canonicalJSONString, keyChecks: injectedKeyChecks)
            #expect(back == object)
        }
    }
}
