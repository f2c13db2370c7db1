import ContentAnalysis
import Foundation
import TestSupport
import Testing

@Suite struct ImageOnDiskTests {
    @Test func ociLayoutAndDockerArchiveGiveTheSameFindings() throws {
        let oci = try Scans.image("secrets", as: .oci)
        let docker = try Scans.image("secrets", as: .dockerArchive)
        #expect(docker.layers.count == 2)
        #expect(docker.layers.map(\.report.findings) == oci.layers.map(\.report.findings))
        #expect(docker.layers.allSatisfy { $0.mediaType == "application/vnd.docker.image.rootfs.diff.tar" })
        #expect(oci.layers.allSatisfy { $0.mediaType == "application/vnd.oci.image.layer.v1.tar+gzip" })
    }

    @Test func dockerArchiveLayerDigestsAreTheConfigsDiffIDs() throws {
        let folder = try TemporaryDirectory("docker-digests")
        let file = folder.url.appendingPathComponent("image.tar")
        try buildImageFixture("deleted-secret", as: .dockerArchive, at: file)
        let image = try ImageOnDisk.open("docker-archive:" + file.path)
        // The config names each uncompressed layer's digest; read it with tar and Python, not with Berth.
        let diffIDs = try run("sh", ["-c", """
            tar -xOf "$0" --wildcards '*.json' --exclude manifest.json | python3 -c 'import json,sys; print("\\n".join(json.load(sys.stdin)["rootfs"]["diff_ids"]))'
            """, file.path]).trimmedText
        #expect(image.layers.map(\.digest).joined(separator: "\n") == diffIDs)
    }

    @Test func sharedBaseLayersHaveEqualDigestsAndReports() throws {
        let a = try Scans.image("shared-base-a", as: .oci)
        let b = try Scans.image("shared-base-b", as: .oci)
        #expect(a.layers[0].digest == b.layers[0].digest)
        #expect(a.layers[0].report == b.layers[0].report)
        #expect(a.layers[1].digest != b.layers[1].digest)
        #expect(a.layers[0].report.findings == [try Scans.finding("stripe-live-key", "opt/base/settings.ini", line: 3, secret: "stripe_live_key")])
    }

    @Test func tagsSelectManifestsAndMistakesSayWhatExists() throws {
        let folder = try TemporaryDirectory("oci-tags")
        let layout = folder.url.appendingPathComponent("layout")
        try buildImageFixture("clean", as: .oci, at: layout)
        #expect(try ImageOnDisk.open("oci:\(layout.path):latest").layers.count == 1)
        #expect(try ImageOnDisk.open("oci:\(layout.path)").layers.count == 1)
        #expect(throws: ImageOnDiskError("no manifest tagged v2 in \(layout.path); tags: latest")) {
            try ImageOnDisk.open("oci:\(layout.path):v2")
        }
        #expect(throws: ImageOnDiskError("unknown image reference docker://x: use oci:DIR, oci:DIR:TAG or docker-archive:FILE")) {
            try ImageOnDisk.open("docker://x")
        }
    }

    @Test func scanProgressReachesTheTotal() throws {
        let folder = try TemporaryDirectory("oci-progress")
        let layout = folder.url.appendingPathComponent("layout")
        try buildImageFixture("secrets", as: .oci, at: layout)
        let image = try ImageOnDisk.open("oci:" + layout.path)
        nonisolated(unsafe) var last: (Int64, Int64) = (0, 0)
        _ = image.scan(with: LayerScanner()) { last = ($0, $1) }
        let total = image.layers.reduce(0) { $0 + $1.size }
        #expect(last == (total, total))
    }
}
