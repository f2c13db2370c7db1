import Foundation

/// Pictures for the overview, drawn on the server as inline SVG: the browser needs no script and no chart library, and
/// the Content-Security-Policy stays `default-src 'none'`. Labels come from git and from pushes, so every text is
/// escaped here; the templates insert the result unescaped.
public enum SVGChart {
    public struct Bar: Sendable {
        public var label: String
        public var value: Double
        /// What the bar says, e.g. "1.2 GB".
        public var valueText: String

        public init(label: String, value: Double, valueText: String) {
            self.label = label
            self.value = value
            self.valueText = valueText
        }
    }

    public struct Day: Sendable {
        /// `yyyy-MM-dd`.
        public var day: String
        public var pushes: Int
        public var pulls: Int

        public init(day: String, pushes: Int, pulls: Int) {
            self.day = day
            self.pushes = pushes
            self.pulls = pulls
        }
    }

    public struct Stack: Sendable {
        public var label: String
        /// One count per segment, in the segments' order.
        public var counts: [Int]

        public init(label: String, counts: [Int]) {
            self.label = label
            self.counts = counts
        }
    }

    static let width = 480.0
    static let labelWidth = 170.0
    static let rowHeight = 22.0

    /// Horizontal bars, longest first as given; the largest value spans the width.
    public static func bars(_ bars: [Bar], title: String) -> String {
        guard !bars.isEmpty else { return empty(title) }
        let largest = max(bars.map(\.value).max() ?? 0, 1)
        let span = width - labelWidth - 90
        var out = open(title, height: Double(bars.count) * rowHeight + 8)
        for (index, bar) in bars.enumerated() {
            let y = 4 + Double(index) * rowHeight
            let length = max(1, span * bar.value / largest)
            out += "<text x=\"0\" y=\"\(f(y + 15))\" font-size=\"12\">\(escape(truncated(bar.label, 26)))</text>"
            out += "<rect x=\"\(f(labelWidth))\" y=\"\(f(y + 3))\" width=\"\(f(length))\" height=\"16\" fill=\"#1f5fa8\"><title>\(escape(bar.label)): \(escape(bar.valueText))</title></rect>"
            out += "<text x=\"\(f(labelWidth + length + 6))\" y=\"\(f(y + 15))\" font-size=\"12\">\(escape(bar.valueText))</text>"
        }
        return out + "</svg>"
    }

    /// Pushes and pulls per day, as two bars a day on a shared scale.
    public static func daily(_ days: [Day], title: String) -> String {
        guard days.contains(where: { $0.pushes > 0 || $0.pulls > 0 }) else { return empty(title) }
        let height = 180.0
        let plot = height - 40
        let largest = Double(max(days.map { max($0.pushes, $0.pulls) }.max() ?? 1, 1))
        let slot = (width - 40) / Double(days.count)
        var out = open(title, height: height)
        out += "<text x=\"0\" y=\"12\" font-size=\"11\">\(Int(largest))</text><text x=\"0\" y=\"\(f(plot + 10))\" font-size=\"11\">0</text>"
        for (index, day) in days.enumerated() {
            let x = 40 + Double(index) * slot
            for (offset, (count, colour, name)) in [(day.pushes, "#1f5fa8", "pushes"), (day.pulls, "#7aa6d8", "pulls")].enumerated() {
                let barHeight = plot * Double(count) / largest
                out += "<rect x=\"\(f(x + Double(offset) * slot / 2))\" y=\"\(f(10 + plot - barHeight))\" width=\"\(f(max(slot / 2 - 1, 1)))\" height=\"\(f(barHeight))\" fill=\"\(colour)\"><title>\(escape(day.day)): \(count) \(name)</title></rect>"
            }
        }
        if let first = days.first, let last = days.last {
            out += "<text x=\"40\" y=\"\(f(height - 12))\" font-size=\"11\">\(escape(first.day))</text>"
            out += "<text x=\"\(f(width))\" y=\"\(f(height - 12))\" font-size=\"11\" text-anchor=\"end\">\(escape(last.day))</text>"
        }
        out += "<rect x=\"150\" y=\"\(f(height - 10))\" width=\"10\" height=\"8\" fill=\"#1f5fa8\"/><text x=\"164\" y=\"\(f(height - 2))\" font-size=\"11\">pushes</text>"
        out += "<rect x=\"220\" y=\"\(f(height - 10))\" width=\"10\" height=\"8\" fill=\"#7aa6d8\"/><text x=\"234\" y=\"\(f(height - 2))\" font-size=\"11\">pulls</text>"
        return out + "</svg>"
    }

    /// One stacked bar per group, a segment per kind (severities, say), with a legend.
    public static func stacked(_ stacks: [Stack], segments: [String], colours: [String], title: String) -> String {
        guard stacks.contains(where: { $0.counts.contains { $0 > 0 } }) else { return empty(title) }
        let largest = Double(max(stacks.map { $0.counts.reduce(0, +) }.max() ?? 1, 1))
        let span = width - labelWidth - 60
        var out = open(title, height: Double(stacks.count) * rowHeight + 30)
        for (index, stack) in stacks.enumerated() {
            let y = 4 + Double(index) * rowHeight
            out += "<text x=\"0\" y=\"\(f(y + 15))\" font-size=\"12\">\(escape(truncated(stack.label, 26)))</text>"
            var x = labelWidth
            for (segment, count) in zip(segments.indices, stack.counts) where count > 0 {
                let length = span * Double(count) / largest
                out += "<rect x=\"\(f(x))\" y=\"\(f(y + 3))\" width=\"\(f(max(length, 1)))\" height=\"16\" fill=\"\(colours[segment % colours.count])\"><title>\(escape(stack.label)): \(count) \(escape(segments[segment]))</title></rect>"
                x += length
            }
            out += "<text x=\"\(f(x + 6))\" y=\"\(f(y + 15))\" font-size=\"12\">\(stack.counts.reduce(0, +))</text>"
        }
        let legendY = 4 + Double(stacks.count) * rowHeight + 8
        for (index, segment) in segments.enumerated() {
            let x = Double(index) * 90
            out += "<rect x=\"\(f(x))\" y=\"\(f(legendY))\" width=\"10\" height=\"10\" fill=\"\(colours[index % colours.count])\"/>"
            out += "<text x=\"\(f(x + 14))\" y=\"\(f(legendY + 9))\" font-size=\"11\">\(escape(segment))</text>"
        }
        return out + "</svg>"
    }

    private static func open(_ title: String, height: Double) -> String {
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 \(f(width + 40)) \(f(height))\" role=\"img\" aria-label=\"\(escape(title))\"><title>\(escape(title))</title>"
    }

    private static func empty(_ title: String) -> String {
        open(title, height: 30) + "<text x=\"0\" y=\"20\" font-size=\"12\">Nothing to show yet.</text></svg>"
    }

    private static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    private static func truncated(_ text: String, _ limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(limit - 1)) + "…"
    }

    /// XML text and attribute escaping.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            // Characters XML 1.0 does not allow, which would make the whole page's SVG invalid.
            case "\u{0}"..."\u{8}", "\u{B}", "\u{C}", "\u{E}"..."\u{1F}", "\u{FFFE}", "\u{FFFF}": out += "\u{FFFD}"
            default: out.unicodeScalars.append(character)
            }
        }
        return out
    }
}
