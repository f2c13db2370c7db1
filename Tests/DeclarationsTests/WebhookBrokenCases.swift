/// Broken Webhook declarations, run with the rest of the corpus (BrokenCorpusTests). Every spec is on line 4, so each
/// column below is where the faulty value starts on that line.
let webhookBrokenCases: [BrokenCase] = [
    BrokenCase(name: "webhook without a url", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:7: missing required field 'url' in spec; expected an absolute http:// or https:// URL with a host and without user:password@, such as https://hooks.example.com/berth"),
    BrokenCase(name: "webhook url with credentials", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://bot:hunter2@hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:13: spec.url: invalid URL: it has user information (user:password@ before the host); credentials never go in git"),
    BrokenCase(name: "webhook url of another scheme", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "ftp://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:13: spec.url: invalid URL: its scheme is 'ftp'; only http and https are delivered to"),
    BrokenCase(name: "relative webhook url", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: /hooks/berth, events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:13: spec.url: invalid URL: it is not absolute (no http:// or https://)"),
    BrokenCase(name: "webhook url with a space", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/my hook", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:13: spec.url: invalid URL: it has a space, a control character or a non-ASCII character; percent-encode it"),
    BrokenCase(name: "webhook without events", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:56: spec.events: expected at least one audit action; found an empty list (the webhook would receive nothing)"),
    BrokenCase(name: "misspelt webhook event", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push, verdict-changed], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:72: spec.events[1]: expected one of: manifest-push, manifest-pull, tag-delete, manifest-delete, blob-delete, retention-delete, authentication-failed, access-denied, throttled, quarantine-refused, quarantine-read, signature-rejected, secrets-found, vulnerabilities-found, verdict-change, configuration-apply, drift-detect, drift-revert, robot-token-mint, robot-token-rotate, robot-token-revoke, server-start, server-stop; found 'verdict-changed' (did you mean 'verdict-change'?)"),
    BrokenCase(name: "webhook event listed twice", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push, tag-delete, manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:84: spec.events[2]: event 'manifest-push' is listed twice"),
    BrokenCase(name: "webhook events not a list", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: manifest-push, secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:56: spec.events: expected a list of audit actions; found 'manifest-push'"),
    BrokenCase(name: "webhook secret in both env and file", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY, file: /etc/berth/webhook.key}}
        """,
        expected: "test.yaml:4:84: spec.secretRef: expected exactly one of {env: VARIABLE_NAME} or {file: /absolute/path/on/the/server}; found env and file"),
    BrokenCase(name: "webhook secret in neither", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {}}
        """,
        expected: "test.yaml:4:84: spec.secretRef: expected exactly one of {env: VARIABLE_NAME} or {file: /absolute/path/on/the/server}; found neither"),
    BrokenCase(name: "webhook secret in an invalid variable", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH-WEBHOOK-KEY}}
        """,
        expected: "test.yaml:4:90: spec.secretRef.env: invalid environment variable name 'BERTH-WEBHOOK-KEY': it has the character '-'; expected an environment variable name: letters, digits and '_', not starting with a digit"),
    BrokenCase(name: "webhook secret in a relative file", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {file: secrets/webhook.key}}
        """,
        expected: "test.yaml:4:91: spec.secretRef.file: invalid path 'secrets/webhook.key': it is not absolute; expected an absolute path on the server, such as /etc/berth/webhook.key"),
    BrokenCase(name: "webhook secret written in git", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {value: s3cr3t}}
        """,
        expected: "test.yaml:4:85: unknown field 'value' in spec.secretRef; expected one of: env, file"),
    BrokenCase(name: "webhook without a secretRef", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push]}
        """,
        expected: "test.yaml:4:7: missing required field 'secretRef' in spec; expected where the server finds the signing key: exactly one of {env: VARIABLE_NAME} or {file: /absolute/path/on/the/server}"),
    BrokenCase(name: "webhook timeout too long", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}, timeout: 2m}
        """,
        expected: "test.yaml:4:119: spec.timeout: 2m is too long; expected a duration from 1s to 60s for one delivery attempt"),
    BrokenCase(name: "webhook timeout not a duration", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}, timeout: 10 seconds}
        """,
        expected: "test.yaml:4:119: spec.timeout: invalid duration '10 seconds'; expected a duration such as 45s"),
    BrokenCase(name: "misspelt webhook field", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", event: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:48: unknown field 'event' in spec; expected one of: url, events, repositories, secretRef, timeout (did you mean 'events'?)"),
    BrokenCase(name: "webhook with an empty repository filter", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], repositories: [], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:87: spec.repositories: expected at least one repository name or glob; found an empty list"),
    BrokenCase(name: "webhook with an invalid repository glob", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/berth", events: [manifest-push], repositories: ["Payments/*"], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:4:88: spec.repositories[0]: invalid repository name or glob 'Payments/*'"),
    BrokenCase(name: "duplicate webhook", yaml: """
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/a", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        ---
        \(H)kind: Webhook
        metadata: {name: w}
        spec: {url: "https://hooks.example.com/b", events: [manifest-push], secretRef: {env: BERTH_WEBHOOK_KEY}}
        """,
        expected: "test.yaml:8:18: duplicate Webhook name 'w'; it is first declared at test.yaml:3:18 (names are unique per kind)"),
]
