import Foundation

extension AffectedPackage {
    /// Whether `version` of the package is affected, under `ordering`: listed in `versions`, or inside an ECOSYSTEM or
    /// SEMVER range as the schema's evaluation algorithm decides. GIT ranges are skipped: they need the repository's
    /// history, and the schema asks GIT-ranged records to list their versions anyway.
    ///
    /// nil when the answer is unknown: the version or an event version is not valid under `ordering`, or a range has
    /// a type this model does not know. Unknown is not safe, so the caller decides; a range that does match still
    /// answers true, whatever the others say.
    public func affects(_ version: String, ordering: any VersionOrdering) -> Bool? {
        affects(version, valid: ordering.compare(version, version) != nil, ordering: ordering,
                ranges: ranges.map { $0.prepared(ordering: ordering) })
    }

    /// `affects` with the ranges prepared beforehand and the version's validity known: what a database asks once per
    /// installed package, for every advisory of its name.
    func affects(_ version: String, valid: Bool, ordering: any VersionOrdering, ranges: [OSVRecord.Range.Prepared]) -> Bool? {
        if versions.contains(version) { return true }
        var undecided = false
        for range in ranges {
            switch range.includes(version, valid: valid, ordering: ordering) {
            case true?: return true
            case false?: continue
            case nil: undecided = true
            }
        }
        return undecided ? nil : false
    }

    /// The smallest `fixed` version above `version` in the ECOSYSTEM and SEMVER ranges, for "fixed in …" messages;
    /// nil when there is none, or `version` is not valid under `ordering`. Fixed versions `ordering` cannot read are
    /// passed over: a message can do without them.
    public func fixedVersion(after version: String, ordering: any VersionOrdering) -> String? {
        guard ordering.compare(version, version) != nil else { return nil }
        var smallest: String?
        for range in ranges where range.type == .ecosystem || range.type == .semver {
            for case .fixed(let fixed) in range.events where ordering.compare(fixed, version) == .orderedDescending {
                if let current = smallest, ordering.compare(fixed, current) != .orderedAscending { continue }
                smallest = fixed
            }
        }
        return smallest
    }
}
