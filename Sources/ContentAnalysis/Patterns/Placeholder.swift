/// Values that look like a secret but are documentation or templates: AWS's published example keys, `xxxx…` fillers,
/// template variables, and words people write where the real value goes. Checked on a match's secret part.
enum Placeholder {
    /// Lowercase fragments that no generated credential contains but examples and templates do.
    static let fragments = [
        "example", "changeme", "change_me", "change-me", "placeholder", "dummy", "redacted", "sample", "your_", "your-",
        "yourpass", "xxxx", "****", "....", "${", "{{", "%(", "password", "passwd", "insert", "replace", "<",
    ]

    static func matches(_ secret: [UInt8]) -> Bool {
        let lowered = secret.map { $0 >= 65 && $0 <= 90 ? $0 | 0x20 : $0 }
        if Set(lowered).count < 3 { return true }
        if let first = lowered.first, first == UInt8(ascii: "$") || first == UInt8(ascii: "%") { return true }
        return fragments.contains { fragment in lowered.firstRange(of: Array(fragment.utf8)) != nil }
    }
}
