import Foundation

/// Names a UTC local time zone "GMT" before anything asks Foundation for the local time zone.
///
/// Foundation serves a zone named "GMT" from a fixed offset and every other name, "UTC" and "Etc/UTC"
/// included, from ICU's zone data, which Hummingbird's Date header then keeps mapped: 1.8–2.4 MiB of the
/// server's resident memory (bench/README.md, "Memory"). On a host whose zone is UTC, the usual case for
/// servers and containers, GMT is the same zone under another name, so no local time changes. Any other
/// zone is left as it is.
enum UTCZoneName {
    static func apply() {
        let variable = getenv("TZ").map { String(cString: $0) }
        let localtime = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/etc/localtime"))
        let localtimeExists = FileManager.default.fileExists(atPath: "/etc/localtime")
        if isUTC(variable: variable, localtime: localtime, localtimeExists: localtimeExists) {
            setenv("TZ", "GMT", 1)
        }
    }

    /// Whether the local zone is UTC, as glibc decides it: from `TZ` when set (a leading ':' names a
    /// file), else from /etc/localtime, and UTC when neither exists.
    static func isUTC(variable: String?, localtime: String?, localtimeExists: Bool) -> Bool {
        if let variable {
            return utcNames.contains(variable.hasPrefix(":") ? String(variable.dropFirst()) : variable)
        }
        guard localtimeExists else { return true }
        guard let localtime, let range = localtime.range(of: "zoneinfo/", options: .backwards) else { return false }
        // posix/ holds the same zones; right/ counts leap seconds, so its UTC is not GMT.
        let name = localtime[range.upperBound...]
        return utcNames.contains(String(name.hasPrefix("posix/") ? name.dropFirst("posix/".count) : name))
    }

    /// The tz database's names for UTC and for GMT with no offset.
    static let utcNames: Set<String> = [
        "UTC", "Etc/UTC", "UCT", "Etc/UCT", "Universal", "Etc/Universal", "Zulu", "Etc/Zulu",
        "GMT", "Etc/GMT", "GMT0", "Etc/GMT0", "GMT+0", "Etc/GMT+0", "GMT-0", "Etc/GMT-0", "Greenwich", "Etc/Greenwich",
    ]
}
