/// Declarations that test suites share.
public enum DeclarationFixtures {
    /// A tier without anonymous pulls for `team/**` and one with them for `open/**`, as YAML documents.
    public static let privateAndPublicTiers = """
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: private}
        spec: {anonymousPull: false}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Tier
        metadata: {name: public}
        spec: {anonymousPull: true}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "team/**"}
        spec: {tier: private}
        ---
        apiVersion: berth.dev/v1alpha1
        kind: Repository
        metadata: {name: "open/**"}
        spec: {tier: public}
        """

    /// bcrypt hashes (cost 4, so suites that log in stay fast) of each user's password, `NAME-password`.
    public static let passwordHashes: [String: String] = [
        "reader": "$2y$04$o5OhK/07rQpql1NOua0bPOjB8Sr4S0BW6NIjFZY8vUfwhbxEWkUOC",
        "writer": "$2y$04$jqMiW1DFZkv8SaDkgEWGR.X9wrCiaFvtNJ5FD8jm5Pc7mI5u9vpnK",
        "deleter": "$2y$04$xdc0metG6wZxT2AdcazAkuBw/0UOSc3YH9WrkYDSe8wErtEsaP0h6",
        "owner": "$2y$04$ORTOdEQvJ/bsHUQIA3KeJuw./8m5/nwN7alVZV/50jiNZXZSnDG46",
        "outsider": "$2y$04$nYUdi1ivMzdrcHE5zNRRi.m7cDfQAuJmo2sBcU7VZBGikcugNPltK",
        "root": "$2y$04$kqXWOYlrs5jQB8HOIcLhtOWhWMeVD1vqE4IKHcpc7GG0.yPpVeDCK",
    ]

    public static func password(_ user: String) -> String { "\(user)-password" }
}
