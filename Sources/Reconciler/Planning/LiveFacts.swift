/// What the registry knows that git does not, used to judge how destructive
/// a plan is.
public struct LiveFacts: Sendable, Hashable {
    /// Concrete repository name → number of manifests it holds. Repositories
    /// that hold nothing may be left out.
    public var imageCounts: [String: Int]

    public init(imageCounts: [String: Int] = [:]) {
        self.imageCounts = imageCounts
    }

    public static let none = LiveFacts()
}
