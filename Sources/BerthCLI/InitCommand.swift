import ArgumentParser
import Foundation

/// `berth init DIR`: a new declarations repository to try Berth in, or to start a real one from.
struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Create a new git repository of declarations: the examples, committed on branch main.",
        discussion: "DIR must not exist or be empty. Plan, apply and edit it as your own: the project's files are never touched.")

    @Argument(help: "Folder to create the repository in.")
    var directory: String

    @Option(help: "Declarations to start from (default: this build's examples folder).")
    var examples: String = InitCommand.bundledExamples

    /// The examples of the checkout this binary was built from.
    static let bundledExamples = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("examples").path

    func run() throws {
        let files = FileManager.default
        var isDirectory: ObjCBool = false
        guard files.fileExists(atPath: examples, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ValidationError("--examples \(examples): no such folder; name a folder of declarations to start from")
        }
        let target = URL(fileURLWithPath: directory)
        if files.fileExists(atPath: target.path), !((try? files.contentsOfDirectory(atPath: target.path)) ?? []).isEmpty {
            Output.error("berth init: \(directory) exists and is not empty; berth init only creates new repositories")
            throw ExitCode(1)
        }
        try files.createDirectory(at: target, withIntermediateDirectories: true)
        for item in try files.contentsOfDirectory(atPath: examples).sorted() where !item.hasPrefix(".") {
            try files.copyItem(atPath: "\(examples)/\(item)", toPath: target.appendingPathComponent(item).path)
        }
        try git(["init", "--quiet", "--initial-branch=main"], in: target)
        try git(["add", "--all"], in: target)
        var commit = ["commit", "--quiet", "--message", "Declarations from berth init"]
        // A machine without a git identity still gets its first commit; one that has an identity keeps it.
        if (try? git(["config", "user.email"], in: target, quietly: true)) == nil {
            commit = ["-c", "user.name=berth init", "-c", "user.email=berth-init@localhost"] + commit
        }
        try git(commit, in: target)
        print("created \(directory): a git repository of declarations on branch main")
        print("next: berth validate \(directory), or berth plan --git \(directory) --ref main --data DIR")
    }

    @discardableResult
    private func git(_ arguments: [String], in directory: URL, quietly: Bool = false) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["git"] + arguments
        process.currentDirectoryURL = directory
        let output = Pipe()
        process.standardOutput = output
        process.standardError = quietly ? FileHandle.nullDevice : FileHandle.standardError
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            if !quietly { Output.error("berth init: git \(arguments.joined(separator: " ")) failed (exit \(process.terminationStatus))") }
            throw ExitCode(1)
        }
        return text
    }
}
