import Foundation
import Testing
import Vulnerabilities

@Suite struct AdvisoryTests {
    private let record = """
        {"id": "GHSA-r", "aliases": ["CVE-2024-7"], "modified": "2024-03-01T12:00:00.5Z", "summary": "Prototype pollution",
         "details": "Long text that the advisory leaves out.",
         "severity": [{"type": "CVSS_V4", "score": "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"}],
         "affected": [
           {"package": {"ecosystem": "npm", "name": "lodash"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "4.17.21"}]},
                       {"type": "GIT", "repo": "https://example.com/lodash", "events": [{"introduced": "0"}, {"fixed": "abc"}]},
                       {"type": "FUTURE", "events": [{"introduced": "0"}, {"limit": "*"}]}],
            "versions": ["4.17.20"]},
           {"ranges": [{"type": "GIT", "repo": "https://example.com/x", "events": [{"introduced": "0"}]}]}]}
        """

    @Test func keepsWhatMatchingNeeds() throws {
        let converted = try advisory(record)
        #expect(converted.id == "GHSA-r")
        #expect(converted.aliases == ["CVE-2024-7"])
        #expect(converted.summary == "Prototype pollution")
        #expect(converted.withdrawn == false)
        #expect(converted.severity?.score == 9.3)
        #expect(converted.severity?.source == "CVSS_V4")
        #expect(converted.affected.count == 1)
        #expect(converted.affected.first?.ranges.map(\.type) == [.semver, .unknown("FUTURE")])
        #expect(converted.affected.first?.versions == ["4.17.20"])
    }

    @Test func theStoredJSONReadsBackTheSame() throws {
        let converted = try advisory(record)
        let stored = try converted.jsonData()
        #expect(try Advisory(jsonData: stored) == converted)
        let text = String(decoding: stored, as: UTF8.self)
        #expect(text.contains(#""type":"SEMVER""#) && text.contains(#"{"fixed":"4.17.21"}"#))
    }

    @Test func storedRowsDecodeInOrderAndABrokenRowIsNamed() throws {
        let rows = try (0..<600).map { try Advisory(id: "GHSA-\($0)").jsonData() }
        #expect(try Advisory.decode(rows: rows).map(\.id) == (0..<600).map { "GHSA-\($0)" })
        let broken = rows + [Data("{}".utf8)]
        let error = #expect(throws: AdvisoryRowError.self) { try Advisory.decode(rows: broken) }
        #expect(error?.row == 600)
    }
}
