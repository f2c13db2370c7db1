import Foundation
import Vulnerabilities

/// An advisory from an OSV record written in the test, as the databases publish them.
func advisory(_ json: String) throws -> Advisory {
    Advisory(try OSVRecord.decode(Data(json.utf8)))
}

/// A one-range record for one package.
func rangeRecord(
    id: String, ecosystem: String, name: String, events: String, type: String = "ECOSYSTEM", extra: String = ""
) -> String {
    """
    {"id": "\(id)"\(extra), "affected": [{"package": {"ecosystem": "\(ecosystem)", "name": "\(name)"},
      "ranges": [{"type": "\(type)", "events": [\(events)]}]}]}
    """
}
