import Foundation

/// A raw git commit object split into its signature and the data that was signed, as git does it.
///
/// The signature is the value of the `gpgsig` header (`gpgsig-sha256` in SHA-256 repositories): its first line
/// follows the header name, each further line is a continuation line starting with one space. The signed data
/// is the commit object without that header and its continuation lines; headers of signatures for the other
/// hash algorithm are left out too. Only the header block counts: `gpgsig` in the message is message.
public struct SignedCommit: Sendable, Equatable {
    /// The armored signature, lines joined with `\n` and ending in `\n`; `nil` for an unsigned commit.
    public let signature: String?
    /// The bytes the signature was made over.
    public let signedData: Data
    /// The committer time (from the `committer` header), which git verifies signatures at.
    public let committerDate: Date?

    /// - Parameters:
    ///   - rawCommit: the commit object's content, as `git cat-file commit <id>` prints it.
    ///   - signatureHeader: `gpgsig` for SHA-1 repositories, `gpgsig-sha256` for SHA-256 ones.
    public init(rawCommit: Data, signatureHeader: String = "gpgsig") {
        let bytes = [UInt8](rawCommit)
        let header = Array(signatureHeader.utf8) + [UInt8(ascii: " ")]
        let anySignature = Array("gpgsig".utf8)
        var payload: [UInt8] = []
        payload.reserveCapacity(bytes.count)
        var signature: [UInt8] = []
        var sawSignature = false
        var state: State = .payload
        var committerLine: [UInt8]?
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count, bytes[end] != UInt8(ascii: "\n") { end += 1 }
            if end < bytes.count { end += 1 }  // include the newline
            let line = bytes[start..<end]

            if line.first == UInt8(ascii: "\n") {
                // End of the headers: the rest is the message, kept whole.
                payload.append(contentsOf: bytes[start...])
                break
            }
            let isContinuation = line.first == UInt8(ascii: " ")
            if isContinuation && state == .signature {
                signature.append(contentsOf: line.dropFirst())
            } else if line.starts(with: header) {
                // Like git, a second header of the same name joins the first (and the result will not parse).
                signature.append(contentsOf: line.dropFirst(header.count))
                sawSignature = true
                state = .signature
            } else if line.starts(with: anySignature) {
                state = .otherSignature
            } else if isContinuation && state == .otherSignature {
                // continuation of a signature for the other hash algorithm: left out
            } else {
                state = .payload
                payload.append(contentsOf: line)
                if line.starts(with: Array("committer ".utf8)) { committerLine = Array(line) }
            }
            start = end
        }
        if sawSignature, let last = signature.last, last != UInt8(ascii: "\n") { signature.append(UInt8(ascii: "\n")) }
        self.signature = sawSignature ? String(decoding: signature, as: UTF8.self) : nil
        self.signedData = Data(payload)
        self.committerDate = committerLine.flatMap(SignedCommit.time(ofIdentLine:))
    }

    private enum State { case payload, signature, otherSignature }

    /// The time of an ident line: `committer Name <email> 1700000000 +0100` → 1700000000.
    static func time(ofIdentLine line: [UInt8]) -> Date? {
        guard let close = line.lastIndex(of: UInt8(ascii: ">")) else { return nil }
        let rest = String(decoding: line[(close + 1)...], as: UTF8.self)
        let fields = rest.split(whereSeparator: { $0 == " " || $0 == "\n" })
        guard let first = fields.first, first.allSatisfy({ $0.isASCII && $0.isNumber }), first.count <= 16,
              let seconds = Int64(first)
        else { return nil }
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }
}
