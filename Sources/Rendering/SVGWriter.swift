import Foundation

/// Builds SVG text. Coordinates are written with at most two decimals by integer arithmetic (a
/// 2,000-point curve is 4,000 numbers; general double printing would dominate the render time).
struct SVGWriter {
    private(set) var text = ""
    let width: Double
    let height: Double

    /// The picture scales with its container (the `viewBox`), text with it; it never grows wider
    /// than its natural size.
    init(width: Double, height: Double, title: String) {
        self.width = width
        self.height = height
        text.reserveCapacity(16_384)
        text += "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" "
        text += "viewBox=\"0 0 \(Self.number(width)) \(Self.number(height))\" style=\"max-width:100%;height:auto\" "
        text += "font-family=\"DejaVu Sans, Helvetica, Arial, sans-serif\" role=\"img\">\n"
        text += "<title>\(Self.escape(title))</title>\n"
    }

    mutating func raw(_ element: String) {
        text += element
        text += "\n"
    }

    mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String, width: Double = 1, dash: String? = nil) {
        text += "<line x1=\"\(Self.number(x1))\" y1=\"\(Self.number(y1))\" x2=\"\(Self.number(x2))\" y2=\"\(Self.number(y2))\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\""
        if let dash { text += " stroke-dasharray=\"\(dash)\"" }
        text += "/>\n"
    }

    mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, stroke: String? = nil, radius: Double = 0, extra: String = "") {
        text += "<rect x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" width=\"\(Self.number(width))\" height=\"\(Self.number(height))\" fill=\"\(fill)\""
        if let stroke { text += " stroke=\"\(stroke)\"" }
        if radius > 0 { text += " rx=\"\(Self.number(radius))\"" }
        if !extra.isEmpty { text += " " + extra }
        text += "/>\n"
    }

    enum Anchor: String { case start, middle, end }

    mutating func label(_ content: String, x: Double, y: Double, size: Double, anchor: Anchor = .start, fill: String = "#222", weight: String? = nil) {
        text += "<text x=\"\(Self.number(x))\" y=\"\(Self.number(y))\" font-size=\"\(Self.number(size))\" text-anchor=\"\(anchor.rawValue)\" fill=\"\(fill)\""
        if let weight { text += " font-weight=\"\(weight)\"" }
        text += ">\(Self.escape(content))</text>\n"
    }

    /// A polyline through `points`, as one path. Its coordinates are written as bytes and joined to
    /// the text once: a chart has thousands of them, and a string append per number was most of its time.
    mutating func path(_ points: [(x: Double, y: Double)], stroke: String, width: Double, extra: String = "") {
        guard let first = points.first else { return }
        text += "<path fill=\"none\" stroke=\"\(stroke)\" stroke-width=\"\(Self.number(width))\" stroke-linejoin=\"round\""
        if !extra.isEmpty { text += " " + extra }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(points.count * 16 + 8)
        bytes.append(UInt8(ascii: "M"))
        Self.appendNumber(first.x, to: &bytes)
        bytes.append(UInt8(ascii: " "))
        Self.appendNumber(first.y, to: &bytes)
        for point in points.dropFirst() {
            bytes.append(UInt8(ascii: "L"))
            Self.appendNumber(point.x, to: &bytes)
            bytes.append(UInt8(ascii: " "))
            Self.appendNumber(point.y, to: &bytes)
        }
        text += " d=\""
        text += String(decoding: bytes, as: UTF8.self)
        text += "\"/>\n"
    }

    /// The arrowhead that `edge` draws with, defined once per picture under `id`.
    mutating func arrowMarker(id: String) {
        raw("<defs><marker id=\"\(id)\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0 0L10 5L0 10z\" fill=\"#888\"/></marker></defs>")
    }

    /// An arrow from (x1, y1) to (x2, y2), leaving and arriving horizontally, as graphs read left to right.
    mutating func edge(x1: Double, y1: Double, x2: Double, y2: Double, marker: String) {
        let bend = (x2 - x1) / 2
        raw("<path class=\"edge\" d=\"M\(Self.number(x1)) \(Self.number(y1))C\(Self.number(x1 + bend)) \(Self.number(y1)) \(Self.number(x2 - bend)) \(Self.number(y2)) \(Self.number(x2)) \(Self.number(y2))\" fill=\"none\" stroke=\"#888\" stroke-width=\"1.3\" marker-end=\"url(#\(marker))\"/>")
    }

    func finished() -> String { text + "</svg>\n" }

    /// A picture as an image by data URI, the one form JupyterLab and Notebook 7 show in a notebook
    /// they did not run themselves (they strip inline `<svg>` from untrusted HTML and do not render
    /// `image/svg+xml` there), with `alt` text that says what it shows.
    static func image(_ svg: String, alt: String) -> String {
        "<img src=\"data:image/svg+xml;base64,\(Data(svg.utf8).base64EncodedString())\" alt=\"\(escape(alt))\" "
            + "style=\"max-width:100%;height:auto\">"
    }

    static func number(_ value: Double) -> String {
        var result = ""
        appendNumber(value, to: &result)
        return result
    }

    /// Two decimals at most, trailing zeros dropped: 12, 12.5, -0.25.
    static func appendNumber(_ value: Double, to text: inout String) {
        var bytes: [UInt8] = []
        appendNumber(value, to: &bytes)
        text += String(decoding: bytes, as: UTF8.self)
    }

    /// The same, as ASCII bytes.
    static func appendNumber(_ value: Double, to bytes: inout [UInt8]) {
        let clamped = Swift.max(-1e9, Swift.min(1e9, value.isFinite ? value : 0))
        var hundredths = Int((clamped * 100).rounded())
        if hundredths < 0 {
            bytes.append(UInt8(ascii: "-"))
            hundredths = -hundredths
        }
        appendDigits(hundredths / 100, to: &bytes)
        let fraction = hundredths % 100
        guard fraction != 0 else { return }
        bytes.append(UInt8(ascii: "."))
        bytes.append(UInt8(ascii: "0") + UInt8(fraction / 10))
        if fraction % 10 != 0 { bytes.append(UInt8(ascii: "0") + UInt8(fraction % 10)) }
    }

    /// A whole number at least 0 in decimal digits.
    static func appendDigits(_ value: Int, to bytes: inout [UInt8]) {
        var divisor = 1
        while divisor <= value / 10 { divisor *= 10 }
        var rest = value
        while divisor > 0 {
            bytes.append(UInt8(ascii: "0") + UInt8(rest / divisor))
            rest %= divisor
            divisor /= 10
        }
    }

    /// Long expressions in titles are cut, so that a caption never runs off its picture.
    static func shortened(_ text: String, to length: Int) -> String {
        text.count <= length ? text : String(text.prefix(length - 1)) + "…"
    }

    /// Text made safe inside markup: `&`, `<` and `>` (and, inside attributes, `"`) as entities.
    /// Most text has none of them, and is handed back as it is.
    static func escape(_ text: String, quotes: Bool = true) -> String {
        guard text.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x3E || (quotes && $0 == 0x22) }) else { return text }
        var result = ""
        result.reserveCapacity(text.utf8.count + 16)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"" where quotes: result += "&quot;"
            default: result.unicodeScalars.append(scalar)
            }
        }
        return result
    }
}
