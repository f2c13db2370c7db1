import Console
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

/// Pages render with every value escaped, and charts are well-formed SVG whatever their labels hold.
@Suite("console rendering")
struct ConsoleRenderingTests {
    static let hostile = #"<script>alert(1)</script>"'&<img src=x onerror=alert(1)>"#
    let renderer = ConsoleRenderer()

    func frame(_ title: String = hostile, admin: Bool = false) -> ConsoleFrame {
        ConsoleFrame(title: title, identity: "user:" + Self.hostile, isAdministrator: admin)
    }

    /// No hostile markup survives as markup: neither `<script` nor an `<img` tag, nor the value's quotes unescaped,
    /// which could close an attribute.
    func expectInert(_ html: String, _ page: String) {
        #expect(!html.contains("<script"), "\(page): a script element")
        #expect(!html.contains("<img"), "\(page): an img element")
        #expect(!html.contains(#""'&<"#), "\(page): the value's quotes and ampersand unescaped")
        #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"), "\(page): the text is shown, escaped")
    }

    @Test("every page escapes descriptions, tags, annotations, findings and names")
    func everyPageEscapes() {
        let h = Self.hostile
        let paging = Paging(previous: "/ui/x?a=\(h)", next: nil, summary: h)
        expectInert(renderer.render(LoginPage(next: "/ui/", name: h, error: h)), "login")
        expectInert(renderer.render(OverviewPage(
            frame: frame(), tiers: [.init(name: h, description: h, policy: [h], repositories: 1, images: 2, storage: h)],
            reconciler: .init(commit: h, author: h, appliedAt: h, revision: h, state: h, drift: [h]), repositories: 1, images: 2, quarantined: 0,
            blockedByVulnerabilities: 0, charts: [.init(title: h, svg: SVGChart.bars([.init(label: h, value: 1, valueText: h)], title: h))])), "overview")
        expectInert(renderer.render(RepositoriesPage(frame: frame(), query: h,
                                                     rows: [.init(name: h, link: "/ui/repository?name=\(h)", tier: h, tags: 1, size: h, lastPush: h)],
                                                     paging: paging)), "repositories")
        expectInert(renderer.render(RepositoryPage(frame: frame(), name: h, tier: h, description: h, size: h,
                                                   tags: [.init(tag: h, digest: h, link: h, size: h, pushed: h, pulled: h, verdict: h)], paging: paging)),
                    "repository")
        expectInert(renderer.render(ImagePage(
            frame: frame(), repository: h, repositoryLink: h, digest: h, tags: [h], mediaType: h, size: h, tier: h, status: h, statusText: h, reasons: [h],
            signatures: [.init(signer: h, form: h, valid: false, reason: h)], signaturesChecked: true,
            vulnerabilities: [.init(id: h, severity: h, package: h, installed: h, fixed: h, summary: h, blocking: true, exception: h)],
            vulnerabilityStatus: h, sorts: [.init(label: h, link: h, current: true)],
            secrets: [.init(rule: h, path: h, line: 1, layer: 1, preview: h, exception: h)], secretStatus: h,
            layers: [.init(digest: h, mediaType: h, size: h, scan: h)], annotations: [.init(key: h, value: h)], sbomLink: h, retention: h)), "image")
        let revision = RevisionsPage.Revision(number: 1, link: "/ui/revision?number=1", appliedAt: h, actor: h, commit: h, author: h, changes: 1, summary: h)
        expectInert(renderer.render(RevisionsPage(frame: frame(admin: true), revisions: [revision],
                                                  drift: [.init(time: h, action: h, objects: h, detail: h)])), "revisions")
        expectInert(renderer.render(RevisionPage(frame: frame(admin: true), revision: revision, plan: h)), "revision")
        expectInert(renderer.render(AuditPage(frame: frame(admin: true), filter: .init(repository: h, actor: h, action: h, from: h, until: h),
                                              actions: [h], records: [.init(sequence: 1, time: h, actor: h, action: h, outcome: h, repository: h,
                                                                            object: h, details: h)],
                                              chain: h, chainIntact: false, error: h, paging: paging)), "audit")
    }

    @Test("the page frame offers revisions and audit to administrators only, and sign-out to anyone signed in")
    func navigation() {
        let viewer = renderer.render(MessagePage(frame: ConsoleFrame(title: "t", identity: "user:bob", isAdministrator: false), message: "m"))
        #expect(viewer.contains(#"id="logout-button""#) && !viewer.contains("/ui/audit") && !viewer.contains("/ui/revisions"))
        let admin = renderer.render(MessagePage(frame: ConsoleFrame(title: "t", identity: "admin", isAdministrator: true), message: "m"))
        #expect(admin.contains("/ui/audit") && admin.contains("/ui/revisions"))
        let login = renderer.render(LoginPage(next: "/ui/"))
        #expect(!login.contains("logout") && login.contains(#"id="login""#) && login.contains(#"name="password""#))
    }

    final class Collector: NSObject, XMLParserDelegate {
        var texts: [String] = []
        var elements: [String] = []
        func parser(_ parser: XMLParser, foundCharacters string: String) { texts.append(string) }
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?, attributes: [String: String] = [:]) {
            elements.append(name)
        }
    }

    func parse(_ svg: String) -> Collector? {
        let parser = XMLParser(data: Data(svg.utf8))
        let collector = Collector()
        parser.delegate = collector
        return parser.parse() ? collector : nil
    }

    @Test("charts are well-formed SVG that carry hostile labels as text, and say so when there is nothing to draw")
    func chartsAreWellFormed() throws {
        let label = Self.hostile + "\u{1}"
        let charts = [
            SVGChart.bars([.init(label: label, value: 10, valueText: "10 B"), .init(label: "b", value: 5, valueText: "5 B")], title: label),
            SVGChart.daily((1...30).map { SVGChart.Day(day: "2026-11-\($0)", pushes: $0, pulls: 2 * $0) }, title: label),
            SVGChart.stacked([.init(label: label, counts: [1, 2, 3]), .init(label: "t", counts: [0, 0, 4])], segments: ["critical", "high", label],
                             colours: ["#000", "#111", "#222"], title: label),
        ]
        for svg in charts {
            let parsed = try #require(parse(svg), "not well-formed: \(svg.prefix(300))")
            #expect(parsed.elements.first == "svg" && !parsed.elements.contains("script"))
            #expect(parsed.texts.joined().contains("<script>alert(1)</script>"), "the label is kept as text")
        }
        for empty in [SVGChart.bars([], title: "x"), SVGChart.daily([.init(day: "d", pushes: 0, pulls: 0)], title: "x"),
                      SVGChart.stacked([], segments: [], colours: [], title: "x")] {
            #expect(parse(empty)?.texts.joined().contains("Nothing to show yet.") == true)
        }
    }

    @Test("the largest bar spans the width and the others scale to it")
    func barsScale() throws {
        let svg = SVGChart.bars([.init(label: "a", value: 100, valueText: "100"), .init(label: "b", value: 25, valueText: "25")], title: "t")
        let widths = svg.components(separatedBy: "width=\"").dropFirst().compactMap { Double($0.prefix { $0 != "\"" }) }
        #expect(widths.count == 2)
        #expect(abs(widths[0] / widths[1] - 4) < 0.01, "\(widths)")
    }

    @Test("sizes and queries are written as the pages need")
    func text() {
        #expect(ConsoleText.bytes(512) == "512 bytes" && ConsoleText.bytes(1536) == "1.5 KiB" && ConsoleText.bytes(50 << 30) == "50 GiB")
        #expect(ConsoleText.query([("q", "a b+c"), ("page", nil), ("x", "")]) == "?q=a%20b%2Bc")
        #expect(ConsoleText.time(Date(timeIntervalSince1970: 0)) == "1970-01-01 00:00 UTC")
    }
}
