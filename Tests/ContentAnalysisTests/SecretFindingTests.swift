import ContentAnalysis
import Foundation
import TestSupport
import Testing

/// Every planted secret is found exactly: rule, path, line, preview, and the fingerprint of the planted value.
@Suite struct SecretFindingTests {
    @Test func secretsAcrossTwoLayersAreFoundExactly() throws {
        let image = try Scans.image("secrets", as: .oci)
        #expect(image.layers.map(\.index) == [0, 1])
        #expect(image.layers.allSatisfy { $0.report.outcome == .scanned })
        #expect(image.layers[0].report.findings == [
            try Scans.finding("aws-access-key-id", "app/.env", line: 3, secret: "aws_access_key_id"),
            try Scans.finding("aws-secret-access-key", "app/.env", line: 4, secret: "aws_secret_access_key"),
            try Scans.finding("private-key", "root/.ssh/id_rsa", line: 1, secret: "rsa_private_key"),
        ])
        #expect(image.layers[1].report.findings == [
            try Scans.finding("github-token", "etc/app/config.yaml", line: 5, secret: "github_token"),
        ])
    }

    @Test func aZstdLayerIsScanned() throws {
        let (report, fixture) = try Scans.layer("zstd")
        #expect(fixture.mediaType == "application/vnd.oci.image.layer.v1.tar+zstd")
        #expect(report.outcome == .scanned)
        #expect(report.findings == [
            try Scans.finding("google-api-key", "app/secrets.txt", line: 2, secret: "google_api_key"),
            try Scans.finding("slack-webhook-url", "app/secrets.txt", line: 3, secret: "slack_webhook_url"),
            try Scans.finding("gitlab-token", "app/secrets.txt", line: 4, secret: "gitlab_token"),
            try Scans.finding("generic-password", "app/secrets.txt", line: 5, secret: "generic_password"),
        ])
    }

    @Test func oneSecretAmongTenThousandFiles() throws {
        let (report, _) = try Scans.layer("many-files")
        #expect(report.outcome == .scanned)
        #expect(report.entries == 10_002)
        #expect(report.findings == [try Scans.finding("slack-token", "srv/data/file-04321.txt", line: 2, secret: "slack_token")])
    }

    @Test func lookAlikesPlaceholdersAndDocumentationAreNotFindings() throws {
        let (report, _) = try Scans.layer("look-alikes")
        #expect(report.outcome == .scanned)
        #expect(report.findings == [])
        // The same real-looking token outside documentation and in a text file is found: the silence above is the
        // path and the sniffing, not a blind pattern.
        let token = try Scans.secret("doc_github_token")
        let folder = try TemporaryDirectory("look-alike-control")
        try FileManager.default.createDirectory(at: folder.url.appendingPathComponent("tree/app"), withIntermediateDirectories: true)
        try folder.write("tree/app/README.md", "GITHUB_TOKEN=\(token)\n")
        let layer = folder.url.appendingPathComponent("layer.tar")
        try run("tar", ["--create", "--file", layer.path, "--directory", folder.url.appendingPathComponent("tree").path, "app"])
        let control = try Scans.scanFile(layer, mediaType: "application/vnd.oci.image.layer.v1.tar")
        #expect(control.findings == [try Scans.finding("github-token", "app/README.md", line: 1, secret: "doc_github_token")])
    }

    @Test func aCleanImageHasNoFindings() throws {
        let (report, _) = try Scans.layer("clean")
        #expect(report.outcome == .scanned)
        #expect(report.findings == [])
        #expect(report.entries == 8)
    }
}
