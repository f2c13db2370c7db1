import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A token-signing key file could not be used. The message names the file and what is
/// wrong with it, never its contents.
public struct SigningKeyFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String

    public var description: String { "token signing key file \(path): \(reason)" }
}

/// Reads and creates the PEM file holding the token-signing key.
enum SigningKeyFile {
    /// A PEM P-256 key is ~250 bytes; anything much larger is not a key file.
    static let maximumSize = 64 * 1024

    static func loadOrCreate(at url: URL) throws(SigningKeyFileError) -> P256.Signing.PrivateKey {
        let path = url.path
        switch readContents(path) {
        case .contents(let data):
            guard data.count <= maximumSize, let pem = String(data: data, encoding: .utf8),
                  let key = try? P256.Signing.PrivateKey(pemRepresentation: pem)
            else {
                throw SigningKeyFileError(path: path, reason: "is not a PEM-encoded P-256 (ES256) private key")
            }
            return key
        case .missing:
            let key = P256.Signing.PrivateKey()
            try create(path, contents: Data(key.pemRepresentation.utf8))
            return key
        case .failed(let reason):
            throw SigningKeyFileError(path: path, reason: reason)
        }
    }

    private enum ReadResult {
        case contents(Data)
        case missing
        case failed(String)
    }

    private static func readContents(_ path: String) -> ReadResult {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else {
            let code = errno
            return code == ENOENT ? .missing : .failed("cannot be opened: \(describe(code))")
        }
        defer { close(fd) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if count < 0 {
                if errno == EINTR { continue }
                return .failed("cannot be read: \(describe(errno))")
            }
            if count == 0 { break }
            data.append(contentsOf: buffer[..<count])
            // Stop early: the size check happens on return, and a huge file need not be read.
            if data.count > maximumSize { break }
        }
        return .contents(data)
    }

    /// Writes a temporary file (mode 0600) beside the target, fsyncs it, renames it into place
    /// and fsyncs the directory, so a crash leaves either no key file or a complete one —
    /// never a truncated key that the next start would refuse.
    private static func create(_ path: String, contents: Data) throws(SigningKeyFileError) {
        let url = URL(fileURLWithPath: path)
        let directory = url.deletingLastPathComponent().path
        do {
            try FileManager.default.createDirectory(
                atPath: directory, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        } catch {
            throw SigningKeyFileError(path: path, reason: "its directory cannot be created: \(error.localizedDescription)")
        }
        let temporary = directory + "/." + url.lastPathComponent + ".tmp-\(UInt32.random(in: .min ... .max))"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SigningKeyFileError(path: path, reason: "cannot be created: \(describe(errno))")
        }
        var failure: String?
        // The umask can only clear bits, but make the mode explicit rather than inherited.
        if fchmod(fd, 0o600) != 0 { failure = "cannot be made private: \(describe(errno))" }
        if failure == nil {
            let written = contents.withUnsafeBytes { bytes -> Bool in
                var offset = 0
                while offset < bytes.count {
                    let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                    if n < 0 { if errno == EINTR { continue }; return false }
                    offset += n
                }
                return true
            }
            if !written { failure = "cannot be written: \(describe(errno))" }
        }
        if failure == nil, fsync(fd) != 0 { failure = "cannot be synced: \(describe(errno))" }
        close(fd)
        if failure == nil, rename(temporary, path) != 0 { failure = "cannot be renamed into place: \(describe(errno))" }
        if let failure {
            unlink(temporary)
            throw SigningKeyFileError(path: path, reason: failure)
        }
        let directoryFD = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directoryFD >= 0 {
            _ = fsync(directoryFD)
            close(directoryFD)
        }
    }

    private static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}
