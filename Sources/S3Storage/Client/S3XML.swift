import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif

/// An S3 response document as a small element tree. S3's XML is hand-read rather than decoded because there is no
/// SDK in the package mirror; Foundation's `XMLParser` does the parsing, this only keeps what it reports.
struct S3XMLElement: Sendable {
    let name: String
    var text = ""
    var children: [S3XMLElement] = []

    func child(_ name: String) -> S3XMLElement? { children.first { $0.name == name } }
    func children(_ name: String) -> [S3XMLElement] { children.filter { $0.name == name } }
    /// The text of the named child, or nil when there is none.
    subscript(_ name: String) -> String? { child(name)?.text }

    /// The document's root element, or nil when the bytes are not XML.
    static func parse(_ data: Data) -> S3XMLElement? {
        let builder = TreeBuilder()
        let parser = XMLParser(data: data)
        parser.delegate = builder
        guard parser.parse() else { return nil }
        return builder.root
    }

    /// Text escaped for an XML element's content.
    static func escaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }
}

private final class TreeBuilder: NSObject, XMLParserDelegate {
    private var open: [S3XMLElement] = []
    var root: S3XMLElement?

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
        open.append(S3XMLElement(name: name))
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        if !open.isEmpty { open[open.count - 1].text += string }
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        let element = open.removeLast()
        if open.isEmpty { root = element } else { open[open.count - 1].children.append(element) }
    }
}
