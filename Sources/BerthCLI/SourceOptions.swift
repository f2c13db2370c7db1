import ArgumentParser
import Declarations
import Foundation
import Reconciler
import Server

/// `PATH` | `--declarations PATH` | `--git URL --ref REF [--path DIR]`, shared by every command that reads declarations.
struct SourceOptions: ParsableArguments {
    @Option(name: .long, help: "Folder of declarations.")
    var declarations: String?

    @Option(help: "Git repository (local path or URL) holding the declarations.")
    var git: String?

    @Option(help: "Branch, tag or commit of --git.")
    var ref: String = "main"

    @Option(help: "Folder inside the git repository holding the declarations.")
    var path: String?

    @Option(help: "Where remote git repositories are mirrored.")
    var gitCache: String = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache/berth/git").path

    func source(positional: String? = nil) throws -> DeclarationSource {
        switch (positional ?? declarations, git) {
        case (let folder?, nil): return .folder(folder)
        case (nil, let url?): return .git(url: url, ref: ref, path: path)
        case (.some, .some): throw ValidationError("give either a folder of declarations or --git, not both")
        case (nil, nil): throw ValidationError("give a folder of declarations (PATH or --declarations) or --git URL --ref REF")
        }
    }

    var reader: DeclarationReader { DeclarationReader(cacheDirectory: URL(fileURLWithPath: gitCache), loader: DeclarationLoader(keyChecks: .server)) }
}
