import Declarations
import Foundation
import Reconciler
import Storage
import Testing

/// A plan lists the exceptions that lapse within 14 days, whatever it changes.
@Suite struct ExpiringExceptionTests {
    static let yaml = """
        apiVersion: berth.dev/v1alpha1
        kind: VulnerabilityException
        metadata: {name: soon}
        spec: {vulnerability: CVE-2099-1234, repositories: ["a/*"], expires: 2099-03-10, reason: reviewed, owner: security}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: VulnerabilityException
        metadata: {name: later}
        spec: {vulnerability: CVE-2099-5678, repositories: ["a/*"], expires: 2099-04-30, reason: reviewed}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: SecretException
        metadata: {name: fixture-key}
        spec: {rule: private-key, repositories: ["a/*"], expires: 2099-03-01, reason: a test key}

        """

    @Test func onlyThoseLapsingWithinFourteenDaysSoonestFirst() throws {
        let loaded = DeclarationLoader().load([DeclarationFile(path: "exceptions.yaml", contents: Data(Self.yaml.utf8))])
        try #require(!loaded.hasErrors, "\(loaded.errors)")
        let now = ISO8601DateFormatter().date(from: "2099-02-28T12:00:00Z")!
        let expiring = ExpiringException.within(loaded.state, now: now)
        #expect(expiring.map(\.name) == ["fixture-key", "soon"])
        #expect(expiring.map(\.sentence) == [
            "SecretException fixture-key (private-key) stops accepting findings at 2099-03-02T00:00:00Z, in 2 days",
            "VulnerabilityException soon (CVE-2099-1234) stops suppressing at 2099-03-10T00:00:00Z, in 10 days; owner security",
        ])
        let plan = try Reconciliation.plan(desired: loaded.state, provenance: Provenance(reference: "test"), live: LiveState(objects: [], fingerprint: ConfigurationObject.fingerprint(of: []), imageCounts: [:]), now: now)
        #expect(plan.expiringExceptions == expiring)
        let text = PlanRenderer.text(plan)
        #expect(text.contains("Expiring: VulnerabilityException soon (CVE-2099-1234) stops suppressing at 2099-03-10T00:00:00Z, in 10 days"), "\(text)")
        let decoded = try Plan.decode(plan.encoded())
        #expect(decoded.expiringExceptions == expiring, "a saved plan keeps them")
    }
}
