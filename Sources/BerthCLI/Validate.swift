import ArgumentParser
import Reconciler
import Foundation

struct Validate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check declarations and report every problem as file:line:column: message.",
        discussion: "Exits 0 when the declarations are valid (warnings allowed), 1 otherwise.")

    @Argument(help: "Folder of declarations.")
    var folder: String?

    @OptionGroup var source: SourceOptions

    func run() async throws {
        let loaded = try source.reader.read(try source.source(positional: folder))
        for diagnostic in loaded.result.diagnostics.sorted(by: { ($0.file, $0.line, $0.column) < ($1.file, $1.line, $1.column) }) {
            FileHandle.standardError.write(Data("\(diagnostic)\n".utf8))
        }
        let errors = loaded.result.errors.count
        let warnings = loaded.result.warnings.count
        let origin = loaded.provenance.commit.map { "commit \($0.prefix(12))" } ?? loaded.provenance.reference
        if errors > 0 {
            FileHandle.standardError.write(Data("\(errors) error(s), \(warnings) warning(s) in \(loaded.result.files.count) file(s) of \(origin)\n".utf8))
            throw ExitCode(1)
        }
        print("valid: \(loaded.result.files.count) file(s) of \(origin), \(warnings) warning(s)")
    }
}
