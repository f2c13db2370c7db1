import Foundation
import Testing
import Vulnerabilities

@Suite struct AliasTests {
    private let cvss = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"

    private func database() throws -> VulnerabilityDatabase {
        VulnerabilityDatabase(advisories: try [
            advisory(rangeRecord(id: "DEBIAN-CVE-2024-1", ecosystem: "Debian:12", name: "libxml2", events: #"{"introduced": "0"}"#, extra: #", "upstream": ["CVE-2024-1"]"#)),
            advisory(rangeRecord(id: "DSA-9-1", ecosystem: "Debian:12", name: "libxml2", events: #"{"introduced": "0"}"#, extra: #", "aliases": ["CVE-2024-1", "CVE-2024-2"]"#)),
            advisory(
                rangeRecord(
                    id: "GHSA-aaaa", ecosystem: "PyPI", name: "lxml", events: #"{"introduced": "0"}"#,
                    extra: #", "aliases": ["CVE-2024-1"], "severity": [{"type": "CVSS_V3", "score": "\#(cvss)"}]"#)),
            advisory(
                rangeRecord(
                    id: "GHSA-bbbb", ecosystem: "PyPI", name: "other", events: #"{"introduced": "0"}"#,
                    extra: #", "aliases": ["CVE-2024-1"], "database_specific": {"severity": "LOW"}"#)),
            advisory(rangeRecord(id: "ALPINE-CVE-2030-5", ecosystem: "Alpine:v3.18", name: "x", events: #"{"introduced": "0"}"#)),
        ])
    }

    @Test func aCVEFindsEveryAdvisoryThatNamesIt() throws {
        let db = try database()
        #expect(db.advisories(namedOrAliased: "CVE-2024-1").map(\.id) == ["DEBIAN-CVE-2024-1", "DSA-9-1", "GHSA-aaaa", "GHSA-bbbb"])
        #expect(db.advisories(namedOrAliased: "CVE-2024-2").map(\.id) == ["DSA-9-1"])
        #expect(db.advisories(namedOrAliased: "GHSA-aaaa").map(\.id) == ["GHSA-aaaa"])
        #expect(db.advisories(namedOrAliased: "CVE-1999-0").isEmpty)
    }

    @Test func aMatchIsNamedByItsIDAliasesAndUpstream() throws {
        let db = try database()
        let matches = db.matches(PackageQuery(ecosystem: "Debian:12", name: "libxml2", version: "2.9.14+dfsg-1.3"))
        #expect(matches.map(\.advisory) == ["DEBIAN-CVE-2024-1", "DSA-9-1"])
        func names(_ match: VulnerabilityMatch) -> Set<String> { Set([match.advisory] + match.aliases + match.upstream) }
        #expect(matches.allSatisfy { names($0).contains("CVE-2024-1") })
        #expect(matches.map { names($0).contains("CVE-2024-2") } == [false, true])
    }

    @Test func anAdvisoryWithoutSeverityBorrowsTheHighestOfItsAliases() throws {
        let db = try database()
        let borrowed = db.advisories(namedOrAliased: "DEBIAN-CVE-2024-1").first?.severity
        #expect(borrowed == AdvisorySeverity(level: .critical, score: 9.8, vector: cvss, source: "alias GHSA-aaaa"))
        let match = db.matches(PackageQuery(ecosystem: "Debian:12", name: "libxml2", version: "2.9.14+dfsg-1.3")).first
        #expect(match?.severity?.source == "alias GHSA-aaaa")
        #expect(db.advisories(namedOrAliased: "GHSA-bbbb").first?.severity?.source == "database_specific")
        #expect(db.advisories(namedOrAliased: "ALPINE-CVE-2030-5").first?.severity == nil)
    }
}
