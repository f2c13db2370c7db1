import ArgumentParser
import ContentAnalysis
import Declarations
import Enforcement
import Foundation
import Vulnerabilities

/// Scans an image on disk for secrets with the registry's engine, before it is pushed: the CI pre-flight.
struct ScanCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan an image on disk (oci:DIR[:TAG] or docker-archive:FILE) for secrets, as a push would be.",
        discussion: """
            With --declarations, the declared SecretRules are added to the built-in ones, and --repository (or --tier) \
            says whose policy and SecretExceptions apply. Without them, any secret blocks, as the default tier does.
            With --vulndb, the image's packages are also matched against OSV records, and findings at or above \
            --threshold (else the policy's threshold, else critical) block, less those the policy's \
            VulnerabilityExceptions suppress. With --sbom cyclonedx, the image's packages are written as a CycloneDX \
            1.5 JSON SBOM instead, and nothing is judged.
            Exit status: 0 the push would be accepted (clean, only accepted or warned findings, or secrets not scanned), \
            2 secrets that would block it, 3 a layer that cannot be scanned (or packages that cannot be matched) where \
            that blocks, 4 vulnerabilities that would block it, 1 error.
            """)

    @Argument(help: "oci:DIR[:TAG] or docker-archive:FILE.")
    var image: String

    @Option(help: "Output format: text, json or sarif.")
    var format: ScanFormat = .text

    @Option(help: "Folder of declarations: their SecretRules, SecretExceptions and tiers apply.")
    var declarations: String?

    @Option(help: "Judge the image as a push to this repository would be (its tier and SecretExceptions; needs --declarations).")
    var repository: String?

    @Option(help: "Judge the image under this tier's policy (needs --declarations).")
    var tier: String?

    @Option(help: "OSV records to match the image's packages against: a folder of JSON records or all.zip files, or one file. Repeatable.")
    var vulndb: [String] = []

    @Option(help: "With --vulndb: vulnerabilities at or above this severity block (low, medium, high, critical).")
    var threshold: VulnerabilitySeverity?

    @Option(help: "Write the image's packages as an SBOM in this format (cyclonedx) instead of judging it.")
    var sbom: SBOMFormat?

    enum ScanFormat: String, ExpressibleByArgument, CaseIterable { case text, json, sarif }
    enum SBOMFormat: String, ExpressibleByArgument, CaseIterable { case cyclonedx }

    func run() async throws {
        var policy = try loadPolicy()
        if threshold != nil, vulndb.isEmpty {
            Output.error("berth scan: --threshold needs --vulndb")
            throw ExitCode(1)
        }
        if !vulndb.isEmpty {
            policy.vulnerabilities = try loadVulnerabilities(requirement: policy.vulnerabilityRequirement)
        }
        let onDisk: ImageOnDisk
        do {
            onDisk = try ImageOnDisk.open(image)
        } catch {
            Output.error("berth scan: \(error)")
            throw ExitCode(1)
        }
        let inventories = sbom != nil || policy.vulnerabilities != nil
        let scanner = LayerScanner(patterns: policy.patterns, limits: .standard, inventories: inventories)
        let progress = ScanProgress(enabled: isatty(STDOUT_FILENO) == 1 && isatty(STDERR_FILENO) == 1)
        // A policy that neither scans for secrets nor checks packages reads nothing, as a push under it would not.
        let report = policy.requirement == nil && !inventories
            ? ImageReport(layers: [])
            : onDisk.scan(with: scanner, progress: { done, total in progress.show(done: done, total: total) })
        progress.finish()
        if sbom != nil {
            try writeSBOM(report)
            return
        }
        let outcome: ScanOutcome
        do {
            outcome = try ScanOutcome(image: image, report: report, policy: policy, scanner: scanner.fingerprint, now: Date())
        } catch {
            Output.error("berth scan: \(error)")
            throw ExitCode(1)
        }
        switch format {
        case .text: print(outcome.text, terminator: "")
        case .json: print(String(decoding: try outcome.json(), as: UTF8.self))
        case .sarif: print(String(decoding: try outcome.sarif(patterns: policy.patterns), as: UTF8.self))
        }
        if let status = outcome.exitStatus { throw ExitCode(status) }
    }

    /// The OSV records of --vulndb, and the requirement that judges what they match: --threshold over the declared
    /// one (keeping its exceptions), else the declared one, else critical.
    private func loadVulnerabilities(requirement declared: VulnerabilityRequirement?) throws -> (requirement: VulnerabilityRequirement, matching: InventoryMatching) {
        let contents: OSVSource.Contents
        do {
            contents = try OSVSource.read(vulndb.map { URL(fileURLWithPath: $0) })
        } catch {
            Output.error("berth scan: --vulndb: \(error)")
            throw ExitCode(1)
        }
        for failure in contents.failures { Output.error("berth scan: skipped \(failure.fileName): \(failure.reason)") }
        let database = VulnerabilityDatabase(advisories: contents.records.map(Advisory.init))
        let requirement = declared.map { threshold.map($0.blocking(from:)) ?? $0 }
            ?? VulnerabilityRequirement(tier: "command line", onPush: .block, threshold: threshold ?? EffectivePolicy.Defaults.vulnerabilityThreshold)
        return (requirement, InventoryMatching(database: database, version: 0))
    }

    /// The image's inventory as a CycloneDX document, on standard output.
    private func writeSBOM(_ report: ImageReport) throws {
        guard let inventory = report.inventory else {
            Output.error("berth scan: the image's layers could not all be inventoried")
            throw ExitCode(1)
        }
        let document = CycloneDXDocument(inventory, name: image, digest: nil, time: Date())
        print(String(decoding: try document.json(), as: UTF8.self))
    }

    /// The patterns, action and exceptions that apply: the default tier's (built-in patterns, block) without
    /// declarations.
    private func loadPolicy() throws -> ScanPolicy {
        guard let declarations else {
            if repository != nil || tier != nil {
                Output.error("berth scan: --repository and --tier need --declarations")
                throw ExitCode(1)
            }
            return ScanPolicy.default(patterns: SecretPattern.builtIn)
        }
        let loaded = DeclarationLoader(keyChecks: .server).load(directory: declarations)
        guard !loaded.hasErrors else {
            for diagnostic in loaded.errors { Output.error("\(diagnostic)") }
            throw ExitCode(1)
        }
        let state = loaded.state
        let patterns = state.secretPatterns
        if let repository {
            guard let policy = state.effectivePolicy(for: repository) else {
                Output.error("berth scan: no Repository declaration in \(declarations) governs \(repository)")
                throw ExitCode(1)
            }
            return ScanPolicy(patterns: patterns, requirement: SecretScanRequirement(policy, repository: repository, declarations: state),
                              source: "repository \(repository) (tier \(policy.tier.name))",
                              vulnerabilityRequirement: VulnerabilityRequirement(policy, repository: repository, declarations: state))
        }
        if let tier {
            guard let declared = state.tier(named: tier) else {
                Output.error("berth scan: no Tier \(tier) in \(declarations)")
                throw ExitCode(1)
            }
            return ScanPolicy(patterns: patterns,
                              requirement: SecretScanRequirement(tier: tier, action: declared.scanning.secrets.onPush ?? EffectivePolicy.Defaults.secretsOnPush),
                              source: "tier \(tier)",
                              vulnerabilityRequirement: VulnerabilityRequirement(
                                  tier: tier, onPush: declared.scanning.vulnerabilities.onPush ?? EffectivePolicy.Defaults.vulnerabilityOnPush,
                                  threshold: declared.scanning.vulnerabilities.threshold ?? EffectivePolicy.Defaults.vulnerabilityThreshold))
        }
        return ScanPolicy.default(patterns: patterns)
    }
}

/// What judges a scan: the patterns looked for, and the registry's own judgement of what they find (the tier's action
/// and the exceptions that accept some); no requirement when the policy does not scan for secrets.
struct ScanPolicy {
    var patterns: [SecretPattern]
    var requirement: SecretScanRequirement?
    /// `repository payments/api (tier confidential)`
    var source: String
    /// The declared vulnerability policy, when declarations were given.
    var vulnerabilityRequirement: VulnerabilityRequirement? = nil
    /// With --vulndb: what judges the packages, and the database to match them against.
    var vulnerabilities: (requirement: VulnerabilityRequirement, matching: InventoryMatching)? = nil

    /// A repository no declaration governs yet is judged as a tier that does not say: it blocks.
    static func `default`(patterns: [SecretPattern]) -> ScanPolicy {
        ScanPolicy(patterns: patterns, requirement: SecretScanRequirement(tier: "default", action: EffectivePolicy.Defaults.secretsOnPush),
                   source: "the default policy")
    }
}

/// Progress when the output goes to a terminal: bytes read of the layers, redrawn on one line of standard error.
final class ScanProgress: @unchecked Sendable {
    private let enabled: Bool
    private var lastDrawn = Date.distantPast

    init(enabled: Bool) { self.enabled = enabled }

    func show(done: Int64, total: Int64) {
        guard enabled, Date().timeIntervalSince(lastDrawn) > 0.2 else { return }
        lastDrawn = Date()
        let percent = total > 0 ? Int(done * 100 / total) : 100
        FileHandle.standardError.write(Data("\rscanning: \(ByteSize.readable(done)) of \(ByteSize.readable(total)) (\(percent)%)".utf8))
    }

    func finish() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}

extension VulnerabilitySeverity: ExpressibleByArgument {}
