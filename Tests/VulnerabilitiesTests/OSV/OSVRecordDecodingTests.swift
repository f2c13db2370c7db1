import Foundation
import Testing
import Vulnerabilities

/// Records shaped like those of the real databases, written by hand.
@Suite struct OSVRecordDecodingTests {
    private func decode(_ json: String) throws -> OSVRecord {
        try OSVRecord.decode(Data(json.utf8))
    }

    private func decodingError(_ json: String) -> OSVRecordError? {
        do {
            _ = try OSVRecord.decode(Data(json.utf8))
            return nil
        } catch {
            return error
        }
    }

    @Test func gitHubAdvisoryForAnNpmPackage() throws {
        let record = try decode(
            """
            {
              "schema_version": "1.6.0",
              "id": "GHSA-p6mc-m468-83gw",
              "modified": "2024-03-01T12:00:00Z",
              "published": "2020-07-15T19:15:48Z",
              "aliases": ["CVE-2020-8203"],
              "summary": "Prototype Pollution in lodash",
              "details": "Versions of lodash prior to 4.17.19 are vulnerable.",
              "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H"}],
              "affected": [{
                "package": {"ecosystem": "npm", "name": "lodash", "purl": "pkg:npm/lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "3.7.0"}, {"fixed": "4.17.19"}]}],
                "database_specific": {"source": "https://github.com/advisories/GHSA-p6mc-m468-83gw/GHSA-p6mc-m468-83gw.json"}
              }],
              "references": [{"type": "ADVISORY", "url": "https://nvd.nist.gov/vuln/detail/CVE-2020-8203"}],
              "database_specific": {"cwe_ids": ["CWE-770"], "severity": "HIGH", "github_reviewed": true}
            }
            """)
        #expect(record.id == "GHSA-p6mc-m468-83gw")
        #expect(record.aliases == ["CVE-2020-8203"])
        #expect(record.modified == Date(timeIntervalSince1970: 1_709_294_400))
        #expect(record.withdrawn == nil)
        #expect(record.summary == "Prototype Pollution in lodash")
        #expect(record.severity == [.init(type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:N/I:H/A:H")])
        #expect(record.databaseSeverity == "HIGH")
        #expect(
            record.affected == [
                .init(
                    package: .init(ecosystem: "npm", name: "lodash", purl: "pkg:npm/lodash"),
                    ranges: [.init(type: .semver, events: [.introduced("3.7.0"), .fixed("4.17.19")])])
            ])
    }

    @Test func debianAdvisoryWithAnEcosystemRangeAndUrgency() throws {
        let record = try decode(
            """
            {
              "id": "DSA-5417-1",
              "modified": "2023-06-01T08:15:12.654321Z",
              "upstream": ["CVE-2023-2650"],
              "affected": [{
                "package": {"ecosystem": "Debian:12", "name": "openssl", "purl": "pkg:deb/debian/openssl?arch=source"},
                "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.0.9-1"}]}],
                "versions": ["3.0.8-1", "3.0.7-1"],
                "ecosystem_specific": {"urgency": "medium**"}
              }]
            }
            """)
        let affected = try #require(record.affected.first)
        #expect(affected.package == .init(ecosystem: "Debian:12", name: "openssl", purl: "pkg:deb/debian/openssl?arch=source"))
        #expect(affected.ranges == [.init(type: .ecosystem, events: [.introduced("0"), .fixed("3.0.9-1")])])
        #expect(affected.versions == ["3.0.8-1", "3.0.7-1"])
        #expect(affected.ecosystemSeverity == "medium**")
        let modified = try #require(record.modified)
        #expect(abs(modified.timeIntervalSince1970 - 1_685_607_312.654321) < 0.001)
    }

    @Test func alpineRecordWithoutSeverity() throws {
        let record = try decode(
            """
            {"id": "ALPINE-CVE-2023-5678", "modified": "2023-11-06T16:15:00Z", "affected": [{
              "package": {"ecosystem": "Alpine:v3.19", "name": "openssl"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "3.1.4-r1"}]}]}]}
            """)
        #expect(record.affected.first?.package == .init(ecosystem: "Alpine:v3.19", name: "openssl"))
        #expect(record.affected.first?.package?.purl == nil)
        #expect(record.severity.isEmpty)
        #expect(record.aliases.isEmpty)
        #expect(AdvisorySeverity(record: record) == nil)
    }

    @Test func pyPIRecordListingVersions() throws {
        let record = try decode(
            """
            {"id": "PYSEC-2021-108", "modified": "2021-06-16T00:00:00Z", "aliases": ["CVE-2021-33503", "GHSA-q2q7-5pp4-w6pg"],
             "affected": [{
               "package": {"ecosystem": "PyPI", "name": "urllib3", "purl": "pkg:pypi/urllib3"},
               "ranges": [{"type": "GIT", "repo": "https://github.com/urllib3/urllib3",
                           "events": [{"introduced": "0"}, {"fixed": "2ee6ffdbf7a1fc37c0fbaba28d4a7e4c65b5ba5f"}]},
                          {"type": "ECOSYSTEM", "events": [{"introduced": "1.25.4"}, {"fixed": "1.26.5"}]}],
               "versions": ["1.25.4", "1.25.5", "1.26.0", "1.26.4"]}]}
            """)
        let affected = try #require(record.affected.first)
        #expect(affected.versions == ["1.25.4", "1.25.5", "1.26.0", "1.26.4"])
        #expect(affected.ranges.map(\.type) == [.git, .ecosystem])
    }

    @Test func withdrawnRecord() throws {
        let record = try decode(
            #"{"id": "GHSA-xxxx-yyyy-zzzz", "modified": "2022-05-01T00:00:00Z", "withdrawn": "2022-04-30T10:00:00Z", "affected": []}"#)
        #expect(record.withdrawn == Date(timeIntervalSince1970: 1_651_312_800))
    }

    @Test func lastAffectedAndLimitEventsAndAnUnknownRangeType() throws {
        let record = try decode(
            """
            {"id": "OSV-2024-1", "affected": [{"package": {"ecosystem": "Maven", "name": "org.example:lib"},
              "ranges": [{"type": "ECOSYSTEM", "events": [{"introduced": "1.0"}, {"last_affected": "1.4"}, {"limit": "2.0"}]},
                         {"type": "SOMETHING_NEW", "events": [{"introduced": "a"}]}]}]}
            """)
        let ranges = try #require(record.affected.first?.ranges)
        #expect(ranges == [
            .init(type: .ecosystem, events: [.introduced("1.0"), .lastAffected("1.4"), .limit("2.0")]),
            .init(type: .unknown("SOMETHING_NEW"), events: [.introduced("a")]),
        ])
    }

    @Test func unknownFieldsAndOddFreeFormObjectsAreIgnored() throws {
        let record = try decode(
            """
            {"id": "X-1", "future_field": {"nested": [1, 2, 3]}, "database_specific": ["not", "an", "object"],
             "affected": [{"package": {"ecosystem": "npm", "name": "a", "extra": true}, "ecosystem_specific": {"severity": 3},
                           "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}], "database_specific": {"k": 1}}]}]}
            """)
        #expect(record.databaseSeverity == nil)
        #expect(record.affected.first?.ecosystemSeverity == nil)
        #expect(record.affected.first?.ranges.first?.events == [.introduced("0")])
    }

    @Test func gitOnlyEntryWithoutPackage() throws {
        let record = try decode(
            """
            {"id": "OSV-2020-1", "affected": [{"ranges": [{"type": "GIT", "repo": "https://example.org/r.git",
              "events": [{"introduced": "0"}]}], "versions": ["v1.0"]}]}
            """)
        #expect(record.affected.first?.package == nil)
    }

    @Test(arguments: [
        (#"{"summary": "no id"}"#, "id", "is missing"),
        (#"{"id": 42}"#, "id", "is not of the expected type String"),
        (#"{"id": "X", "modified": "yesterday"}"#, "modified", "\"yesterday\" is not an RFC 3339 timestamp"),
        (#"{"id": "X", "affected": [{"package": {"name": "a"}}]}"#, "affected[0].package.ecosystem", "is missing"),
        (#"{"id": "X", "affected": [{"ranges": [{"events": []}]}]}"#, "affected[0].ranges[0].type", "is missing"),
        (#"{"id": "X", "affected": [{}, {"ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": null}]}]}]}"#,
         "affected[1].ranges[0].events[1].fixed", "is null where String was expected"),
        (#"{"id": "X", "severity": [{"type": "CVSS_V3"}]}"#, "severity[0].score", "is missing"),
    ])
    func malformedFieldIsNamed(json: String, fieldPath: String, problem: String) {
        let error = decodingError(json)
        #expect(error == OSVRecordError(fieldPath: fieldPath, problem: problem))
    }

    @Test func eventWithTwoKindsIsRejectedAtItsPath() throws {
        let error = try #require(decodingError(
            #"{"id": "X", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduced": "1.0.0", "fixed": "1.0.2"}]}]}]}"#))
        #expect(error.fieldPath == "affected[0].ranges[0].events[0]")
        #expect(error.problem.contains("found introduced, fixed"))
        #expect(error.description.hasPrefix("affected[0].ranges[0].events[0]: an event holds exactly one of"))
    }

    @Test func eventWithNoKnownKindIsRejected() throws {
        let error = try #require(decodingError(
            #"{"id": "X", "affected": [{"ranges": [{"type": "SEMVER", "events": [{"introduce": "1.0.0"}]}]}]}"#))
        #expect(error.fieldPath == "affected[0].ranges[0].events[0]")
        #expect(error.problem.hasSuffix("found none"))
    }

    @Test func invalidJSONBlamesTheDocument() throws {
        let error = try #require(decodingError(#"{"id": "X", "#))
        #expect(error.fieldPath == "")
        #expect(error.description.hasPrefix("the record: "))
    }
}
