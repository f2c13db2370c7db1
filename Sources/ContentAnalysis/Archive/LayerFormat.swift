/// What a blob's first bytes say it is: the compression of a layer, or not a layer at all.
enum LayerFormat: Equatable {
    case gzip, zstd, tar

    /// The bytes `sniff` needs: a tar header's "ustar" magic ends at offset 262.
    static let sniffLength = 262

    static func sniff(_ bytes: [UInt8]) -> LayerFormat? {
        if bytes.starts(with: [0x1f, 0x8b]) { return .gzip }
        if bytes.starts(with: [0x28, 0xb5, 0x2f, 0xfd]) { return .zstd }
        if bytes.count >= 262, Array(bytes[257..<262]) == Array("ustar".utf8) { return .tar }
        return nil
    }
}
