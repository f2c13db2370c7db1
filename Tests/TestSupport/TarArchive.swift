/// A POSIX ustar archive of regular files, written by hand so test images are real layers without an outside tool, and
/// without Berth's own code (which only reads tar, through libarchive). Paths must fit ustar's 100-byte name field.
public func tarArchive(_ files: [(path: String, contents: [UInt8])]) -> [UInt8] {
    var archive: [UInt8] = []
    for (path, contents) in files {
        var header = [UInt8](repeating: 0, count: 512)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        /// An octal number of `width - 1` digits and a NUL, as ustar writes its numeric fields.
        func octal(_ value: Int, at offset: Int, width: Int) {
            let digits = String(value, radix: 8)
            put(String(repeating: "0", count: width - 1 - digits.count) + digits, at: offset)
        }
        precondition(path.utf8.count <= 100, "tarArchive: path longer than 100 bytes: \(path)")
        put(path, at: 0)
        octal(0o644, at: 100, width: 8)
        octal(0, at: 108, width: 8)
        octal(0, at: 116, width: 8)
        octal(contents.count, at: 124, width: 12)
        octal(1_700_000_000, at: 136, width: 12)
        put("        ", at: 148)
        put("0", at: 156)
        put("ustar\u{0}00", at: 257)
        let checksum = header.reduce(0) { $0 + Int($1) }
        let digits = String(checksum, radix: 8)
        put(String(repeating: "0", count: 6 - digits.count) + digits + "\u{0} ", at: 148)
        archive += header
        archive += contents
        archive += [UInt8](repeating: 0, count: (512 - contents.count % 512) % 512)
    }
    return archive + [UInt8](repeating: 0, count: 1024)
}

/// A real (uncompressed) layer holding one file of `size` random bytes: what content scanning reads as clean.
public func randomLayer(_ size: Int = 512) -> [UInt8] {
    tarArchive([(path: "data/random.bin", contents: randomBytes(size))])
}
