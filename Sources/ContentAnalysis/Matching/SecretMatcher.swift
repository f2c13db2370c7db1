#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The compiled rule set: the patterns, in priority order, and the automaton over all their keywords.
struct SecretMatcher: Sendable {
    let patterns: [SecretPattern]
    let automaton: KeywordAutomaton

    init(patterns: [SecretPattern]) {
        self.patterns = patterns
        automaton = KeywordAutomaton(keywords: patterns.map(\.keywords))
    }

    /// Which patterns apply to a file at `path`, by index.
    func activePatterns(for path: String) -> [Bool] {
        patterns.map { pattern in
            guard let globs = pattern.paths else { return true }
            return globs.contains { fnmatch($0, path, 0) == 0 }
        }
    }
}
