/// The build information the Go linker writes into every executable since Go 1.13, in the layout of Go ≥ 1.18: what
/// a Go binary says about its toolchain and the modules compiled into it.
///
/// Hand-written: the package mirror has no Swift library for it. It follows Go's own reader and writer
/// (`src/debug/buildinfo/buildinfo.go`, `src/cmd/link/internal/ld/data.go`, `src/runtime/debug/mod.go`): a 32-byte
/// header, the 14-byte magic "\xff Go buildinf:", the pointer size (1 byte), flags (1 byte; bit 1 set means the
/// strings follow inline, the ≥ 1.18 layout), 16 bytes of padding; then the Go version and the module information,
/// each as a uvarint length and its bytes. The module information is framed by two 16-byte sentinels, and its lines
/// are tab-separated: `path`, `mod`, `dep`, `=>` (a replacement of the line before), `build`. The older layout holds
/// two pointers into the data segment instead, which a stream read without the ELF's sections cannot follow.
struct GoBuildInfo: Sendable, Hashable {
    static let magic: [UInt8] = [0xff] + Array(" Go buildinf:".utf8)
    static let headerLength = 32
    /// Longer toolchain versions than this are not a Go toolchain's.
    static let maxVersionLength = 1024

    struct Module: Sendable, Hashable {
        var path: String
        var version: String
    }

    /// The toolchain that built it, as written: "go1.21.5".
    var goVersion: String
    /// `mod`: the main module, whose version is "(devel)" for a binary built from a checkout. Nil for a binary built
    /// outside module mode (GOPATH, as Debian builds its Go packages), which names no modules at all.
    var main: Module?
    /// `dep`, each with its replacement applied (see `modules(framed:)`).
    var dependencies: [Module]

    /// What the bytes from a magic onwards hold so far.
    enum Blob: Equatable {
        /// The header does not hold together (a pointer size other than 4 or 8, unknown flags): the magic was a string
        /// that happened to be there, and the search goes on after it.
        case notBuildInfo
        /// Valid so far; the blob is `needed` bytes long when known.
        case incomplete(needed: Int?)
        /// The pre-1.18 layout.
        case pointerLayout
        case tooLarge(String)
        case complete(GoBuildInfo)
    }

    /// Reads `bytes`, which start at the magic; `maxModuleInfo` caps the module information's length.
    static func read(_ bytes: [UInt8], maxModuleInfo: Int) -> Blob {
        guard bytes.count >= magic.count + 2 else { return .incomplete(needed: nil) }
        let pointerSize = bytes[magic.count]
        let flags = bytes[magic.count + 1]
        guard pointerSize == 4 || pointerSize == 8, flags & ~3 == 0 else { return .notBuildInfo }
        guard flags & 2 != 0 else { return .pointerLayout }
        var offset = headerLength
        guard let versionLength = uvarint(bytes, at: &offset) else { return .incomplete(needed: nil) }
        guard versionLength <= UInt64(maxVersionLength) else { return .notBuildInfo }
        let versionEnd = offset + Int(versionLength)
        guard bytes.count >= versionEnd else { return .incomplete(needed: nil) }
        var moduleOffset = versionEnd
        guard let moduleLength = uvarint(bytes, at: &moduleOffset) else { return .incomplete(needed: nil) }
        guard moduleLength <= UInt64(maxModuleInfo) else {
            return .tooLarge("module information of \(moduleLength) bytes, more than \(maxModuleInfo)")
        }
        let end = moduleOffset + Int(moduleLength)
        guard bytes.count >= end else { return .incomplete(needed: end) }
        let goVersion = String(decoding: bytes[offset..<versionEnd], as: UTF8.self)
        let modules = modules(framed: bytes[moduleOffset..<end])
        return .complete(GoBuildInfo(goVersion: goVersion, main: modules.main, dependencies: modules.dependencies))
    }

    /// A uvarint (encoding/binary) at `offset`, advancing past it; nil when it runs past the bytes held.
    private static func uvarint(_ bytes: [UInt8], at offset: inout Int) -> UInt64? {
        var value: UInt64 = 0
        var shift: UInt64 = 0
        var index = offset
        while index < bytes.count, shift < 64 {
            let byte = bytes[index]
            value |= UInt64(byte & 0x7f) << shift
            index += 1
            if byte < 0x80 {
                offset = index
                return value
            }
            shift += 7
        }
        // Past ten bytes the value overflows: report it as too large to hold rather than wait for more bytes.
        return shift >= 64 ? UInt64.max : nil
    }

    /// The modules named by the module information, after stripping its sentinels as debug/buildinfo does (only when
    /// the text is long enough and a line feed ends it before the closing sentinel; otherwise there is none).
    ///
    /// A `=>` line replaces the module on the line before. Its version is recorded under the original module path:
    /// OSV's Go records name the module path that code imports, and a replacement is compiled in under that import
    /// path (a fork's own path appears nowhere in the binary's packages), while a replacement to another version of
    /// the same module, the usual way to pin a fix, is then matched exactly. A local replacement (`=> ../dir`, no
    /// version) keeps the original version: the folder is most often a patched copy of it, and a scanner had better
    /// report a possible vulnerability than hide it.
    private static func modules(framed: ArraySlice<UInt8>) -> (main: Module?, dependencies: [Module]) {
        let sentinel = 16
        guard framed.count >= 2 * sentinel + 1, framed[framed.endIndex - sentinel - 1] == UInt8(ascii: "\n") else { return (nil, []) }
        let text = framed.dropFirst(sentinel).dropLast(sentinel)
        var main: Module?
        var dependencies: [Module] = []
        var lastWasMain = false
        for line in text.split(separator: UInt8(ascii: "\n")) {
            let fields = line.split(separator: UInt8(ascii: "\t"), omittingEmptySubsequences: false)
                .map { String(decoding: $0, as: UTF8.self) }
            switch fields.first {
            case "mod" where fields.count >= 3:
                main = Module(path: fields[1], version: fields[2])
                lastWasMain = true
            case "dep" where fields.count >= 3:
                dependencies.append(Module(path: fields[1], version: fields[2]))
                lastWasMain = false
            case "=>" where fields.count >= 3 && !fields[2].isEmpty:
                if lastWasMain {
                    main?.version = fields[2]
                } else if !dependencies.isEmpty {
                    dependencies[dependencies.count - 1].version = fields[2]
                }
            default:
                break
            }
        }
        return (main, dependencies)
    }
}
