extension SecretPattern {
    /// The rules every scan uses unless told otherwise. Specific rules come before `generic-password`, so a value one
    /// of them reports is not reported again as a generic assignment (a line reports each span once).
    public static let builtIn: [SecretPattern] = {
        let boundaryAfter = "(?![A-Za-z0-9_\\-])"
        let boundaryBefore = "(?<![A-Za-z0-9_\\-])"
        let keyKinds = "(?:(?:RSA|EC|OPENSSH|DSA|ENCRYPTED) )?PRIVATE KEY"
        let rules: [() throws -> SecretPattern] = [
            {
                try SecretPattern(id: "aws-access-key-id", description: "AWS access key id",
                                  regex: "\(boundaryBefore)((?:AKIA|ASIA)[A-Z0-9]{16})(?![A-Za-z0-9])",
                                  keywords: ["akia", "asia"], minimumEntropy: 3.0)
            },
            {
                // The secret key is 40 base64 characters with nothing of its own to recognise, so it is only taken
                // next to a name that says what it is, and only when it looks random.
                try SecretPattern(id: "aws-secret-access-key", description: "AWS secret access key",
                                  regex: "(?i:aws|secret)[A-Za-z0-9_.\\-]{0,30}[\"']?\\s*(?::|=>?)\\s*[\"']?([A-Za-z0-9/+]{40})(?![A-Za-z0-9/+=])",
                                  keywords: ["aws", "secret"], minimumEntropy: 4.0)
            },
            {
                try SecretPattern(id: "github-token", description: "GitHub token",
                                  regex: "\(boundaryBefore)((?:ghp|gho|ghu|ghs|ghr)_[A-Za-z0-9]{36}|github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59})(?![A-Za-z0-9])",
                                  keywords: ["ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_"], minimumEntropy: 3.5)
            },
            {
                try SecretPattern(id: "gitlab-token", description: "GitLab personal access token",
                                  regex: "\(boundaryBefore)(glpat-[A-Za-z0-9_\\-]{20})\(boundaryAfter)",
                                  keywords: ["glpat-"], minimumEntropy: 3.5)
            },
            {
                try SecretPattern(id: "slack-token", description: "Slack token",
                                  regex: "\(boundaryBefore)(xox[baprs]-[0-9A-Za-z]{10,}(?:-[0-9A-Za-z]{4,}){1,4})\(boundaryAfter)",
                                  keywords: ["xoxb-", "xoxa-", "xoxp-", "xoxr-", "xoxs-"], minimumEntropy: 3.5)
            },
            {
                try SecretPattern(id: "slack-webhook-url", description: "Slack incoming webhook URL",
                                  regex: "(https://hooks\\.slack\\.com/services/T[A-Z0-9]{6,}/B[A-Z0-9]{6,}/[A-Za-z0-9]{20,})",
                                  keywords: ["hooks.slack.com"])
            },
            {
                try SecretPattern(id: "private-key", description: "PEM or PGP private key",
                                  regex: "-----BEGIN \(keyKinds)-----|-----BEGIN PGP PRIVATE KEY BLOCK-----",
                                  keywords: ["private key"],
                                  blockEnd: "-----END \(keyKinds)-----|-----END PGP PRIVATE KEY BLOCK-----")
            },
            {
                try SecretPattern(id: "google-api-key", description: "Google API key",
                                  regex: "\(boundaryBefore)(AIza[0-9A-Za-z_\\-]{35})\(boundaryAfter)",
                                  keywords: ["aiza"], minimumEntropy: 3.5)
            },
            {
                try SecretPattern(id: "stripe-live-key", description: "Stripe live secret or restricted key",
                                  regex: "\(boundaryBefore)((?:sk|rk)_live_[0-9A-Za-z]{24,})(?![0-9A-Za-z])",
                                  keywords: ["sk_live_", "rk_live_"], minimumEntropy: 3.5)
            },
            {
                try SecretPattern(id: "npm-token", description: "npm access token",
                                  regex: "\(boundaryBefore)(npm_[A-Za-z0-9]{36})(?![A-Za-z0-9])",
                                  keywords: ["npm_"], minimumEntropy: 3.5)
            },
            {
                // An assignment whose name ends in a credential word. 3 bits per character, not more: an 8-character
                // value cannot exceed log2(8) = 3, and a higher bar would quietly demand 12 characters or more. A bare
                // value is taken whole (possessive) and refused when a call follows: `token = next_token(…)` is code. The match
                // starts at the keyword and only the keyword is case-insensitive: a leading identifier pattern or a
                // global (?i) made ICU try every start position with case folding, 3× the cost of the whole scan.
                try SecretPattern(id: "generic-password", description: "Password or secret assigned in configuration",
                                  regex: "(?i:password|passwd|pwd|secret|token|api_?key)[\"']?\\s*[:=]\\s*(?:\"([^\"\\s]{8,})\"|'([^'\\s]{8,})'|([^\\s\"'`,;(){}\\[\\]<>]{8,}+)(?!\\())",
                                  keywords: ["password", "passwd", "pwd", "secret", "token", "api_key", "apikey"],
                                  minimumEntropy: 3.0)
            },
        ]
        // The rules are constants of this file: one that does not compile is a bug here, found by the first test.
        return rules.map { try! $0() }
    }()
}
