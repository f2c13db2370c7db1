import CSystemCalls

/// Looks for Go build information in an executable as its blocks stream past, holding only a few bytes: the last 13
/// of the previous block (a magic may straddle two blocks) while searching, and once a magic is found, the bytes after
/// it that the build information needs, at most `maxModuleInfo` of module information. A magic whose header does not
/// hold together is a string that happened to be there (a Go program that reads build information carries the magic
/// as a constant, before its own build information): the search goes on right after it.
struct GoBuildInfoSearch {
    enum Result: Equatable {
        case found(GoBuildInfo)
        case pointerLayout
        case tooLarge(String)
        /// The file ended inside the build information.
        case truncated
    }

    let maxModuleInfo: Int
    private(set) var result: Result?
    /// The bytes just before the next block's, while searching: fewer than a magic, or what follows a false one.
    private var carry: [UInt8] = []
    /// From a magic on, while its build information is read.
    private var candidate: [UInt8]?
    private var seam: [UInt8] = []

    init(maxModuleInfo: Int) {
        self.maxModuleInfo = maxModuleInfo
    }

    /// The file's next bytes. Nothing more is needed once `result` is set.
    mutating func feed(_ block: UnsafeRawBufferPointer) {
        var input = block
        while result == nil, !input.isEmpty {
            if candidate != nil {
                input = collect(input)
            } else if let start = magicAcrossSeam(input) {
                // The magic starts in the carry: the candidate is the rest of the carry and the block's first bytes.
                candidate = Array(seam[start...])
                input = UnsafeRawBufferPointer(rebasing: input[(seam.count - carry.count)...])
                carry.removeAll(keepingCapacity: true)
                evaluate(&input)
            } else if let start = Self.find(GoBuildInfo.magic, in: input) {
                carry.removeAll(keepingCapacity: true)
                candidate = []
                input = UnsafeRawBufferPointer(rebasing: input[start...])
            } else {
                keepTail(of: input)
                return
            }
        }
    }

    /// The file has ended.
    mutating func finish() {
        // A candidate still held is incomplete: long enough to judge its header, it was build information.
        if result == nil, let candidate, candidate.count >= GoBuildInfo.magic.count + 2 { result = .truncated }
    }

    /// Appends what the candidate may still need and judges it; returns the input left over. Until the blob's length
    /// is known it grows in small steps (the header first), so that a false magic holds few bytes: those after it are
    /// searched again at once, from the carry.
    private mutating func collect(_ input: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        let held = candidate!.count
        let needed: Int
        if case .incomplete(let known?) = GoBuildInfo.read(candidate!, maxModuleInfo: maxModuleInfo) {
            needed = known
        } else {
            needed = held < GoBuildInfo.headerLength ? GoBuildInfo.headerLength : held + 64
        }
        let take = min(input.count, max(0, needed - held))
        candidate!.append(contentsOf: input.prefix(take))
        var rest = UnsafeRawBufferPointer(rebasing: input[take...])
        evaluate(&rest)
        return rest
    }

    /// Judges the candidate: done, false (searching resumes from its second byte, `input` after it), or incomplete.
    private mutating func evaluate(_ input: inout UnsafeRawBufferPointer) {
        guard let bytes = candidate else { return }
        switch GoBuildInfo.read(bytes, maxModuleInfo: maxModuleInfo) {
        case .notBuildInfo:
            candidate = nil
            carry = Array(bytes.dropFirst())
        case .incomplete:
            break
        case .pointerLayout:
            result = .pointerLayout
        case .tooLarge(let reason):
            result = .tooLarge(reason)
        case .complete(let info):
            result = .found(info)
        }
        if result != nil { candidate = nil }
    }

    /// Where in `seam` (the carry and the block's first 13 bytes) a magic starts within the carry.
    private mutating func magicAcrossSeam(_ input: UnsafeRawBufferPointer) -> Int? {
        guard !carry.isEmpty else { return nil }
        seam.removeAll(keepingCapacity: true)
        seam.append(contentsOf: carry)
        seam.append(contentsOf: input.prefix(GoBuildInfo.magic.count - 1))
        guard let start = seam.withUnsafeBytes({ Self.find(GoBuildInfo.magic, in: $0) }), start < carry.count else { return nil }
        return start
    }

    private mutating func keepTail(of input: UnsafeRawBufferPointer) {
        let keep = GoBuildInfo.magic.count - 1
        if input.count >= keep {
            carry.removeAll(keepingCapacity: true)
            carry.append(contentsOf: input.suffix(keep))
        } else {
            carry.append(contentsOf: input)
            if carry.count > keep { carry.removeFirst(carry.count - keep) }
        }
    }

    /// The offset of `needle` in `haystack`.
    private static func find(_ needle: [UInt8], in haystack: UnsafeRawBufferPointer) -> Int? {
        guard let base = haystack.baseAddress, haystack.count >= needle.count else { return nil }
        return needle.withUnsafeBytes { needle in
            berth_memmem(base, haystack.count, needle.baseAddress, needle.count).map { base.distance(to: $0) }
        }
    }
}
