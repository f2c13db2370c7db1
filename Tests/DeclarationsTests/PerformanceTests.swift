import Foundation
import Testing
import Declarations

/// Synthetic declarations at scale: 10,000 repositories, 500 teams, 2,000
/// users and 50,000 role bindings, split over files the way a real repository
/// would be. `bindingFiles` (1,000 bindings each) shrinks the set for
/// ordinary debug runs.
func largeDeclarationSet(bindingFiles: Int = 50) -> [DeclarationFile] {
    let hash = "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW"
    var files: [DeclarationFile] = []
    func add(_ path: String, _ docs: [String]) {
        files.append(DeclarationFile(path: path, contents: Data(docs.joined(separator: "---\n").utf8)))
    }
    add("tiers.yaml", ["internal", "confidential"].map {
        "\(H)kind: Tier\nmetadata: {name: \($0)}\nspec:\n  retention: {keepLast: 10, keepPulledWithin: 30d}\n  immutableTags: [\"v*\"]\n"
    })
    add("roles.yaml", ["guest", "developer", "maintainer"].map {
        "\(H)kind: Role\nmetadata: {name: \($0)}\nspec: {permissions: [pull, push]}\n"
    })
    for chunk in 0..<10 {
        add("users/\(chunk).yaml", (0..<200).map { i in
            "\(H)kind: User\nmetadata: {name: user-\(chunk * 200 + i)}\nspec: {passwordHash: \"\(hash)\", email: u\(chunk * 200 + i)@example.com}\n"
        })
    }
    add("teams.yaml", (0..<500).map { t in
        "\(H)kind: Team\nmetadata: {name: team-\(t)}\nspec:\n  members: [\((0..<4).map { "user-\((t * 4 + $0) % 2000)" }.joined(separator: ", "))]\n"
    })
    for chunk in 0..<10 {
        var docs = (0..<1000).map { i -> String in
            let n = chunk * 1000 + i
            return "\(H)kind: Repository\nmetadata: {name: team-\(n % 500)/service-\(n)}\nspec:\n  tier: \(n % 3 == 0 ? "confidential" : "internal")\n  description: Service \(n)\n"
        }
        if chunk == 0 {
            docs += (0..<500).map { "\(H)kind: Repository\nmetadata: {name: \"team-\($0)/*\"}\nspec: {tier: internal}\n" }
        }
        add("repositories/\(chunk).yaml", docs)
    }
    for chunk in 0..<bindingFiles {
        add("bindings/\(chunk).yaml", (0..<1000).map { i in
            let n = chunk * 1000 + i
            return """
                \(H)kind: RoleBinding
                metadata:
                  name: binding-\(n)
                spec:
                  role: \(["guest", "developer", "maintainer"][n % 3])
                  repositories: ["team-\(n % 500)/*", "team-\(n % 500)/service-\(n % 10_000)"]
                  subjects:
                    - team: team-\(n % 500)
                    - user: user-\(n % 2000)

                """
        })
    }
    return files
}

@Suite struct ScaleTests {
    /// Correctness at scale (runs in every build). The timing figure comes
    /// from `BERTH_PERF=1 swift test -c release --filter ScaleTests`.
    @Test func largeSetLoadsCleanly() {
        let perf = ProcessInfo.processInfo.environment["BERTH_PERF"] != nil
        let files = largeDeclarationSet(bindingFiles: perf ? 50 : 10)
        let bytes = files.reduce(0) { $0 + $1.contents.count }
        let clock = ContinuousClock()
        var result: LoadResult?
        let runs = perf ? 5 : 1
        var timings: [Duration] = []
        var cpu: [Double] = []
        for _ in 0..<runs {
            result = nil
            let cpuStart = processCPUSeconds()
            timings.append(clock.measure { result = DeclarationLoader().load(files, now: fixedNow) })
            cpu.append(processCPUSeconds() - cpuStart)
        }
        let loaded = result!
        #expect(loaded.diagnostics.isEmpty, "\(loaded.diagnostics.prefix(5))")
        #expect(loaded.state.repositories.count == 10_500)
        #expect(loaded.state.teams.count == 500)
        #expect(loaded.state.roleBindings.count == (perf ? 50_000 : 10_000))
        let lookups = clock.measure {
            for n in 0..<10_000 {
                _ = loaded.state.effectivePolicy(for: "team-\(n % 500)/service-\(n)")
                _ = loaded.state.effectivePolicy(for: "team-\(n % 500)/undeclared-\(n)")
            }
        }
        print("scale: \(files.count) files, \(bytes) bytes; load+validate wall \(timings.map { "\($0)" }.joined(separator: ", ")); process CPU (all threads) \(cpu.map { String(format: "%.3f s", $0) }.joined(separator: ", ")); 20,000 effective-policy lookups \(lookups)")
    }
}

/// CPU time consumed by this process (all threads, user and system): the
/// work done, less sensitive than wall time to other load on the machine.
func processCPUSeconds() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}
