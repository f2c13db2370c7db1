/// A Go toolchain version ("go1.21.5") as the SemVer OSV's Go ecosystem gives the standard library, whose package
/// there is `stdlib`: "go1.21.5" → "v1.21.5", "go1.22" → "v1.22.0", "go1.21rc2" → "v1.21.0-rc.2",
/// "go1.20beta1" → "v1.20.0-beta.1". The rules are those of golang.org/x/vuln's tag conversion (`GoTagToSemver`):
/// a missing patch is 0 and a prerelease suffix becomes a SemVer prerelease. Anything after a space (" X:boringcrypto")
/// is dropped. Nil for what is not a release tag ("devel go1.23-abc…"), which no OSV range can place.
enum GoToolchainVersion {
    static func semVer(_ tag: String) -> String? {
        guard let word = tag.split(separator: " ").first, word.hasPrefix("go") else { return nil }
        var rest = word.dropFirst(2)
        var prerelease = ""
        for kind in ["rc", "beta", "alpha"] {
            if let range = rest.range(of: kind) {
                let number = rest[range.upperBound...]
                guard !number.isEmpty, number.allSatisfy(\.isASCIIDigit) else { return nil }
                prerelease = "-\(kind).\(number)"
                rest = rest[..<range.lowerBound]
                break
            }
        }
        var numbers = rest.split(separator: ".", omittingEmptySubsequences: false)
        guard (1...3).contains(numbers.count), numbers.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCIIDigit) }) else { return nil }
        // A prerelease of 1.21 ("go1.21rc2") is one of 1.21.0; a release with two numbers is its .0.
        while numbers.count < 3 { numbers.append("0") }
        return "v" + numbers.joined(separator: ".") + prerelease
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}
