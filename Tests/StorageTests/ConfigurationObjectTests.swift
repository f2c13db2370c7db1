import Storage
import Testing

@Suite struct ConfigurationObjectTests {
    @Test func fingerprintIgnoresOrderButNotContent() {
        let tier = ConfigurationObject(kind: "Tier", name: "internal", spec: #"{"anonymousPull":false}"#)
        let repository = ConfigurationObject(kind: "Repository", name: "payments/api", spec: #"{"tier":"internal"}"#)
        #expect(ConfigurationObject.fingerprint(of: [tier, repository]) == ConfigurationObject.fingerprint(of: [repository, tier]))
        var other = tier
        other.spec = "{}"
        #expect(ConfigurationObject.fingerprint(of: [other, repository]) != ConfigurationObject.fingerprint(of: [tier, repository]))
    }
}
