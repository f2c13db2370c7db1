#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

enum AddressKey {
    /// IPv6 addresses are reduced to their first `ipv6PrefixLength` bits (`2001:db8:1:2::/64`);
    /// IPv4-mapped IPv6 becomes the plain IPv4 address, so one client is one key whichever
    /// socket family it arrived on. Anything unparseable is used as given.
    static func normalized(_ address: String, ipv6PrefixLength: Int) -> String {
        var bytes = [UInt8](repeating: 0, count: 16)
        let parsed = bytes.withUnsafeMutableBytes { inet_pton(AF_INET6, address, $0.baseAddress) }
        guard parsed == 1 else { return address }
        if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xFF, bytes[11] == 0xFF {
            return bytes[12..<16].map(String.init).joined(separator: ".")
        }
        for bit in ipv6PrefixLength..<128 {
            bytes[bit / 8] &= ~(UInt8(0x80) >> UInt8(bit % 8))
        }
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let formatted = bytes.withUnsafeBytes { raw in
            text.withUnsafeMutableBufferPointer { inet_ntop(AF_INET6, raw.baseAddress, $0.baseAddress, socklen_t($0.count)) }
        }
        guard formatted != nil else { return address }
        let prefix = text.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }
        return String(decoding: prefix, as: UTF8.self) + "/\(ipv6PrefixLength)"
    }
}
