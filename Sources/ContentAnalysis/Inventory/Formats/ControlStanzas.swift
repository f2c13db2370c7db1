/// Splits a Debian control file (deb822) into stanzas of fields, keeping only the fields asked for.
///
/// Hand-written: the package mirror has no Swift library for deb822. It follows Debian Policy §5.1 ("Syntax of control
/// files") and deb822(5): stanzas are separated by blank lines (a line of only spaces and tabs counts as blank); a
/// field is `Name: value` with a case-insensitive name; a line starting with a space or a tab continues the previous
/// field (the Description's long text), so it is never read as a field of its own. Lines that are neither (garbage,
/// invalid UTF-8) are skipped: a hostile file yields fewer stanzas, never an error.
enum ControlStanzas {
    /// Calls `body` with each stanza's wanted fields, by lowercased name, first occurrence; values trimmed,
    /// continuation lines dropped (none of the fields the inventory reads is multi-line). Stops when `body` returns
    /// false.
    static func forEach(in bytes: ArraySlice<UInt8>, fields wanted: Set<String>, _ body: ([String: String]) -> Bool) {
        var current: [String: String] = [:]
        var inStanza = false
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) {
            if line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: "\r") }) {
                if inStanza, !body(current) { return }
                current = [:]
                inStanza = false
                continue
            }
            inStanza = true
            guard let first = line.first, first != UInt8(ascii: " "), first != UInt8(ascii: "\t"),
                  let colon = line.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let name = String(decoding: line[..<colon], as: UTF8.self).lowercased()
            guard wanted.contains(name), current[name] == nil else { continue }
            current[name] = trimmed(line[(colon + 1)...])
        }
        if inStanza { _ = body(current) }
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> String {
        let isSpace = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") }
        guard let start = bytes.firstIndex(where: { !isSpace($0) }), let end = bytes.lastIndex(where: { !isSpace($0) }) else {
            return ""
        }
        return String(decoding: bytes[start...end], as: UTF8.self)
    }
}
