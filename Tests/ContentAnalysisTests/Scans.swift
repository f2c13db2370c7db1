import ContentAnalysis
import Crypto
import Foundation
import TestSupport

/// Builds fixtures with images.py and scans them, each in its own temporary folder.
enum Scans {
    static let secrets: Result<[String: String], any Error> = Result { try plantedSecrets() }

    static func secret(_ name: String) throws -> String {
        guard let value = try secrets.get()[name] else { throw TestFailure("images.py plants no secret named \(name)") }
        return value
    }

    static func sha256(_ text: String) -> String {
        "sha256:" + SHA256.hash(data: Array(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A finding for planted secret `name`: its preview and fingerprint computed here from the planted value.
    static func finding(_ rule: String, _ path: String, line: Int, secret name: String) throws -> SecretFinding {
        let value = try secret(name)
        return SecretFinding(rule: rule, path: path, line: line, preview: String(value.prefix(4)) + "…", fingerprint: sha256(value))
    }

    /// Scans layer `index` of fixture `name`, with the media type images.py gave it, or `mediaType` when given
    /// (`.some(nil)` sniffs).
    static func layer(_ name: String, index: Int = 0, mediaType: String?? = nil, scanner: LayerScanner = LayerScanner(),
                      progress: ((Int64) -> Void)? = nil) throws -> (report: LayerReport, fixture: LayerFixture) {
        let folder = try TemporaryDirectory("scan-\(name)")
        let file = folder.url.appendingPathComponent("layer")
        let fixture = try buildLayerFixture(name, index: index, at: file)
        return (try scanFile(file, mediaType: mediaType ?? fixture.mediaType, scanner: scanner, progress: progress), fixture)
    }

    static func scanFile(_ file: URL, mediaType: String?, scanner: LayerScanner = LayerScanner(),
                         progress: ((Int64) -> Void)? = nil) throws -> LayerReport {
        let descriptor = open(file.path, O_RDONLY)
        guard descriptor >= 0 else { throw TestFailure("cannot open \(file.path)") }
        defer { close(descriptor) }
        var source = FileDescriptorSource(descriptor: descriptor)
        return scanner.scan(mediaType: mediaType, source: &source, progress: progress)
    }

    /// Builds fixture `name` in `form` and scans the whole image.
    static func image(_ name: String, as form: ImageFixtureForm, scanner: LayerScanner = LayerScanner()) throws -> ImageReport {
        let folder = try TemporaryDirectory("image-\(name)")
        let target = folder.url.appendingPathComponent(form == .oci ? "layout" : "image.tar")
        try buildImageFixture(name, as: form, at: target)
        let prefix = form == .oci ? "oci:" : "docker-archive:"
        return try ImageOnDisk.open(prefix + target.path).scan(with: scanner, progress: nil)
    }
}
