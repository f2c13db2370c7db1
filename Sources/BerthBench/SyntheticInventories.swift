import Vulnerabilities

/// Image inventories drawn from the packages the advisories name, plus half as many packages they do not name.
struct SyntheticInventories {
    /// Per ecosystem, packages and the versions an image may have of each.
    private var catalogue: [String: [(name: String, versions: [String])]] = [:]
    private static let languages = ["PyPI", "npm", "Go"]

    init(advisories: [Advisory]) {
        var versions: [String: [String: Set<String>]] = [:]
        var advisoryCounts: [String: Int] = [:]
        for affected in advisories.flatMap(\.affected) {
            let events = affected.ranges.flatMap(\.events).map(\.version).filter { $0 != "0" }
            versions[affected.ecosystem, default: [:]][affected.name, default: []].formUnion(events + affected.versions)
            advisoryCounts[affected.ecosystem + "/" + affected.name, default: 0] += 1
        }
        for (ecosystem, packages) in versions {
            // The packages with the most advisories first: in real images, the most common packages (linux, openssl)
            // have the most.
            // The three highest versions the advisories name: installed packages are mostly recent ones. A package whose
            // ranges name none (only `introduced: "0"`) gets a version its advisories know nothing of.
            let ordering = Ecosystems.ordering(for: ecosystem)
            let named = packages.map { package in
                let known = package.value.sorted { ordering?.compare($0, $1) == .orderedAscending }
                return (name: package.key, versions: known.isEmpty ? [Self.cleanVersion(ecosystem)] : Array(known.suffix(3)))
            }
                .sorted { (advisoryCounts[ecosystem + "/" + $0.name] ?? 0, $1.name) > (advisoryCounts[ecosystem + "/" + $1.name] ?? 0, $0.name) }
            let clean = (0..<named.count / 2).map { (name: "clean-\(ecosystem)-\($0)", versions: [Self.cleanVersion(ecosystem)]) }
            catalogue[ecosystem] = zip(named, clean).flatMap { [$0, $1] } + named.dropFirst(clean.count)
        }
    }

    /// Two thirds OS packages of one distribution, one third language packages of one ecosystem. Picks lean to the
    /// front of the catalogue (cubed uniform draws), so images share most packages, as images built on the same base do.
    func image(packages: Int, using generator: inout SplitMix64) -> [PackageQuery] {
        let distribution = Double.random(in: 0..<1, using: &generator) < 0.6 ? "Debian:12" : "Alpine:v3.18"
        let language = Self.languages[Int.random(in: 0..<Self.languages.count, using: &generator)]
        let osCount = packages * 2 / 3
        return pick(osCount, from: distribution, using: &generator) + pick(packages - osCount, from: language, using: &generator)
    }

    private func pick(_ count: Int, from ecosystem: String, using generator: inout SplitMix64) -> [PackageQuery] {
        guard let packages = catalogue[ecosystem], !packages.isEmpty else { return [] }
        return (0..<count).map { _ in
            let draw = Double.random(in: 0..<1, using: &generator)
            let package = packages[Int(draw * draw * draw * Double(packages.count))]
            let version = package.versions[Int.random(in: 0..<package.versions.count, using: &generator)]
            return PackageQuery(ecosystem: ecosystem, name: package.name, version: version)
        }
    }

    private static func cleanVersion(_ ecosystem: String) -> String {
        switch ecosystem {
        case "Debian:12": "1.0-1"
        case "Alpine:v3.18": "1.0-r0"
        default: "1.0.0"
        }
    }
}
