import Foundation

extension RemoteAdmin {
    /// The robot's token sealed to its declared consumer (an ASCII-armored age file); `age -d -i KEY` opens it.
    public func sealedRobotCredential(_ robot: String) async throws -> String {
        let escaped = robot.addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? robot
        return try await send(.GET, "/admin/v1/robots/\(escaped)/credential", as: AdminWire.SealedCredential.self).sealed
    }
}
