import Foundation
import Vulnerabilities

extension AdminWire {
    /// The body of `POST /admin/v1/vulndb`: one advisory per line, each in the form the database stores
    /// (`Advisory.jsonData()`), so the server stores what it receives without converting OSV records again.
    public enum AdvisoryLines {
        public static let mediaType = "application/vnd.berth.advisories+jsonl"

        public static func encode(_ advisories: [Advisory]) throws -> Data {
            var data = Data()
            for advisory in advisories {
                data.append(try advisory.jsonData())
                data.append(UInt8(ascii: "\n"))
            }
            return data
        }

        /// Throws the admin API's 400 naming the first line that does not decode.
        public static func decode(_ bytes: [UInt8]) throws -> [Advisory] {
            var advisories: [Advisory] = []
            for (index, line) in bytes.split(separator: UInt8(ascii: "\n")).enumerated() where !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") }) {
                do {
                    advisories.append(try Advisory(jsonData: Data(line)))
                } catch {
                    throw AdminAPIError.invalid("advisory line \(index + 1) is not an advisory: \(error)")
                }
            }
            return advisories
        }
    }
}
