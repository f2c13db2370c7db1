import Foundation

/// One declaration file in memory, e.g. a blob read from a git commit.
public struct DeclarationFile: Sendable, Hashable {
    /// The path shown in diagnostics, e.g. `tiers/confidential.yaml`.
    public var path: String
    public var contents: Data

    public init(path: String, contents: Data) {
        self.path = path
        self.contents = contents
    }
}

/// What loading produced: the desired state and every problem found.
public struct LoadResult: Sendable {
    /// Partial when `hasErrors`: never apply it then.
    public var state: DesiredState
    /// Sorted by file, line and column.
    public var diagnostics: [Diagnostic]
    /// The files read, in order.
    public var files: [String]

    public var errors: [Diagnostic] { diagnostics.filter { $0.severity == .error } }
    public var warnings: [Diagnostic] { diagnostics.filter { $0.severity == .warning } }
    public var hasErrors: Bool { diagnostics.contains { $0.severity == .error } }
}

/// Loads declarations from a folder or from in-memory files, validates them
/// and resolves them into a `DesiredState`, reporting every problem at once.
///
/// Only `*.yaml` and `*.yml` files are read; files and folders whose name
/// starts with `.` are skipped, and so are symbolic links. Files are read in
/// sorted path order.
public struct DeclarationLoader: Sendable {
    public var limits: DeclarationLimits
    /// Decides which `deliverTo` keys a robot's token can be sealed to.
    public var keyChecks: KeyChecks

    public init(limits: DeclarationLimits = .default, keyChecks: KeyChecks = .structural) {
        self.limits = limits
        self.keyChecks = keyChecks
    }

    /// Loads every declaration file under `directory`, recursively.
    /// `now` decides which vulnerability exceptions have expired.
    public func load(directory: String, now: Date = Date()) -> LoadResult {
        var diagnostics: [Diagnostic] = []
        let files = collectFiles(in: directory, diagnostics: &diagnostics)
        var result = loadSelected(files, now: now)
        result.diagnostics = LoadResult.sorted(diagnostics + result.diagnostics)
        return result
    }

    /// Loads in-memory files, e.g. blobs read from a git tree. Files that are
    /// not `*.yaml`/`*.yml`, or that sit under a hidden folder, are ignored.
    public func load(_ files: [DeclarationFile], now: Date = Date()) -> LoadResult {
        loadSelected(files.filter { DeclarationLoader.isDeclarationPath($0.path) }, now: now)
    }

    private func loadSelected(_ files: [DeclarationFile], now: Date) -> LoadResult {
        var diagnostics: [Diagnostic] = []
        let selected = files.sorted { $0.path < $1.path }
        var totalBytes = 0
        var accepted: [DeclarationFile] = []

        for (index, file) in selected.enumerated() {
            let start = SourceLocation(file: file.path, line: 1, column: 1)
            if index >= limits.maxFiles {
                diagnostics.append(Diagnostic(location: start, message: "too many declaration files: more than \(limits.maxFiles); stopped loading here"))
                break
            }
            if file.contents.count > limits.maxFileBytes {
                diagnostics.append(Diagnostic(location: start, message: "file is \(DeclarationLoader.formatBytes(file.contents.count)), over the limit of \(DeclarationLoader.formatBytes(limits.maxFileBytes)) per file; split it into smaller files"))
                continue
            }
            totalBytes += file.contents.count
            if totalBytes > limits.maxTotalBytes {
                diagnostics.append(Diagnostic(location: start, message: "declarations total more than \(DeclarationLoader.formatBytes(limits.maxTotalBytes)), the limit for all files together; stopped loading here"))
                break
            }
            accepted.append(file)
        }

        // Files are independent until the cross-document checks: read and
        // decode them in parallel when there is enough work to share.
        let outcomes = UnsafeMutableBufferPointer<FileOutcome?>.allocate(capacity: accepted.count)
        outcomes.initialize(repeating: nil)
        defer {
            outcomes.deinitialize()
            outcomes.deallocate()
        }
        let slots = OutcomeSlots(pointer: outcomes)
        let loader = self
        let work = accepted
        if work.count > 1 && totalBytes > 256 << 10 {
            DispatchQueue.concurrentPerform(iterations: work.count) { i in
                slots.pointer[i] = loader.loadFile(work[i], now: now)
            }
        } else {
            for i in accepted.indices { outcomes[i] = loadFile(accepted[i], now: now) }
        }

        var pending: [PendingChecks] = []
        for outcome in outcomes {
            guard let outcome else { continue }
            diagnostics += outcome.diagnostics
            pending.append(outcome.pending)
        }
        var validator = CrossValidator(pending: pending)
        let state = validator.finish()
        diagnostics += validator.diagnostics
        return LoadResult(state: state, diagnostics: LoadResult.sorted(diagnostics), files: accepted.map(\.path))
    }

    /// What reading one file produced.
    private struct FileOutcome {
        var diagnostics: [Diagnostic]
        var pending: PendingChecks
    }

    /// Lets parallel iterations each write their own slot.
    private struct OutcomeSlots: @unchecked Sendable {
        let pointer: UnsafeMutableBufferPointer<FileOutcome?>
    }

    private func loadFile(_ file: DeclarationFile, now: Date) -> FileOutcome {
        var diagnostics: [Diagnostic] = []
        let pending = PendingChecks()
        let tree: YAMLTree? = file.contents.withUnsafeBytes { raw -> YAMLTree? in
            let bytes = raw.bindMemory(to: UInt8.self)
            if let problem = UTF8Check.firstProblem(in: bytes) {
                let lines = LineTable(bytes)
                switch problem {
                case .invalid(let offset, let byte):
                    let pos = lines.position(ofByte: offset, in: bytes)
                    diagnostics.append(Diagnostic(
                        location: SourceLocation(file: file.path, line: pos.line, column: pos.column),
                        message: "file is not valid UTF-8: unexpected byte 0x\(String(byte, radix: 16, uppercase: true)) at byte offset \(offset); declarations must be UTF-8 text"))
                case .nul(let offset):
                    let pos = lines.position(ofByte: offset, in: bytes)
                    diagnostics.append(Diagnostic(
                        location: SourceLocation(file: file.path, line: pos.line, column: pos.column),
                        message: "file contains a NUL byte at byte offset \(offset) (binary or UTF-16?); declarations must be UTF-8 text"))
                }
                return nil
            }
            // libyaml skips a byte order mark but counts it as a column,
            // which shifts the first line's indentation: drop it first.
            let hasBOM = bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
            let text = hasBOM ? UnsafeBufferPointer(rebasing: bytes[3...]) : bytes
            if text.isEmpty { return YAMLTree() }
            return YAMLReader(file: file.path, limits: limits).read(text, diagnostics: &diagnostics)
        }
        guard let tree else { return FileOutcome(diagnostics: diagnostics, pending: pending) }
        let context = DecodeContext(file: file.path, tree: tree, caches: DecodeCaches(), pending: pending)
        let decoder = DocumentDecoder(context: context, now: now, keyChecks: keyChecks)
        for document in tree.documents {
            if let result = decoder.decode(document) { pending.declarations.append(result) }
        }
        diagnostics += context.diagnostics
        return FileOutcome(diagnostics: diagnostics, pending: pending)
    }

    // MARK: Files

    static func isDeclarationPath(_ path: String) -> Bool {
        guard path.hasSuffix(".yaml") || path.hasSuffix(".yml") else { return false }
        return !path.split(separator: "/").contains { $0.hasPrefix(".") && $0 != "." && $0 != ".." }
    }

    private func collectFiles(in directory: String, diagnostics: inout [Diagnostic]) -> [DeclarationFile] {
        let fm = FileManager.default
        var root = directory
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        var isDirectory: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            diagnostics.append(Diagnostic(location: SourceLocation(file: root, line: 1, column: 1),
                                          message: "declarations folder not found (or not a folder)"))
            return []
        }
        var files: [DeclarationFile] = []
        var pending = [""]
        var count = 0
        while let relative = pending.popLast() {
            let absolute = relative.isEmpty ? root : "\(root)/\(relative)"
            guard let entries = try? fm.contentsOfDirectory(atPath: absolute) else {
                diagnostics.append(Diagnostic(location: SourceLocation(file: absolute, line: 1, column: 1),
                                              message: "cannot read folder"))
                continue
            }
            for entry in entries.sorted() where !entry.hasPrefix(".") {
                let childRelative = relative.isEmpty ? entry : "\(relative)/\(entry)"
                let childPath = "\(root)/\(childRelative)"
                let display = root == "." ? childRelative : childPath
                guard let attributes = try? fm.attributesOfItem(atPath: childPath),
                      let type = attributes[.type] as? FileAttributeType else { continue }
                if type == .typeDirectory {
                    pending.append(childRelative)
                } else if type == .typeRegular, DeclarationLoader.isDeclarationPath(entry) {
                    count += 1
                    if count > limits.maxFiles { continue }
                    let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
                    if size > limits.maxFileBytes {
                        // Don't read it; report through the normal size check.
                        diagnostics.append(Diagnostic(
                            location: SourceLocation(file: display, line: 1, column: 1),
                            message: "file is \(DeclarationLoader.formatBytes(size)), over the limit of \(DeclarationLoader.formatBytes(limits.maxFileBytes)) per file; split it into smaller files"))
                        continue
                    }
                    guard let data = fm.contents(atPath: childPath) else {
                        diagnostics.append(Diagnostic(location: SourceLocation(file: display, line: 1, column: 1),
                                                      message: "cannot read file"))
                        continue
                    }
                    files.append(DeclarationFile(path: display, contents: data))
                }
            }
        }
        if count > limits.maxFiles {
            diagnostics.append(Diagnostic(location: SourceLocation(file: root, line: 1, column: 1),
                                          message: "too many declaration files: \(count), more than the limit of \(limits.maxFiles); only the first \(limits.maxFiles) were read"))
        }
        return files
    }

    static func formatBytes(_ n: Int) -> String {
        if n >= 1 << 20, n % (1 << 20) == 0 { return "\(n >> 20) MiB" }
        if n >= 1 << 20 { return String(format: "%.1f MiB", Double(n) / Double(1 << 20)) }
        if n >= 1 << 10 { return String(format: "%.1f KiB", Double(n) / Double(1 << 10)) }
        return "\(n) bytes"
    }
}

extension LoadResult {
    static func sorted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        diagnostics.enumerated().sorted { l, r in
            if l.element.location != r.element.location { return l.element.location < r.element.location }
            return l.offset < r.offset
        }.map(\.element)
    }
}
