import CalculusLanguage
import Glibc

/// Line charts as SVG: axes with round-number ticks, a grid, a legend, several series, each a list
/// of pieces (gaps stay gaps). Used by `plot` and by every result that shows a number per step.
struct Chart {
    struct Series {
        var name: String
        var pieces: [[(x: Double, y: Double)]]
    }

    var title: String
    var xLabel: String
    var yLabel = ""
    var series: [Series]
    /// Plot log₁₀|y| with ticks at powers of ten (for gradients that vanish or explode).
    var logarithmicY = false
    var xRange: (Double, Double)?
    /// For curves with poles: leave out of the view the few values far outside the rest. Data
    /// (a loss per step) is shown whole.
    var clipsOutliers = false
    /// A fixed y range (a Taylor polynomial far from its point leaves any sensible view).
    var yRange: (Double, Double)?
    /// Points marked with a dot and a label (the point a tangent touches).
    var markers: [(x: Double, y: Double, label: String)] = []

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
    static let width = 640.0
    static let height = 400.0

    func svg() -> String {
        let margin = (left: 64.0, right: 20.0, top: 34.0, bottom: 46.0)
        let plotWidth = Self.width - margin.left - margin.right
        let plotHeight = Self.height - margin.top - margin.bottom
        let series = logarithmicY ? self.series.map(Self.logarithmic) : self.series
        let xs = series.flatMap { $0.pieces.flatMap { $0.map(\.x) } }
        let ys = series.flatMap { $0.pieces.flatMap { $0.map(\.y) } }
        let (xLow, xHigh) = xRange ?? Self.padded(xs.min() ?? 0, xs.max() ?? 1, by: 0)
        let (yLow, yHigh) = yRange ?? (clipsOutliers ? Self.visibleRange(ys) : Self.padded(ys.min() ?? -1, ys.max() ?? 1, by: 0.05))
        func px(_ x: Double) -> Double { margin.left + (x - xLow) / (xHigh - xLow) * plotWidth }
        func py(_ y: Double) -> Double { margin.top + (yHigh - y) / (yHigh - yLow) * plotHeight }

        var svg = SVGWriter(width: Self.width, height: Self.height, title: title)
        let clip = "clip-\(Self.identifier(title + xLabel + String(series.count)))"
        svg.raw("<defs><clipPath id=\"\(clip)\"><rect x=\"\(SVGWriter.number(margin.left))\" y=\"\(SVGWriter.number(margin.top))\" width=\"\(SVGWriter.number(plotWidth))\" height=\"\(SVGWriter.number(plotHeight))\"/></clipPath></defs>")
        svg.rect(x: 0, y: 0, width: Self.width, height: Self.height, fill: "#ffffff")
        svg.label(SVGWriter.shortened(title, to: 80), x: Self.width / 2, y: 21, size: 14, anchor: .middle, weight: "bold")

        // Grid and ticks.
        let xTicks = Self.ticks(xLow, xHigh)
        let yTicks = logarithmicY ? Self.integerTicks(yLow, yHigh) : Self.ticks(yLow, yHigh)
        for tick in xTicks {
            svg.line(x1: px(tick), y1: margin.top, x2: px(tick), y2: margin.top + plotHeight, stroke: "#e6e6e6")
            svg.label(Self.tickLabel(tick, step: xTicks.step), x: px(tick), y: margin.top + plotHeight + 16, size: 11, anchor: .middle, fill: "#444")
        }
        for tick in yTicks {
            svg.line(x1: margin.left, y1: py(tick), x2: margin.left + plotWidth, y2: py(tick), stroke: "#e6e6e6")
            let text = logarithmicY ? "1e\(Int(tick.rounded()))" : Self.tickLabel(tick, step: yTicks.step)
            svg.label(text, x: margin.left - 6, y: py(tick) + 4, size: 11, anchor: .end, fill: "#444")
        }
        // Axes: through zero when zero is in view, else along the frame.
        let xAxisY = !logarithmicY && yLow < 0 && yHigh > 0 ? py(0) : margin.top + plotHeight
        let yAxisX = xLow < 0 && xHigh > 0 ? px(0) : margin.left
        svg.line(x1: margin.left, y1: xAxisY, x2: margin.left + plotWidth, y2: xAxisY, stroke: "#666")
        svg.line(x1: yAxisX, y1: margin.top, x2: yAxisX, y2: margin.top + plotHeight, stroke: "#666")
        svg.rect(x: margin.left, y: margin.top, width: plotWidth, height: plotHeight, fill: "none", stroke: "#999")
        svg.label(xLabel, x: margin.left + plotWidth / 2, y: Self.height - 8, size: 12, anchor: .middle)
        if !yLabel.isEmpty {
            svg.raw("<text x=\"14\" y=\"\(SVGWriter.number(margin.top + plotHeight / 2))\" font-size=\"12\" text-anchor=\"middle\" fill=\"#222\" transform=\"rotate(-90 14 \(SVGWriter.number(margin.top + plotHeight / 2)))\">\(SVGWriter.escape(yLabel))</text>")
        }

        // Curves, clipped to the plotting area (a curve leaving the view is cut at its edge).
        svg.raw("<g clip-path=\"url(#\(clip))\">")
        for (index, line) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            for piece in line.pieces {
                if piece.count == 1 {
                    svg.raw("<circle cx=\"\(SVGWriter.number(px(piece[0].x)))\" cy=\"\(SVGWriter.number(py(piece[0].y)))\" r=\"2\" fill=\"\(colour)\"/>")
                } else {
                    svg.path(piece.map { (px($0.x), py($0.y)) }, stroke: colour, width: 2, extra: "class=\"curve\"")
                }
            }
        }
        for marker in markers where marker.y >= yLow && marker.y <= yHigh {
            svg.raw("<circle cx=\"\(SVGWriter.number(px(marker.x)))\" cy=\"\(SVGWriter.number(py(marker.y)))\" r=\"4.5\" fill=\"#222\"/>")
            svg.label(marker.label, x: px(marker.x) + 8, y: py(marker.y) + 16, size: 12)
        }
        svg.raw("</g>")

        // Legend, top right inside the plot.
        if series.count > 1 || !(series.first?.name.isEmpty ?? true) {
            let longest = series.map(\.name.count).max() ?? 0
            let boxWidth = Swift.min(plotWidth * 0.6, 40 + Double(longest) * 7)
            let boxX = margin.left + plotWidth - boxWidth - 8
            svg.rect(x: boxX, y: margin.top + 8, width: boxWidth, height: 8 + 18 * Double(series.count), fill: "#ffffff", stroke: "#ccc", radius: 3, extra: "fill-opacity=\"0.9\"")
            for (index, line) in series.enumerated() {
                let y = margin.top + 22 + 18 * Double(index)
                let colour = Self.palette[index % Self.palette.count]
                svg.line(x1: boxX + 8, y1: y - 4, x2: boxX + 30, y2: y - 4, stroke: colour, width: 2.5)
                svg.label(line.name, x: boxX + 36, y: y, size: 12)
            }
        }
        return svg.finished()
    }

    static func logarithmic(_ series: Series) -> Series {
        var result = Series(name: series.name, pieces: [])
        for piece in series.pieces {
            var current: [(x: Double, y: Double)] = []
            for point in piece {
                if point.y == 0 {
                    if !current.isEmpty { result.pieces.append(current); current = [] }
                } else {
                    current.append((point.x, log10(Swift.abs(point.y))))
                }
            }
            if !current.isEmpty { result.pieces.append(current) }
        }
        return result
    }

    /// A piece without the stretches that stay outside the view (`yRange`): only the segments that
    /// are in it, enter it, leave it or cross it are kept, so the picture is the same and smaller.
    static func withinView(_ piece: [(x: Double, y: Double)], _ range: (Double, Double)) -> [[(x: Double, y: Double)]] {
        func region(_ y: Double) -> Int { y < range.0 ? -1 : y > range.1 ? 1 : 0 }
        guard piece.count > 1 else { return piece.allSatisfy({ region($0.y) == 0 }) ? [piece] : [] }
        var pieces: [[(x: Double, y: Double)]] = []
        var current: [(x: Double, y: Double)] = []
        for index in 0..<(piece.count - 1) {
            let (a, b) = (piece[index], piece[index + 1])
            if region(a.y) == 0 || region(a.y) != region(b.y) {
                if current.isEmpty { current.append(a) }
                current.append(b)
            } else if !current.isEmpty {
                pieces.append(current)
                current = []
            }
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// The y range to show: all of the values, unless a few of them (near a pole) are far outside the
    /// rest; then the middle 96% of them, with room around it.
    static func visibleRange(_ values: [Double]) -> (Double, Double) {
        let finite = values.filter(\.isFinite).sorted()
        guard let minimum = finite.first, let maximum = finite.last else { return (-1, 1) }
        let low = finite[Int(Double(finite.count - 1) * 0.02)]
        let high = finite[Int(Double(finite.count - 1) * 0.98)]
        if maximum - minimum > 4 * (high - low), high > low {
            let spread = high - low
            return (Swift.max(minimum, low - spread * 0.25), Swift.min(maximum, high + spread * 0.25))
        }
        return padded(minimum, maximum, by: 0.05)
    }

    static func padded(_ low: Double, _ high: Double, by share: Double) -> (Double, Double) {
        if high > low { return (low - (high - low) * share, high + (high - low) * share) }
        let room = Swift.max(1, Swift.abs(low) * 0.1)
        return (low - room, high + room)
    }

    struct Ticks: Sequence {
        var values: [Double]
        var step: Double
        func makeIterator() -> IndexingIterator<[Double]> { values.makeIterator() }
    }

    /// About six ticks at round numbers (1, 2 or 5 times a power of ten).
    static func ticks(_ low: Double, _ high: Double) -> Ticks {
        let rough = (high - low) / 6
        let magnitude = pow(10, floor(log10(rough)))
        let residual = rough / magnitude
        let step = (residual < 1.5 ? 1 : residual < 3.5 ? 2 : residual < 7.5 ? 5 : 10) * magnitude
        let first = (low / step).rounded(.up)
        let last = (high / step).rounded(.down)
        guard first <= last, last - first < 100 else { return Ticks(values: [], step: step) }
        return Ticks(values: stride(from: first, through: last, by: 1).map { $0 * step }, step: step)
    }

    static func integerTicks(_ low: Double, _ high: Double) -> Ticks {
        let span = high - low
        let step = Swift.max(1, (span / 6).rounded(.up))
        let first = (low / step).rounded(.up), last = (high / step).rounded(.down)
        guard first <= last else { return Ticks(values: [], step: step) }
        return Ticks(values: stride(from: first, through: last, by: 1).map { $0 * step }, step: step)
    }

    /// A tick's value with as many decimals as its step needs (0.6, not 0.6000000000000001).
    static func tickLabel(_ value: Double, step: Double) -> String {
        let decimals = Swift.max(0, Int(-floor(log10(step))) + 1)
        let scale = pow(10, Double(decimals))
        return NumberFormatting.shortest((value * scale).rounded() / scale)
    }

    /// A short stable identifier (FNV-1a), for SVG ids that must not clash between pictures on a page.
    static func identifier(_ text: String) -> String {
        var hash: UInt32 = 2_166_136_261
        for byte in text.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return String(hash, radix: 16)
    }
}
