import Foundation
import TestSupport

/// What the console's browser tests drive: Debian's Chromium and chromedriver, and a python with Selenium, the venv
/// `make deps` creates at the repository root. Each is looked for where `make deps` puts it; a missing one throws
/// `MissingTool` saying what to install, so the test fails rather than skips (Tests/TestSupport/RequiredTool.swift).
struct BrowserTools: Sendable {
    let chromium: String
    let chromedriver: String
    let python: String

    /// The venv `make deps` creates; `BERTH_BROWSER_PYTHON` names another python that has Selenium.
    static var venvPython: String {
        if let override = ProcessInfo.processInfo.environment["BERTH_BROWSER_PYTHON"], !override.isEmpty { return override }
        return TestEnvironment.packageRoot.appendingPathComponent(".venv-browser/bin/python").path
    }

    static func find() throws -> BrowserTools {
        let chromium = try requiredTool("chromium", package: "chromium")
        let chromedriver = try requiredTool("chromedriver", package: "chromium-driver")
        let python = venvPython
        let hasSelenium = FileManager.default.isExecutableFile(atPath: python)
            && (try? run(python, ["-c", "import selenium"], check: false))?.status == 0
        guard hasSelenium else {
            throw MissingTool(description: """
                no python with selenium at \(python); run `make deps`, which creates .venv-browser with selenium 4.51.0 \
                from PyPI (or set BERTH_BROWSER_PYTHON): tests never skip for a missing tool
                """)
        }
        return BrowserTools(chromium: chromium, chromedriver: chromedriver, python: python)
    }
}
