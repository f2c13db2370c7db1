extension CVSS4Vector {
    /// A vector's six equivalence classes (specification section 8.1), each 0 at its most severe level. EQ3 (the
    /// vulnerable system's impacts) and EQ6 (those impacts weighed by the security requirements) are lowered together:
    /// not every pair of their levels exists.
    struct MacroVector: Sendable, Hashable {
        var eq1, eq2, eq3, eq4, eq5, eq6: Int

        init(eq1: Int, eq2: Int, eq3: Int, eq4: Int, eq5: Int, eq6: Int) {
            (self.eq1, self.eq2, self.eq3, self.eq4, self.eq5, self.eq6) = (eq1, eq2, eq3, eq4, eq5, eq6)
        }

        init(_ metrics: Metrics) {
            let networkOrNone = [metrics.attackVector, metrics.privilegesRequired, metrics.userInteraction].filter { $0 == 0 }
            let physical = 3
            eq1 = networkOrNone.count == 3 ? 0 : (!networkOrNone.isEmpty && metrics.attackVector != physical ? 1 : 2)
            eq2 = metrics.attackComplexity == 0 && metrics.attackRequirements == 0 ? 0 : 1
            let high = Metrics.impactHigh
            let vulnerable = [metrics.vulnerableConfidentiality, metrics.vulnerableIntegrity, metrics.vulnerableAvailability]
            eq3 = vulnerable[0] == high && vulnerable[1] == high ? 0 : (vulnerable.contains(high) ? 1 : 2)
            // Level 0 needs a subsequent-system "Safety" impact, which only the environmental MSI and MSA can state.
            let subsequent = [metrics.subsequentConfidentiality, metrics.subsequentIntegrity, metrics.subsequentAvailability]
            eq4 = subsequent.contains(Metrics.subsequentHigh) ? 1 : 2
            // Exploit maturity defaults to "Attacked", the most severe.
            eq5 = 0
            // With every security requirement at its default, "High", EQ6 asks whether any vulnerable impact is high.
            eq6 = vulnerable.contains(high) ? 0 : 1
        }

        /// The score of the macrovector's highest-severity vectors; nil for a combination of levels that does not exist.
        var score: Double? {
            CVSS4Vector.macroVectorScores["\(eq1)\(eq2)\(eq3)\(eq4)\(eq5)\(eq6)"]
        }

        /// The score of the next lower macrovector in one class, nil when there is none.
        func lowerScore(_ equivalenceClass: WritableKeyPath<MacroVector, Int>) -> Double? {
            var lower = self
            lower[keyPath: equivalenceClass] += 1
            return lower.score
        }

        /// EQ3 and EQ6 step down together: from (0,0) to the higher scoring of (0,1) and (1,0), from (0,1) and
        /// (1,0) to (1,1), from (1,1) to (2,1); (2,1) is the lowest.
        var lowerEQ3EQ6Score: Double? {
            if eq3 == 0 && eq6 == 0 {
                let candidates = [lowerScore(\.eq6), lowerScore(\.eq3)].compactMap { $0 }
                return candidates.max()
            }
            return eq6 == 0 ? lowerScore(\.eq6) : lowerScore(\.eq3)
        }
    }
}
