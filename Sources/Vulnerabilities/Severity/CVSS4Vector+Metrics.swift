extension CVSS4Vector {
    /// The base metric values as severity levels: 0 is the most severe value of a metric, each step away from it one
    /// more. These are the steps the specification measures a vector's distance from its macrovector's highest-severity
    /// vectors in.
    struct Metrics: Sendable, Hashable {
        var attackVector, attackComplexity, attackRequirements, privilegesRequired, userInteraction: Int
        var vulnerableConfidentiality, vulnerableIntegrity, vulnerableAvailability: Int
        var subsequentConfidentiality, subsequentIntegrity, subsequentAvailability: Int

        init?(_ vector: String) {
            var parts = vector.split(separator: "/", omittingEmptySubsequences: false)
            guard parts.first == "CVSS:4.0" else { return nil }
            parts.removeFirst()
            var values: [Substring: Substring] = [:]
            for part in parts {
                let pair = part.split(separator: ":", omittingEmptySubsequences: false)
                guard pair.count == 2, !pair[1].isEmpty, values.updateValue(pair[1], forKey: pair[0]) == nil else { return nil }
                guard Self.levels[pair[0]] != nil || Self.otherMetrics.contains(pair[0]) else { return nil }
            }
            func level(_ metric: Substring) -> Int? { values[metric].flatMap { Self.levels[metric]?[$0] } }
            guard
                let attackVector = level("AV"), let attackComplexity = level("AC"), let attackRequirements = level("AT"),
                let privilegesRequired = level("PR"), let userInteraction = level("UI"),
                let vulnerableConfidentiality = level("VC"), let vulnerableIntegrity = level("VI"),
                let vulnerableAvailability = level("VA"), let subsequentConfidentiality = level("SC"),
                let subsequentIntegrity = level("SI"), let subsequentAvailability = level("SA")
            else { return nil }
            self.attackVector = attackVector
            self.attackComplexity = attackComplexity
            self.attackRequirements = attackRequirements
            self.privilegesRequired = privilegesRequired
            self.userInteraction = userInteraction
            self.vulnerableConfidentiality = vulnerableConfidentiality
            self.vulnerableIntegrity = vulnerableIntegrity
            self.vulnerableAvailability = vulnerableAvailability
            self.subsequentConfidentiality = subsequentConfidentiality
            self.subsequentIntegrity = subsequentIntegrity
            self.subsequentAvailability = subsequentAvailability
        }

        var hasNoImpact: Bool {
            [vulnerableConfidentiality, vulnerableIntegrity, vulnerableAvailability].allSatisfy { $0 == Self.impactNone }
                && [subsequentConfidentiality, subsequentIntegrity, subsequentAvailability].allSatisfy { $0 == Self.subsequentNone }
        }

        /// Level of "H" for the six impact metrics, and of "N".
        static let impactHigh = 0, impactNone = 2
        static let subsequentHigh = 1, subsequentNone = 3

        /// The base metrics and their values, most severe first. Subsequent-system impacts start at 1: "Safety", the
        /// level above "High", exists only for the environmental MSI and MSA.
        private static let levels: [Substring: [Substring: Int]] = [
            "AV": ["N": 0, "A": 1, "L": 2, "P": 3],
            "AC": ["L": 0, "H": 1],
            "AT": ["N": 0, "P": 1],
            "PR": ["N": 0, "L": 1, "H": 2],
            "UI": ["N": 0, "P": 1, "A": 2],
            "VC": ["H": 0, "L": 1, "N": 2], "VI": ["H": 0, "L": 1, "N": 2], "VA": ["H": 0, "L": 1, "N": 2],
            "SC": ["H": 1, "L": 2, "N": 3], "SI": ["H": 1, "L": 2, "N": 3], "SA": ["H": 1, "L": 2, "N": 3],
        ]

        /// Threat, environmental and supplemental metrics: allowed in a vector, not part of its base score.
        private static let otherMetrics: Set<Substring> = [
            "E", "CR", "IR", "AR", "MAV", "MAC", "MAT", "MPR", "MUI", "MVC", "MVI", "MVA", "MSC", "MSI", "MSA",
            "S", "AU", "R", "V", "RE", "U",
        ]
    }
}
