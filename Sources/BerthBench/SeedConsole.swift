import ArgumentParser
import Foundation

/// Fills a registry with many small repositories and tags, through its HTTP API, for bench/console.sh.
struct SeedConsole: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seed-console",
        abstract: "Push REPOSITORIES repositories of TAGS tags each (distinct manifests over one small image), named PREFIX/NNNNN.",
        discussion: #"Prints {"scenario":"seed-console","seconds":…,"ops":<manifests>,…}"#
    )

    @OptionGroup var common: CommonOptions

    @Option(help: "Repositories to create") var repositories: Int = 10_000
    @Option(help: "Tags (each a distinct manifest) per repository") var tags: Int = 10
    @Option(help: "Repositories pushed at once") var concurrency: Int = 16

    func validate() throws {
        guard repositories > 0, tags > 0, concurrency > 0 else { throw ValidationError("--repositories, --tags and --concurrency must be positive") }
    }

    func run() async throws {
        let parts = ImageParts()
        let (repositories, tags, concurrency, prefix) = (self.repositories, self.tags, self.concurrency, common.repo)
        let seconds = try await withRegistry(common, connections: concurrency) { registry in
            try await timed {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    var next = 0
                    func pushOne(_ index: Int) {
                        let repository = RegistryClient(http: registry.http, base: registry.base, repo: String(format: "%@/%05d", prefix, index),
                                                        authorization: registry.authorization)
                        group.addTask {
                            try await parts.push(to: repository)
                            for tag in 0..<tags {
                                let (body, digest) = parts.manifest(annotations: [("org.berth.bench.repository", String(index)), ("org.berth.bench.tag", String(tag))])
                                try await repository.putManifest(reference: "v\(tag)", body: body, digest: digest)
                            }
                        }
                    }
                    while next < min(concurrency, repositories) {
                        pushOne(next)
                        next += 1
                    }
                    while try await group.next() != nil, next < repositories {
                        pushOne(next)
                        next += 1
                    }
                    try await group.waitForAll()
                }
            }
        }
        BenchResult(scenario: "seed-console", seconds: seconds, bytes: 0, ops: repositories * tags,
                    extra: [("repositories", String(repositories)), ("tags", String(repositories * tags))]).emit()
    }
}
