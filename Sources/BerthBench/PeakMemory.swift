import Foundation

/// This process's peak resident memory so far, from getrusage (Linux counts ru_maxrss in KiB).
func peakResidentMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024
}

/// Wall-clock seconds of `body`, and what it returned.
func measured<T>(_ body: () throws -> T) rethrows -> (seconds: Double, value: T) {
    let start = DispatchTime.now().uptimeNanoseconds
    let value = try body()
    return (Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9, value)
}
