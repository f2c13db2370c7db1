/// One regular file's share of the inventory while its blocks stream past: a file recognised by its path is held (up
/// to its cap) to be parsed when it ends; any other file is sniffed for the ELF magic, and an ELF file is searched for
/// Go build information without being held.
struct InventoryFile {
    let path: String
    let source: InventorySource?
    /// The most bytes held of a recognised file, and of an executable's Go module information.
    let cap: Int
    /// The recognised file's bytes, while within `cap`.
    private(set) var held: [UInt8] = []
    private(set) var isOverCap = false
    /// The first bytes of an unrecognised file, until there are enough to tell an ELF file.
    private var sniffed: [UInt8] = []
    private(set) var goSearch: GoBuildInfoSearch?
    private var isIgnored = false

    private static let elfMagic: [UInt8] = [0x7f, 0x45, 0x4c, 0x46]

    init(path: String, limits: ScanLimits) {
        self.path = path
        source = InventorySource(path: path)
        switch source {
        case .dpkgStatus, .apkInstalled: cap = limits.maxPackageDatabaseBytes
        // Recognised for its path alone; its bytes are not read.
        case .rpmDatabase: cap = 0
        default: cap = limits.maxInventoryFileBytes
        }
    }

    /// Whether the rest of the file can change nothing: not held, not an ELF file, or its build information read.
    var isDone: Bool { isIgnored || isOverCap || source == .rpmDatabase || goSearch?.result != nil }

    mutating func feed(_ block: UnsafeRawBufferPointer) {
        if source == .rpmDatabase {
            return
        } else if source != nil {
            guard held.count + block.count <= cap else {
                isOverCap = true
                held = []
                return
            }
            held.append(contentsOf: block)
        } else if goSearch != nil {
            goSearch!.feed(block)
        } else {
            sniff(block)
        }
    }

    mutating func finish() {
        goSearch?.finish()
    }

    private mutating func sniff(_ block: UnsafeRawBufferPointer) {
        let wanted = Self.elfMagic.count - sniffed.count
        // Most files: the first block holds the magic or not, and nothing is copied.
        let isELF: Bool
        if sniffed.isEmpty, block.count >= wanted {
            isELF = block.prefix(wanted).elementsEqual(Self.elfMagic)
        } else {
            sniffed.append(contentsOf: block.prefix(wanted))
            guard sniffed.count == Self.elfMagic.count else { return }
            isELF = sniffed == Self.elfMagic
        }
        guard isELF else {
            isIgnored = true
            return
        }
        goSearch = GoBuildInfoSearch(maxModuleInfo: cap)
        goSearch!.feed(UnsafeRawBufferPointer(rebasing: block[min(wanted, block.count)...]))
    }
}
