import Foundation

extension OSVRecord.Range {
    /// The schema's `IncludedInRanges` for this one range: inside the limits, then the last event at or below the
    /// version decides. nil when that cannot be decided (see `Affected.affects`).
    func includes(_ version: String, ordering: any VersionOrdering) -> Bool? {
        prepared(ordering: ordering).includes(version, valid: ordering.compare(version, version) != nil, ordering: ordering)
    }

    /// The range made ready for many versions: its events checked and sorted once, which `includes` would otherwise do
    /// for every version asked about (a database prepares each range when it is built).
    func prepared(ordering: any VersionOrdering) -> Prepared {
        switch type {
        case .git: return Prepared(kind: .excludes)
        case .unknown: return Prepared(kind: .undetermined)
        case .ecosystem, .semver: break
        }
        guard let events = sortedEvents(ordering: ordering) else { return Prepared(kind: .undetermined) }
        return Prepared(kind: .events(events))
    }

    /// A range ready to evaluate: its events in version order, or what it answers for every version.
    struct Prepared: Sendable {
        enum Kind: Sendable {
            case events([(event: OSVRecord.Event, point: Point)])
            /// A GIT range: matching cannot order commits.
            case excludes
            /// An unknown range type, or event versions the ordering cannot read.
            case undetermined
        }

        let kind: Kind

        /// Whether `version` falls inside; `valid` says whether `ordering` can read it (asked once by the caller).
        func includes(_ version: String, valid: Bool, ordering: any VersionOrdering) -> Bool? {
            let events: [(event: OSVRecord.Event, point: Point)]
            switch kind {
            case .excludes: return false
            case .undetermined: return nil
            case .events(let sorted):
                guard valid else { return nil }
                events = sorted
            }
            let limits = events.filter { if case .limit = $0.event { true } else { false } }
            // No limit event means an implicit "*": no upper bound.
            if !limits.isEmpty, !limits.contains(where: { $0.point.compare(version, ordering) == .orderedDescending }) {
                return false
            }
            var vulnerable = false
            for (event, point) in events {
                let order = point.compare(version, ordering)
                switch event {
                case .introduced where order != .orderedDescending: vulnerable = true
                case .fixed where order != .orderedDescending: vulnerable = false
                case .lastAffected where order == .orderedAscending: vulnerable = false
                default: break
                }
            }
            return vulnerable
        }
    }

    /// The events ordered by version, the record's order breaking ties; nil when an event version is not valid.
    private func sortedEvents(ordering: any VersionOrdering) -> [(event: OSVRecord.Event, point: Point)]? {
        var points: [(event: OSVRecord.Event, point: Point, position: Int)] = []
        for (position, event) in events.enumerated() {
            let point = Point(event)
            if case .version(let version) = point, ordering.compare(version, version) == nil { return nil }
            points.append((event, point, position))
        }
        var comparable = true
        let sorted = points.sorted { left, right in
            guard let order = left.point.compare(right.point, ordering) else {
                comparable = false
                return left.position < right.position
            }
            return order == .orderedSame ? left.position < right.position : order == .orderedAscending
        }
        return comparable ? sorted.map { ($0.event, $0.point) } : nil
    }

    /// An event's place on the version line, with the schema's two special values, which no ordering need know.
    enum Point: Sendable {
        /// `introduced: "0"`: before every version.
        case beginning
        case version(String)
        /// A `limit` containing "*": after every version.
        case end

        init(_ event: OSVRecord.Event) {
            switch event {
            case .introduced("0"): self = .beginning
            case .limit(let version) where version.contains("*"): self = .end
            default: self = .version(event.version)
            }
        }

        func compare(_ version: String, _ ordering: any VersionOrdering) -> ComparisonResult? {
            compare(.version(version), ordering)
        }

        func compare(_ other: Point, _ ordering: any VersionOrdering) -> ComparisonResult? {
            switch (self, other) {
            case (.beginning, .beginning), (.end, .end): .orderedSame
            case (.beginning, _), (_, .end): .orderedAscending
            case (_, .beginning), (.end, _): .orderedDescending
            case (.version(let left), .version(let right)): ordering.compare(left, right)
            }
        }
    }
}
