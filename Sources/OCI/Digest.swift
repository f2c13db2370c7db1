import Crypto
import Foundation
import WireFormats

/// A content digest as the OCI image spec defines it: `algorithm ":" encoded`.
///
/// Only algorithms Berth can verify are accepted, so a `Digest` value is always checkable.
public struct Digest: Hashable, Sendable, Comparable, CustomStringConvertible {
    public enum Algorithm: String, Sendable, CaseIterable {
        case sha256
        case sha512

        var hexLength: Int { self == .sha256 ? 64 : 128 }
    }

    public let algorithm: Algorithm
    /// Lower-case hexadecimal encoding of the hash.
    public let hex: String
    /// `algorithm:hex`, made once: every pull's audit record and every storage key asks for it.
    public let description: String

    /// Parses `sha256:<64 hex>` or `sha512:<128 hex>`; returns nil for anything else,
    /// including upper-case hex, which the image spec forbids.
    public init?(_ string: some StringProtocol) {
        guard let colon = string.firstIndex(of: ":"),
              let algorithm = Algorithm(rawValue: String(string[..<colon]))
        else { return nil }
        let encoded = string[string.index(after: colon)...]
        guard encoded.utf8.count == algorithm.hexLength,
              encoded.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) })
        else { return nil }
        self.algorithm = algorithm
        self.hex = String(encoded)
        description = "\(algorithm.rawValue):\(hex)"
    }

    init(algorithm: Algorithm, hashBytes: some Sequence<UInt8>) {
        self.algorithm = algorithm
        hex = Hex.string(hashBytes)
        description = "\(algorithm.rawValue):\(hex)"
    }

    // The description repeats the algorithm and the hex: equality and hashing need only those two.
    public static func == (lhs: Digest, rhs: Digest) -> Bool { lhs.algorithm == rhs.algorithm && lhs.hex == rhs.hex }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(algorithm)
        hasher.combine(hex)
    }

    public static func < (lhs: Digest, rhs: Digest) -> Bool { lhs.description < rhs.description }

    /// The digest of bytes held in memory (manifests, small test data).
    public static func compute(_ bytes: some DataProtocol, algorithm: Algorithm = .sha256) -> Digest {
        var hasher = DigestHasher(algorithm)
        bytes.regions.forEach { region in region.withUnsafeBytes { hasher.update($0) } }
        return hasher.finalize()
    }
}

/// An incremental hasher for one of the supported digest algorithms.
public struct DigestHasher: Sendable {
    private enum State: Sendable {
        case sha256(SHA256)
        case sha512(SHA512)
    }

    private var state: State
    public let algorithm: Digest.Algorithm

    public init(_ algorithm: Digest.Algorithm) {
        self.algorithm = algorithm
        switch algorithm {
        case .sha256: state = .sha256(SHA256())
        case .sha512: state = .sha512(SHA512())
        }
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        switch state {
        case .sha256(var hasher):
            hasher.update(bufferPointer: bytes)
            state = .sha256(hasher)
        case .sha512(var hasher):
            hasher.update(bufferPointer: bytes)
            state = .sha512(hasher)
        }
    }

    public func finalize() -> Digest {
        switch state {
        case .sha256(let hasher): Digest(algorithm: .sha256, hashBytes: hasher.finalize())
        case .sha512(let hasher): Digest(algorithm: .sha512, hashBytes: hasher.finalize())
        }
    }
}
