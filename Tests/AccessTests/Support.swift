import Foundation
import TestSupport

/// Runs an external program (htpasswd, argon2, python3) and returns its standard output.
func run(_ executable: String, _ arguments: [String], input: String? = nil) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: executable)
    process.arguments = arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = FileHandle.nullDevice
    let inputPipe = Pipe()
    process.standardInput = inputPipe
    try process.run()
    if let input { inputPipe.fileHandleForWriting.write(Data(input.utf8)) }
    try inputPipe.fileHandleForWriting.close()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        throw CocoaError(.executableLoad, userInfo: [NSLocalizedDescriptionKey: "\(executable) exited \(process.terminationStatus)"])
    }
    return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
}

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
