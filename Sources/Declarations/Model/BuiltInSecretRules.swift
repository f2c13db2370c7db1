/// The secret rules Berth's push-time scanner ships with. A SecretException may name one of them without a
/// SecretRule declaration, and no SecretRule may take one of their ids as its name.
public enum BuiltInSecretRules {
    public static let ids: [String] = [
        "aws-access-key-id", "aws-secret-access-key", "github-token", "gitlab-token", "slack-token",
        "slack-webhook-url", "private-key", "google-api-key", "stripe-live-key", "npm-token", "generic-password",
    ]

    public static func contains(_ id: String) -> Bool { ids.contains(id) }
}
