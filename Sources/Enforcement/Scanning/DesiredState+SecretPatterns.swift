import ContentAnalysis
import Declarations

extension DesiredState {
    /// The built-in secret patterns and the declared SecretRules. A rule whose pattern does not compile cannot be in a
    /// validated configuration; should one arrive anyway, it is left out rather than stopping every scan.
    public var secretPatterns: [SecretPattern] {
        SecretPattern.builtIn + secretRules.compactMap { rule in
            try? SecretPattern(id: rule.name, description: rule.description ?? rule.name, regex: rule.regex, keywords: rule.keywords,
                               minimumEntropy: rule.entropy, paths: rule.paths)
        }
    }
}
