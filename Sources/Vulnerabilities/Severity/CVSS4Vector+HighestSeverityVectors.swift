extension CVSS4Vector {
    /// How far a vector is from the highest-severity vectors of its macrovector, per equivalence class, as a
    /// proportion of the class's depth (specification section 8.2). The vectors and depths are data of the
    /// specification, as FIRST's reference calculator publishes them (max_composed.js, max_severity.js), written as
    /// severity levels (see `Metrics`).
    enum HighestSeverityVectors {
        struct Proportions {
            var eq1, eq2, eq3eq6, eq4: Double
        }

        static func distances(of metrics: Metrics, within macroVector: MacroVector) -> Proportions {
            // The security requirements are not base metrics: at their default, "High", they are at level 0.
            let defaultRequirement = 0
            let vulnerable = [
                metrics.vulnerableConfidentiality, metrics.vulnerableIntegrity, metrics.vulnerableAvailability,
                defaultRequirement, defaultRequirement, defaultRequirement,
            ]
            let subsequent = [metrics.subsequentConfidentiality, metrics.subsequentIntegrity, metrics.subsequentAvailability]
            let eq3eq6Key = macroVector.eq3 * 10 + macroVector.eq6
            return Proportions(
                eq1: proportion(
                    [metrics.attackVector, metrics.privilegesRequired, metrics.userInteraction],
                    highest: eq1Vectors[macroVector.eq1], depth: eq1Depths[macroVector.eq1]),
                eq2: proportion(
                    [metrics.attackComplexity, metrics.attackRequirements],
                    highest: eq2Vectors[macroVector.eq2], depth: eq2Depths[macroVector.eq2]),
                eq3eq6: proportion(vulnerable, highest: eq3eq6Vectors[eq3eq6Key] ?? [], depth: eq3eq6Depths[eq3eq6Key] ?? 1),
                eq4: proportion(subsequent, highest: eq4Vectors[macroVector.eq4], depth: eq4Depths[macroVector.eq4]))
        }

        /// The distance from the first highest-severity vector the metrics are nowhere more severe than, over the
        /// class's depth. One always exists in the specification's tables; the reference calculator falls back to the
        /// last vector otherwise, and so does this.
        private static func proportion(_ levels: [Int], highest: [[Int]], depth: Int) -> Double {
            let differences = highest.lazy.map { vector in zip(levels, vector).map { $0 - $1 } }
            guard let chosen = differences.first(where: { $0.allSatisfy { $0 >= 0 } }) ?? differences.last else { return 0 }
            return Double(chosen.reduce(0, +)) / Double(depth)
        }

        /// EQ1 levels 0...2: AV, PR, UI.
        private static let eq1Vectors: [[[Int]]] = [
            [[0, 0, 0]],
            [[1, 0, 0], [0, 1, 0], [0, 0, 1]],
            [[3, 0, 0], [1, 1, 1]],
        ]
        private static let eq1Depths = [1, 4, 5]

        /// EQ2 levels 0...1: AC, AT.
        private static let eq2Vectors: [[[Int]]] = [[[0, 0]], [[1, 0], [0, 1]]]
        private static let eq2Depths = [1, 2]

        /// Keyed by EQ3 × 10 + EQ6: VC, VI, VA, CR, IR, AR.
        private static let eq3eq6Vectors: [Int: [[Int]]] = [
            00: [[0, 0, 0, 0, 0, 0]],
            01: [[0, 0, 1, 1, 1, 0], [0, 0, 0, 1, 1, 1]],
            10: [[1, 0, 0, 0, 0, 0], [0, 1, 0, 0, 0, 0]],
            11: [[1, 0, 1, 0, 1, 0], [1, 0, 0, 0, 1, 1], [0, 1, 0, 1, 0, 1], [0, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 1]],
            21: [[1, 1, 1, 0, 0, 0]],
        ]
        private static let eq3eq6Depths: [Int: Int] = [00: 7, 01: 6, 10: 8, 11: 8, 21: 10]

        /// EQ4 levels 0...2: SC, SI, SA.
        private static let eq4Vectors: [[[Int]]] = [[[1, 0, 0]], [[1, 1, 1]], [[2, 2, 2]]]
        private static let eq4Depths = [6, 5, 4]
    }
}
