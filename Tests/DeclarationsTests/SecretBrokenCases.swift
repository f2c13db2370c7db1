/// Broken SecretRule and SecretException declarations, run with the rest of the corpus (BrokenCorpusTests).
let secretBrokenCases: [BrokenCase] = [
    BrokenCase(name: "regex that does not compile", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_(", keywords: [acme_]}
        """,
        expected: "test.yaml:4:15: spec.regex: invalid regular expression: expected ')'; expected ICU syntax, as NSRegularExpression compiles it"),
    BrokenCase(name: "regex only ICU refuses", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_[a-z]{32", keywords: [acme_]}
        """,
        expected: "test.yaml:4:15: spec.regex: invalid regular expression: ICU cannot compile it"),
    BrokenCase(name: "secret rule without keywords", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x"}
        """,
        expected: "test.yaml:4:7: missing required field 'keywords' in spec; expected a list of strings (at least 3 characters each) that every match contains"),
    BrokenCase(name: "empty keyword list", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: []}
        """,
        expected: "test.yaml:4:35: spec.keywords: expected at least one keyword; found an empty list (the scanner only runs the regex on text containing a keyword)"),
    BrokenCase(name: "short keyword", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: [acme_, ac]}
        """,
        expected: "test.yaml:4:43: spec.keywords[1]: keyword 'ac' is shorter than 3 characters; short keywords match almost every file"),
    BrokenCase(name: "entropy out of range", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: [acme_], entropy: 9}
        """,
        expected: "test.yaml:4:53: spec.entropy: expected a number of bits per character, more than 0 and at most 8; found '9'"),
    BrokenCase(name: "zero entropy", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: [acme_], entropy: 0}
        """,
        expected: "test.yaml:4:53: spec.entropy: expected a number of bits per character, more than 0 and at most 8; found '0'"),
    BrokenCase(name: "absolute path glob", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: [acme_], paths: ["/etc/**"]}
        """,
        expected: "test.yaml:4:52: spec.paths[0]: invalid path glob '/etc/**': it starts with '/'; paths inside a layer are relative (write 'etc/**', not '/etc/**')"),
    BrokenCase(name: "secret rule named like a built-in rule", yaml: """
        \(H)kind: SecretRule
        metadata: {name: github-token}
        spec: {regex: "ghx_[0-9]+", keywords: [ghx_]}
        """,
        expected: "test.yaml:3:18: metadata.name: 'github-token' is the id of a built-in secret rule; a SecretRule adds a rule and cannot replace a built-in one, so choose another name"),
    BrokenCase(name: "duplicate secret rule", yaml: """
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_x", keywords: [acme_]}
        ---
        \(H)kind: SecretRule
        metadata: {name: r}
        spec: {regex: "acme_y", keywords: [acme_]}
        """,
        expected: "test.yaml:8:18: duplicate SecretRule name 'r'; it is first declared at test.yaml:3:18 (names are unique per kind)"),
    BrokenCase(name: "secret exception naming an unknown rule", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: privat-key, repositories: ["payments/*"], expires: 2027-01-31, reason: r}
        """,
        expected: "test.yaml:4:14: spec.rule refers to SecretRule 'privat-key', which is not declared and is no built-in rule; no SecretRule is declared; built-in: aws-access-key-id, aws-secret-access-key, github-token, gitlab-token, slack-token, slack-webhook-url, private-key, google-api-key, stripe-live-key, npm-token, generic-password (did you mean 'private-key'?)"),
    BrokenCase(name: "secret exception with a misspelt field", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: private-key, repositories: ["payments/*"], path: ["app/**"], expires: 2027-01-31, reason: r}
        """,
        expected: "test.yaml:4:57: unknown field 'path' in spec; expected one of: rule, repositories, paths, expires, reason, owner (did you mean 'paths'?)"),
    BrokenCase(name: "expired secret exception", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: private-key, repositories: ["payments/*"], expires: 2026-05-31, reason: r}
        """,
        expected: "test.yaml:4:66: spec.expires: this exception expired on 2026-05-31; remove it, or renew it with a later date and a fresh review"),
    BrokenCase(name: "secret exception with an impossible date", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: private-key, repositories: ["payments/*"], expires: 2027-02-29, reason: r}
        """,
        expected: "test.yaml:4:66: spec.expires: invalid date '2027-02-29'; expected a real calendar date written YYYY-MM-DD"),
    BrokenCase(name: "secret exception without a reason", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: private-key, repositories: ["payments/*"], expires: 2027-01-31, reason: ""}
        """,
        expected: "test.yaml:4:86: spec.reason: expected a non-empty explanation of why the risk is accepted; found an empty string"),
    BrokenCase(name: "secret exception without repositories", yaml: """
        \(H)kind: SecretException
        metadata: {name: e}
        spec: {rule: private-key, repositories: [], expires: 2027-01-31, reason: r}
        """,
        expected: "test.yaml:4:41: spec.repositories: expected at least one repository name or glob; found an empty list"),
]
