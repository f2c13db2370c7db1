import Mustache

/// Renders console pages with the templates built into the binary.
public struct ConsoleRenderer: Sendable {
    private let library: MustacheLibrary

    public init() {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            // The templates are part of the binary: one that does not parse is a programming error, which every test
            // that renders a page finds.
            do { try library.register(text, named: name) } catch { preconditionFailure("console template \(name): \(error)") }
        }
        self.library = library
    }

    public func render<Page: ConsolePage>(_ page: Page) -> String {
        // Every template is registered at init, so a missing one is a programming error the tests catch.
        guard let html = library.render(page, withTemplate: Page.template) else { preconditionFailure("no console template \(Page.template)") }
        return html
    }

    public static let stylesheet = ConsoleStyle.css
}
