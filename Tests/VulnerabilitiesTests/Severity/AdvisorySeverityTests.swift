import Testing
import Vulnerabilities

@Suite struct AdvisorySeverityTests {
    private let critical31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"  // 9.8
    private let medium31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N"  // 6.1
    private let critical40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"  // 9.3

    @Test func theHighestComputedCVSSScoreWinsOverWords() {
        let record = OSVRecord(
            id: "GHSA-1",
            severity: [.init(type: "CVSS_V3", score: medium31), .init(type: "CVSS_V4", score: critical40)],
            affected: [.init(package: nil, ecosystemSeverity: "low")],
            databaseSeverity: "LOW")
        #expect(AdvisorySeverity(record: record) == .init(level: .critical, score: 9.3, vector: critical40, source: "CVSS_V4"))
    }

    @Test func aHigherV3ScoreWinsOverALowerV4One() {
        let record = OSVRecord(id: "X", severity: [.init(type: "CVSS_V4", score: critical40), .init(type: "CVSS_V3", score: critical31)])
        #expect(AdvisorySeverity(record: record) == .init(level: .critical, score: 9.8, vector: critical31, source: "CVSS_V3"))
    }

    @Test func aPackageVectorCountsForTheAdvisoryAndTheEntry() {
        let entry = OSVRecord.Affected(package: .init(ecosystem: "npm", name: "a"), severity: [.init(type: "CVSS_V3", score: critical31)])
        let record = OSVRecord(id: "X", affected: [entry], databaseSeverity: "LOW")
        #expect(AdvisorySeverity(record: record)?.source == "CVSS_V3")
        #expect(AdvisorySeverity(affected: entry)?.score == 9.8)
    }

    @Test func thenTheDatabaseWordThenEcosystemWordsThenUbuntu() {
        let ubuntu = OSVRecord.Severity(type: "Ubuntu", score: "high")
        let words = OSVRecord(
            id: "X", severity: [ubuntu], affected: [.init(package: nil, ecosystemSeverity: "critical")], databaseSeverity: "MODERATE")
        #expect(AdvisorySeverity(record: words) == .init(level: .medium, source: "database_specific"))
        let ecosystem = OSVRecord(
            id: "X", severity: [ubuntu],
            affected: [.init(package: nil, ecosystemSeverity: "low"), .init(package: nil, ecosystemSeverity: "unimportant")])
        #expect(AdvisorySeverity(record: ecosystem) == .init(level: .low, source: "ecosystem_specific"))
        #expect(AdvisorySeverity(record: OSVRecord(id: "X", severity: [ubuntu])) == .init(level: .high, source: "Ubuntu"))
    }

    @Test func unreadableSeveritiesStateNone() {
        let record = OSVRecord(
            id: "X",
            severity: [
                .init(type: "CVSS_V2", score: "AV:N/AC:L/Au:N/C:P/I:P/A:P"),
                .init(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N"),
            ],
            affected: [.init(package: nil, ecosystemSeverity: "not yet assigned")],
            databaseSeverity: "UNKNOWN")
        #expect(AdvisorySeverity(record: record) == nil)
    }
}
