// The system libyaml's event API. A composed node tree hashes mapping keys
// (exponential for an alias used as a key) and reports duplicate keys at the
// first occurrence only; reading events lets us keep aliases unexpanded,
// count their expansion exactly, report every duplicate key where it occurs,
// and bound depth.
import CLibYAML

/// Reads the YAML documents of one file into a `YAMLTree`, reporting syntax
/// errors, duplicate keys, depth and alias-expansion overruns as diagnostics.
///
/// After a syntax error the reader resumes at the next `---` line, so one
/// broken document does not hide the problems of the others.
struct YAMLReader {
    let file: String
    let limits: DeclarationLimits

    func read(_ bytes: UnsafeBufferPointer<UInt8>, diagnostics: inout [Diagnostic]) -> YAMLTree {
        var builder = TreeBuilder(file: file, limits: limits)
        builder.reserve(forBytes: bytes.count)
        var lineTable: LineTable?
        var segmentOffset = 0
        var segmentLine = 0

        while segmentOffset < bytes.count {
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else {
                diagnostics.append(Diagnostic(
                    location: SourceLocation(file: file, line: 1, column: 1),
                    message: "could not initialise the YAML parser (out of memory)"))
                break
            }
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            yaml_parser_set_input_string(
                &parser, bytes.baseAddress.map { $0 + segmentOffset }, bytes.count - segmentOffset)
            builder.lineOffset = segmentLine

            // The 0-based line to resume from, at the next document marker, when this segment stops early.
            var stoppedAt: Int?
            var event = yaml_event_t()
            while true {
                if yaml_parser_parse(&parser, &event) == 0 {
                    if lineTable == nil { lineTable = LineTable(bytes) }
                    let failure = parseFailure(parser, segmentOffset: segmentOffset,
                                               segmentLine: segmentLine, bytes: bytes, lines: lineTable!)
                    diagnostics.append(failure.diagnostic)
                    stoppedAt = failure.line
                    break
                }
                let done = event.type == YAML_STREAM_END_EVENT
                builder.handle(&event, diagnostics: &diagnostics)
                yaml_event_delete(&event)
                if let line = builder.tooDeepLine {
                    // libyaml's scanner takes time quadratic in the depth of flow collections, and
                    // released libyaml has no nesting limit of its own: stop reading this document.
                    stoppedAt = line + 1
                    break
                }
                if done || builder.fileBudgetExceeded { break }
            }
            yaml_parser_delete(&parser)

            guard let stoppedAt else { break }
            builder.discardOpenDocument()
            // Resume at the next document marker after the error.
            if lineTable == nil { lineTable = LineTable(bytes) }
            let lines = lineTable!
            var next = max(stoppedAt, segmentLine + 1)
            while next < lines.starts.count && !lines.isDocumentStart(line: next, in: bytes) {
                next += 1
            }
            guard next < lines.starts.count else { break }
            segmentLine = next
            segmentOffset = lines.starts[next]
        }
        return builder.tree
    }

    /// Turns libyaml's error state into a diagnostic and the 0-based absolute
    /// line where it happened.
    private func parseFailure(_ parser: yaml_parser_t, segmentOffset: Int, segmentLine: Int,
                              bytes: UnsafeBufferPointer<UInt8>,
                              lines: LineTable) -> (line: Int, diagnostic: Diagnostic) {
        let problem = parser.problem.map { String(cString: $0) } ?? "unknown error"
        switch parser.error {
        case YAML_READER_ERROR:
            let offset = segmentOffset + Int(parser.problem_offset)
            let pos = lines.position(ofByte: min(offset, bytes.count), in: bytes)
            var message = "unreadable YAML: \(problem)"
            if parser.problem_value != -1 {
                message += " (character U+\(String(UInt32(bitPattern: parser.problem_value), radix: 16, uppercase: true)))"
            }
            return (pos.line - 1, Diagnostic(
                location: SourceLocation(file: file, line: pos.line, column: pos.column),
                message: message))
        case YAML_MEMORY_ERROR:
            return (segmentLine, Diagnostic(
                location: SourceLocation(file: file, line: segmentLine + 1, column: 1),
                message: "YAML parser ran out of memory"))
        default:
            let line = segmentLine + Int(parser.problem_mark.line)
            let column = Int(parser.problem_mark.column) + 1
            var message = "invalid YAML: \(problem)"
            if let context = parser.context {
                let contextLine = segmentLine + Int(parser.context_mark.line) + 1
                let contextColumn = Int(parser.context_mark.column) + 1
                let contextText = String(cString: context)
                message += " (\(contextText) started at \(contextLine):\(contextColumn))"
                if contextText == "while scanning an alias" {
                    message += "; an unquoted value starting with '*' is YAML alias syntax: quote globs such as \"**\" or \"*/api\""
                }
            }
            return (line, Diagnostic(
                location: SourceLocation(file: file, line: line + 1, column: column),
                message: message))
        }
    }
}

/// Builds the tree from events, one document at a time.
private struct TreeBuilder {
    struct Frame {
        var node: Int32
        var isMapping: Bool
        var scratchStart: Int
        var anchor: String?
        var expectingKey = true
        var skipNextValue = false
        var expanded = 1
        var height = 1
        var keyIndex: [String: Int32]?
    }

    struct AnchorInfo {
        var node: Int32
        var expanded: Int
        var height: Int
    }

    let file: String
    let limits: DeclarationLimits
    var tree = YAMLTree()
    var lineOffset = 0

    private var frames: [Frame] = []
    private var scratch: [Int32] = []
    private var anchors: [String: AnchorInfo] = [:]
    private var documentExpanded = 0
    private var fileExpanded = 0
    private var skipDepth = 0
    private var aborted = false
    private var root: Int32?
    private var documentLine: Int32 = 1
    private var documentColumn: Int32 = 1
    private(set) var fileBudgetExceeded = false
    /// The 0-based line where the open document nested deeper than the limit.
    private(set) var tooDeepLine: Int?

    init(file: String, limits: DeclarationLimits) {
        self.file = file
        self.limits = limits
    }

    /// Declarations average well over 8 bytes per node; reserving up front
    /// avoids repeated regrowth of the arenas.
    mutating func reserve(forBytes count: Int) {
        let estimate = min(count / 8, 1 << 20)
        tree.nodes.reserveCapacity(estimate)
        tree.strings.reserveCapacity(estimate)
        tree.children.reserveCapacity(estimate)
    }

    mutating func discardOpenDocument() {
        resetDocument()
    }

    private mutating func resetDocument() {
        frames.removeAll(keepingCapacity: true)
        scratch.removeAll(keepingCapacity: true)
        anchors.removeAll(keepingCapacity: true)
        documentExpanded = 0
        skipDepth = 0
        aborted = false
        tooDeepLine = nil
        root = nil
    }

    private func location(_ mark: yaml_mark_t) -> SourceLocation {
        SourceLocation(file: file, line: lineOffset + Int(mark.line) + 1, column: Int(mark.column) + 1)
    }

    private mutating func abort(_ mark: yaml_mark_t, _ message: String,
                                diagnostics: inout [Diagnostic]) {
        diagnostics.append(Diagnostic(location: location(mark), message: message))
        aborted = true
    }

    mutating func handle(_ event: inout yaml_event_t, diagnostics: inout [Diagnostic]) {
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            resetDocument()
            documentLine = Int32(lineOffset + Int(event.start_mark.line) + 1)
            documentColumn = Int32(event.start_mark.column + 1)
        case YAML_DOCUMENT_END_EVENT:
            if !aborted, let root {
                tree.documents.append(.init(root: root, line: documentLine, column: documentColumn))
            }
            fileExpanded += documentExpanded
            resetDocument()
        case YAML_SCALAR_EVENT:
            let data = event.data.scalar
            let value = String(decoding: UnsafeBufferPointer(start: data.value, count: Int(data.length)),
                               as: UTF8.self)
            let style: YAMLTree.ScalarStyle
            switch data.style {
            case YAML_SINGLE_QUOTED_SCALAR_STYLE: style = .singleQuoted
            case YAML_DOUBLE_QUOTED_SCALAR_STYLE: style = .doubleQuoted
            case YAML_LITERAL_SCALAR_STYLE: style = .literal
            case YAML_FOLDED_SCALAR_STYLE: style = .folded
            default: style = .plain
            }
            let anchor = data.anchor.map { String(cString: $0) }
            nodeEvent(.scalar(value, style), anchor: anchor, mark: event.start_mark, diagnostics: &diagnostics)
        case YAML_ALIAS_EVENT:
            let name = event.data.alias.anchor.map { String(cString: $0) } ?? ""
            nodeEvent(.alias(name), anchor: nil, mark: event.start_mark, diagnostics: &diagnostics)
        case YAML_SEQUENCE_START_EVENT:
            let anchor = event.data.sequence_start.anchor.map { String(cString: $0) }
            nodeEvent(.start(mapping: false), anchor: anchor, mark: event.start_mark, diagnostics: &diagnostics)
        case YAML_MAPPING_START_EVENT:
            let anchor = event.data.mapping_start.anchor.map { String(cString: $0) }
            nodeEvent(.start(mapping: true), anchor: anchor, mark: event.start_mark, diagnostics: &diagnostics)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            endCollection()
        default:
            break
        }
    }

    enum NodeEvent {
        case scalar(String, YAMLTree.ScalarStyle)
        case alias(String)
        case start(mapping: Bool)
    }

    private mutating func nodeEvent(_ kind: NodeEvent, anchor: String?, mark: yaml_mark_t,
                                    diagnostics: inout [Diagnostic]) {
        if aborted { return }
        if skipDepth > 0 {
            if case .start = kind { skipDepth += 1 }
            return
        }
        let line = Int32(lineOffset + Int(mark.line) + 1)
        let column = Int32(mark.column + 1)

        if let top = frames.indices.last, frames[top].isMapping {
            if frames[top].expectingKey {
                switch kind {
                case .start(let mapping):
                    abort(mark, "mapping keys must be plain strings, found a \(mapping ? "mapping" : "sequence") used as a key",
                          diagnostics: &diagnostics)
                    return
                case .alias(let name):
                    abort(mark, "alias '*\(name)' cannot be used as a mapping key; keys must be plain strings",
                          diagnostics: &diagnostics)
                    return
                case .scalar(let key, let style):
                    if let first = findKey(key, in: top) {
                        let firstNode = tree.nodes[Int(first)]
                        diagnostics.append(Diagnostic(
                            location: location(mark),
                            message: "duplicate key '\(key)' in mapping; first defined at \(firstNode.line):\(firstNode.column)"))
                        frames[top].skipNextValue = true
                    } else {
                        let keyNode = appendScalar(key, style, line: line, column: column)
                        if let anchor { registerAnchor(anchor, node: keyNode, expanded: 1, height: 1) }
                        scratch.append(keyNode)
                        rememberKey(key, node: keyNode, in: top)
                    }
                    frames[top].expectingKey = false
                    return
                }
            }
            frames[top].expectingKey = true
            if frames[top].skipNextValue {
                frames[top].skipNextValue = false
                if case .start = kind { skipDepth = 1 }
                return
            }
        }

        let depth = frames.count + 1
        switch kind {
        case .scalar(let value, let style):
            let node = appendScalar(value, style, line: line, column: column)
            if let anchor { registerAnchor(anchor, node: node, expanded: 1, height: 1) }
            guard countNodes(1, mark: mark, diagnostics: &diagnostics) else { return }
            attach(node, expanded: 1, height: 1)
        case .alias(let name):
            guard let target = anchors[name] else {
                abort(mark, "unknown alias '*\(name)'; an alias must refer to an anchor '&\(name)' defined earlier in the same document",
                      diagnostics: &diagnostics)
                return
            }
            if depth - 1 + target.height > limits.maxDepth {
                abort(mark, "alias '*\(name)' nests the document deeper than \(limits.maxDepth) levels",
                      diagnostics: &diagnostics)
                return
            }
            guard countNodes(target.expanded, mark: mark, alias: name, diagnostics: &diagnostics) else { return }
            let node = Int32(tree.nodes.count)
            tree.nodes.append(.init(kind: .alias, style: .none, line: line, column: column,
                                    start: target.node, count: 0))
            attach(node, expanded: target.expanded, height: target.height)
        case .start(let mapping):
            if depth > limits.maxDepth {
                abort(mark, "document nests deeper than \(limits.maxDepth) levels of mappings and sequences",
                      diagnostics: &diagnostics)
                tooDeepLine = lineOffset + Int(mark.line)
                return
            }
            guard countNodes(1, mark: mark, diagnostics: &diagnostics) else { return }
            let node = Int32(tree.nodes.count)
            tree.nodes.append(.init(kind: mapping ? .mapping : .sequence, style: .none,
                                    line: line, column: column, start: 0, count: 0))
            frames.append(Frame(node: node, isMapping: mapping, scratchStart: scratch.count, anchor: anchor))
        }
    }

    private mutating func endCollection() {
        if aborted { return }
        if skipDepth > 0 {
            skipDepth -= 1
            return
        }
        guard let frame = frames.popLast() else { return }
        let start = tree.children.count
        let count = scratch.count - frame.scratchStart
        tree.children.append(contentsOf: scratch[frame.scratchStart...])
        scratch.removeLast(count)
        tree.nodes[Int(frame.node)].start = Int32(start)
        tree.nodes[Int(frame.node)].count = Int32(count)
        if let anchor = frame.anchor {
            registerAnchor(anchor, node: frame.node, expanded: frame.expanded, height: frame.height)
        }
        attach(frame.node, expanded: frame.expanded, height: frame.height)
    }

    private mutating func attach(_ node: Int32, expanded: Int, height: Int) {
        if let top = frames.indices.last {
            scratch.append(node)
            frames[top].expanded += expanded
            frames[top].height = max(frames[top].height, height + 1)
        } else {
            root = node
        }
    }

    private mutating func appendScalar(_ value: String, _ style: YAMLTree.ScalarStyle,
                                       line: Int32, column: Int32) -> Int32 {
        let node = Int32(tree.nodes.count)
        tree.nodes.append(.init(kind: .scalar, style: style, line: line, column: column,
                                start: Int32(tree.strings.count), count: 0))
        tree.strings.append(value)
        return node
    }

    private mutating func registerAnchor(_ name: String, node: Int32, expanded: Int, height: Int) {
        anchors[name] = AnchorInfo(node: node, expanded: expanded, height: height)
    }

    /// Adds to the expanded-node budget; false (and the document aborted)
    /// when a limit is crossed.
    private mutating func countNodes(_ n: Int, mark: yaml_mark_t, alias: String? = nil,
                                     diagnostics: inout [Diagnostic]) -> Bool {
        documentExpanded += n
        if documentExpanded > limits.maxNodesPerDocument {
            let cause = alias.map { "alias '*\($0)' expands" } ?? "document has"
            abort(mark, "\(cause) the document to more than \(limits.maxNodesPerDocument) nodes; expansion of aliases is limited to stop alias bombs",
                  diagnostics: &diagnostics)
            return false
        }
        if fileExpanded + documentExpanded > limits.maxNodesPerFile {
            abort(mark, "file has more than \(limits.maxNodesPerFile) nodes once aliases are expanded; split it or remove aliases",
                  diagnostics: &diagnostics)
            fileBudgetExceeded = true
            return false
        }
        return true
    }

    private func findKey(_ key: String, in frameIndex: Int) -> Int32? {
        let frame = frames[frameIndex]
        if let index = frame.keyIndex { return index[key] }
        var i = frame.scratchStart
        while i < scratch.count {
            let node = scratch[i]
            if tree.strings[Int(tree.nodes[Int(node)].start)] == key { return node }
            i += 2
        }
        return nil
    }

    private mutating func rememberKey(_ key: String, node: Int32, in frameIndex: Int) {
        if frames[frameIndex].keyIndex != nil {
            frames[frameIndex].keyIndex![key] = node
            return
        }
        let pairs = (scratch.count - frames[frameIndex].scratchStart + 1) / 2
        if pairs >= 12 {
            var index: [String: Int32] = [:]
            var i = frames[frameIndex].scratchStart
            while i < scratch.count {
                let n = scratch[i]
                index[tree.strings[Int(tree.nodes[Int(n)].start)]] = n
                i += 2
            }
            frames[frameIndex].keyIndex = index
        }
    }
}
