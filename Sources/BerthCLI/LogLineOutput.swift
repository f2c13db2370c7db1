#if canImport(Glibc)
import Glibc
#else
import Darwin
#endif
import Synchronization

/// Where JSON log lines go. Each line is written whole under a lock, in one system call unless the kernel takes only
/// part of it, so lines from concurrent loggers never interleave.
final class LogLineOutput: Sendable {
    static let standardOutput = LogLineOutput(descriptor: STDOUT_FILENO)

    private let descriptor: Mutex<Int32>

    init(descriptor: Int32) {
        self.descriptor = Mutex(descriptor)
    }

    /// A line that cannot be written is dropped: logging must not stop the server.
    func write(_ line: [UInt8]) {
        descriptor.withLock { descriptor in
            line.withUnsafeBytes { bytes in
                var offset = 0
                while offset < bytes.count {
                    let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
                    if written > 0 {
                        offset += written
                    } else if written < 0, errno == EINTR {
                        continue
                    } else {
                        return
                    }
                }
            }
        }
    }
}
