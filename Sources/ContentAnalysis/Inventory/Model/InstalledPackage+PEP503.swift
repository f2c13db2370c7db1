extension InstalledPackage {
    /// A Python distribution name as PEP 503 normalizes it, and as OSV's PyPI records spell it: lowercase, each run of
    /// "-", "_" and "." one "-" ("Zope.Interface" and "zope_interface" are both "zope-interface").
    public static func pep503Normalized(_ name: String) -> String {
        var normalized = ""
        var inSeparatorRun = false
        for character in name.lowercased() {
            if character == "-" || character == "_" || character == "." {
                if !inSeparatorRun { normalized.append("-") }
                inSeparatorRun = true
            } else {
                normalized.append(character)
                inSeparatorRun = false
            }
        }
        return normalized
    }

    /// `name` normalized by PEP 503 for a Python package; nil for the other kinds, whose names are compared as they are.
    public var normalizedPythonName: String? {
        kind == .python ? Self.pep503Normalized(name) : nil
    }
}
