import Glibc
import CalculusLanguage
import CalculusSession
import JSON

/// Renders `plot E1, E2 for x in a..b`: the picture as SVG, a plain-text summary of each curve
/// (its pieces and range, which is what a log or a test can compare) and the plot's JSON.
public enum PlotRenderer {
    static let plain = ExpressionPrinter.unicode

    /// The chart of a plot's curves, each named in the legend.
    static func chart(_ plot: PlotData, title: String, names: [String]) -> Chart {
        Chart(
            title: title, xLabel: plot.variable,
            series: zip(names, plot.curves).map { name, curve in
                Chart.Series(name: name, pieces: curve.segments.map { $0.map { ($0.x, $0.y) } })
            },
            xRange: (plot.from, plot.to), clipsOutliers: true)
    }

    public static func render(_ plot: PlotData) -> RenderedOutput {
        let names = plot.curves.map { plain.print($0.expression) }
        let range = "\(NumberFormatting.shortest(plot.from))..\(NumberFormatting.shortest(plot.to))"
        let title = "\(names.joined(separator: ", ")) for \(plot.variable) in \(range)"
        let chart = chart(plot, title: title, names: names)
        var lines = ["plot \(title) (\(plot.sampleCount) points per curve)"]
        var curves: [JSONValue] = []
        for (name, curve) in zip(names, plot.curves) {
            let ys = curve.segments.flatMap { $0.map(\.y) }
            let summary: String
            if let low = ys.min(), let high = ys.max() {
                let pieces = curve.segments.count == 1 ? "1 piece" : "\(curve.segments.count) pieces"
                summary = "\(name): \(pieces), from \(NumberFormatting.shortest(round6(low))) to \(NumberFormatting.shortest(round6(high)))"
            } else {
                summary = "\(name): undefined everywhere in \(range)"
            }
            lines.append(summary)
            curves.append([
                "expression": .string(ExpressionPrinter.ascii.print(curve.expression)),
                "pieces": .int(curve.segments.count),
                "points": .int(ys.count),
                "min": ys.min().map { .double(round6($0)) } ?? .null,
                "max": ys.max().map { .double(round6($0)) } ?? .null,
            ])
        }
        let picture = chart.svg()
        return RenderedOutput(data: [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.svg: .string(picture),
            MimeType.html: .string(SVGWriter.image(picture, alt: "Plot for \(plot.variable) from \(NumberFormatting.shortest(plot.from)) to "
                + "\(NumberFormatting.shortest(plot.to)): " + lines.dropFirst().joined(separator: "; "))),
            MimeType.plot: [
                "variable": .string(plot.variable), "from": .double(plot.from), "to": .double(plot.to),
                "samples": .int(plot.sampleCount), "curves": .array(curves),
            ],
        ])
    }

    /// Six significant digits: a summary's extremes should not change with the last bit of a sample.
    static func round6(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let scale = Glibc.pow(10, 5 - Glibc.floor(Glibc.log10(Swift.abs(value))))
        return (value * scale).rounded() / scale
    }
}
