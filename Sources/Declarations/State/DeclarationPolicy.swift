extension DesiredState {
    /// The Repository declaration named exactly `name` (a repository name or
    /// a glob such as `payments/*`).
    public func repositoryDeclaration(named name: String) -> Repository? {
        // `repositories` is sorted by name.
        var low = 0, high = repositories.count
        while low < high {
            let mid = (low + high) / 2
            if repositories[mid].name < name { low = mid + 1 } else { high = mid }
        }
        return low < repositories.count && repositories[low].name == name ? repositories[low] : nil
    }

    /// The effective policy a Repository declaration gives the repositories
    /// it governs: its tier merged field by field with its overrides, the
    /// same merge as ``effectivePolicy(for:)`` but for the declaration named
    /// `name` itself (which may be a glob). `repository` is the declaration's
    /// name, and the vulnerability and secret exceptions listed are those whose
    /// patterns overlap it. Nil when no such declaration exists or its tier is not
    /// declared.
    public func effectivePolicy(ofDeclaration name: String) -> EffectivePolicy? {
        guard let declaration = repositoryDeclaration(named: name),
              let tier = tier(named: declaration.tier) else { return nil }
        let exceptions = vulnerabilityExceptions
            .filter { exception in exception.repositories.contains { $0.overlaps(declaration.pattern) } }
            .map(\.name)
        let secretExceptions = secretExceptions
            .filter { exception in exception.repositories.contains { $0.overlaps(declaration.pattern) } }
            .map(\.name)
        return EffectivePolicy(repository: name, declaration: declaration, tier: tier, exceptions: exceptions,
                               secretExceptions: secretExceptions)
    }
}
