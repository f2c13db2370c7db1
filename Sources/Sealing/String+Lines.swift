extension String {
    /// Cuts the text into lines of `width` characters, the last one shorter when the text does not fill it;
    /// age's armor and stanza bodies are base64 cut this way.
    func lines(ofWidth width: Int) -> [String] {
        var lines: [String] = []
        var rest = Substring(self)
        while !rest.isEmpty {
            lines.append(String(rest.prefix(width)))
            rest = rest.dropFirst(width)
        }
        return lines
    }
}
