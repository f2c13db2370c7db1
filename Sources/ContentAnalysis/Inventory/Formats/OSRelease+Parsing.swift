extension OSRelease {
    /// Reads os-release(5): `KEY=value` lines, `#` comments and blank lines skipped; a value may be quoted with `"`
    /// or `'` and use backslash escapes as in a shell (`\"`, `\\`, `\$`, `` \` `` inside double quotes; none inside
    /// single quotes). Hand-written: the package mirror has no Swift library for it, and os-release(5) defines the
    /// format as this subset of shell syntax. Lines that do not parse are skipped.
    init(parsing bytes: ArraySlice<UInt8>) {
        var values: [String: String] = [:]
        for rawLine in String(decoding: bytes, as: UTF8.self).split(whereSeparator: \.isNewline) {
            let line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            guard !line.hasPrefix("#"), let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            guard values[key] == nil, let value = Self.unquoted(line[line.index(after: equals)...]) else { continue }
            values[key] = value
        }
        let present = { (key: String) in values[key].flatMap { $0.isEmpty ? nil : $0 } }
        self.init(id: present("ID") ?? "linux", versionID: present("VERSION_ID"),
                  versionCodename: present("VERSION_CODENAME"), prettyName: present("PRETTY_NAME"))
    }

    /// The shell word `raw` stands for, or nil when a quote is left open.
    private static func unquoted(_ raw: Substring) -> String? {
        var value = ""
        var quote: Character?
        var escaped = false
        for character in raw {
            if escaped {
                // Inside double quotes a backslash escapes only these four and is kept before anything else, as in sh;
                // unquoted, it escapes any character.
                if quote == "\"", !"\"\\$`".contains(character) { value.append("\\") }
                value.append(character)
                escaped = false
            } else if character == "\\", quote != "'" {
                escaped = true
            } else if let open = quote {
                if character == open { quote = nil } else { value.append(character) }
            } else if character == "\"" || character == "'" {
                quote = character
            } else if character == " " || character == "\t" {
                // An unquoted blank ends the word; what follows is a comment or a mistake.
                break
            } else {
                value.append(character)
            }
        }
        return quote == nil ? value : nil
    }
}
