/// Whether a layer was read to its end.
public enum LayerOutcome: Sendable, Hashable, Codable {
    /// Every entry was read and every regular text file outside documentation paths was matched.
    case scanned
    /// The scan stopped, or never started, for `reason`; findings up to that point are still reported.
    case unscannable(reason: String)
    /// The blob is not a layer (a config, a signature, an SBOM…): nothing was read past its first bytes.
    case notALayer
}
