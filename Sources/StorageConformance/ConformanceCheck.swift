import Testing

/// One check of a conformance suite, named so a failure says which contract was broken.
///
/// A driver's tests can take the checks as arguments, one test case per check:
/// `@Test(arguments: BlobStoreConformance(makeStore: …).allChecks) func blobs(check: ConformanceCheck) async throws`.
public struct ConformanceCheck: Sendable, CustomTestStringConvertible {
    public let name: String
    private let body: @Sendable () async throws -> Void

    init(_ name: String, _ body: @escaping @Sendable () async throws -> Void) {
        self.name = name
        self.body = body
    }

    /// Runs the check. Differences are recorded as issues of the running test (with `#expect`), so they need a
    /// swift-testing test to land in; an error thrown by the store ends the check and is rethrown.
    public func run() async throws { try await body() }

    public var testDescription: String { name }
}

extension [ConformanceCheck] {
    /// Runs every check, also after one fails, so a single run reports every broken contract.
    func run() async {
        for check in self {
            do {
                try await check.run()
            } catch {
                Issue.record(error, Comment(rawValue: "\(check.name) threw"))
            }
        }
    }
}

extension Comment {
    /// The check's name and what a failed expectation means: `MetadataStoreConformance.x: a shared blob counts in each`.
    func with(_ detail: String) -> Comment { Comment(rawValue: "\(rawValue): \(detail)") }
}
