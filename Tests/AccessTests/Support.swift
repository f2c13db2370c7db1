import Foundation
import TestSupport

/// A python3 that has the `bcrypt` module.
func pythonWithBcrypt() throws -> String {
    let candidates = ["/usr/bin/python3", "/usr/local/bin/python3", NSHomeDirectory() + "/.pyenv/shims/python3"]
    guard let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) && (try? run($0, ["-c", "import bcrypt"])) != nil }) else {
        throw MissingTool(description: "no python3 with the bcrypt module; install python3-bcrypt (make test does)")
    }
    return found
}


func base64URL(_ data: some Sequence<UInt8>) -> String {
    Data(data).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func base64URLDecode(_ text: some StringProtocol) -> Data? {
    var standard = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
    standard += String(repeating: "=", count: (4 - standard.count % 4) % 4)
    return Data(base64Encoded: standard)
}
