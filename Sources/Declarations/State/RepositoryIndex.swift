/// Finds the Repository declaration that governs a concrete repository name.
///
/// Exact names are a dictionary lookup. Globs are bucketed by their first
/// component when it is literal, so a name is only tested against the globs
/// of its own top-level namespace plus the globs that start with a wildcard.
///
/// Precedence: an exact name wins over any glob. Among matching globs the
/// most specific wins, comparing component by component from the left: a
/// literal beats `*`, `*` beats the end of the pattern, the end of the
/// pattern beats `**`; the first position that differs decides. Two globs of
/// the same shape that both match are ambiguous (the validator reports it
/// when their tiers differ); the one whose name sorts first is used.
struct RepositoryIndex: Sendable {
    let repositories: [Repository]
    private let exact: [String: Int]
    private let exactByFirstComponent: [Substring: [Int]]
    private let globsByFirstComponent: [String: [Int]]
    private let wildcardFirstGlobs: [Int]
    let globs: [Int]

    init(_ repositories: [Repository]) {
        self.repositories = repositories
        var exact: [String: Int] = [:]
        var exactByFirst: [Substring: [Int]] = [:]
        var byFirst: [String: [Int]] = [:]
        var wildcardFirst: [Int] = []
        var globs: [Int] = []
        for (i, repository) in repositories.enumerated() {
            let pattern = repository.pattern
            if pattern.isExact {
                if exact[pattern.text] == nil { exact[pattern.text] = i }
                let text = pattern.text
                let slash = text.utf8.firstIndex(of: UInt8(ascii: "/")) ?? text.utf8.endIndex
                exactByFirst[text[text.startIndex..<slash], default: []].append(i)
            } else {
                globs.append(i)
                if case .literal(let first) = pattern.segments[0] {
                    byFirst[first, default: []].append(i)
                } else {
                    wildcardFirst.append(i)
                }
            }
        }
        self.exact = exact
        self.exactByFirstComponent = exactByFirst
        self.globsByFirstComponent = byFirst
        self.wildcardFirstGlobs = wildcardFirst
        self.globs = globs
    }

    struct Match {
        var repository: Repository
        /// Other globs of the same specificity that also match.
        var tiedWith: [Repository]
    }

    /// The declaration governing `name`, or nil when none matches.
    func match(_ name: String) -> Match? {
        if let i = exact[name] { return Match(repository: repositories[i], tiedWith: []) }
        let components = RepositoryPattern.components(of: name)
        guard let first = components.first else { return nil }
        var best: [Int] = []
        func consider(_ i: Int) {
            let pattern = repositories[i].pattern
            guard pattern.matches(components: components) else { return }
            guard let current = best.first else {
                best = [i]
                return
            }
            switch pattern.isMoreSpecific(than: repositories[current].pattern) {
            case .some(true): best = [i]
            case .some(false): break
            case .none: best.append(i)
            }
        }
        for i in globsByFirstComponent[String(first)] ?? [] { consider(i) }
        for i in wildcardFirstGlobs { consider(i) }
        guard !best.isEmpty else { return nil }
        let ordered = best.sorted { repositories[$0].name < repositories[$1].name }
        return Match(repository: repositories[ordered[0]], tiedWith: ordered.dropFirst().map { repositories[$0] })
    }

    /// True when some declared repository (exact or glob) could be named by
    /// `pattern`.
    func anyDeclaration(overlapping pattern: RepositoryPattern) -> Bool {
        if pattern.isExact { return match(pattern.text) != nil }
        if case .literal(let first) = pattern.segments[0] {
            // Only globs of the same top-level namespace, or starting with a
            // wildcard, can overlap.
            for i in globsByFirstComponent[first] ?? [] where repositories[i].pattern.overlaps(pattern) { return true }
            for i in wildcardFirstGlobs where repositories[i].pattern.overlaps(pattern) { return true }
            for i in exactByFirstComponent[Substring(first)] ?? [] where pattern.matches(repositories[i].pattern.text) {
                return true
            }
            return false
        }
        for i in globs where repositories[i].pattern.overlaps(pattern) { return true }
        for i in exact.values where pattern.matches(repositories[i].pattern.text) { return true }
        return false
    }
}
