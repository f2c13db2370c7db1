import Foundation
import Testing
import Declarations

@Suite struct ExamplesTests {
    @Test func examplesValidateCleanly() {
        let result = DeclarationLoader().load(directory: examplesDirectory, now: fixedNow)
        #expect(result.diagnostics.isEmpty, "\(rendered(result))")
        let state = result.state
        #expect(state.tiers.map(\.name) == ["confidential", "internal", "public"])
        #expect(state.repositories.count >= 12)
        #expect(state.roles.count == 4)
        #expect(!state.roleBindings.isEmpty && !state.users.isEmpty && !state.teams.isEmpty)
        #expect(state.robotAccounts.count >= 3 && state.signers.count >= 2)
        #expect(state.vulnerabilityExceptions.count == 1)
        #expect(state.secretRules.count == 1 && state.secretExceptions.count == 1)
        #expect(result.files.allSatisfy { $0.hasPrefix(examplesDirectory + "/") })
    }
}
