import CalculusLanguage
import CalculusSession
import JSON

/// Renders `layers` (local derivatives through a deep chain and their vanishing or exploding
/// product) and `descend` (the loss step by step): a table in plain text and HTML, the HTML with a
/// chart above it, and JSON for tools.
public enum TrainingRenderer {
    static let plain = ExpressionPrinter.unicode
    /// Longer runs show this many rows, evenly spaced, always with the first and the last.
    static let shownRows = 200

    public static func render(_ result: LayersResult) -> RenderedOutput {
        let u = result.variable
        let statement = "layers \(result.layers.count) \(plain.print(result.expression))"
        let last = result.layers.last!
        let headline = "\(statement) at \(u) = \(NumberFormatting.shortest(result.layers[0].input)): ∂out/∂\(u)₀ = \(NumberFormatting.shortest(last.product))"
        let verdict = Swift.abs(last.product) < 1e-3 ? "the gradient vanishes" : Swift.abs(last.product) > 1e3 ? "the gradient explodes" : "the gradient keeps its size"
        let headers = ["layer", "input", "output", "local derivative \(plain.print(result.derivative))", "product ∂out/∂\(u)₀"]
        let shown = evenlySpaced(result.layers.count)
        func tableRows(_ format: (Double) -> String) -> [[String]] {
            shown.map { index -> [String] in
                let layer = result.layers[index]
                return [String(layer.index), format(layer.input), format(layer.output), format(layer.localDerivative), format(layer.product)]
            }
        }
        let rows = tableRows(NumberFormatting.shortest)
        let note = shown.count < result.layers.count ? "(\(shown.count) of \(result.layers.count) layers shown, evenly spaced)" : nil
        var text = [headline, "(\(verdict): the product of \(result.layers.count) local derivatives)"] + TextTable.lines(headers: headers, rows: rows)
        if let note { text.append(note) }
        let chart = Chart(
            title: "|∂out/∂\(u)₀| after each layer of \(plain.print(result.expression))", xLabel: "layer", yLabel: "|product| (log scale)",
            series: [Chart.Series(name: "", pieces: [result.layers.map { (Double($0.index), $0.product) }])],
            logarithmicY: true)
        let picture = chart.svg()
        let description = "Chart of |∂out/∂\(u)₀| over \(result.layers.count) layers of \(plain.print(result.expression)), log scale: "
            + "\(GraphRenderer.compact(result.layers[0].product)) after layer 1, \(GraphRenderer.compact(last.product)) after the last (\(verdict))"
        var html = ["<div class=\"calculus-layers\">", "<p><strong>\(TableRenderer.escape(headline))</strong> (\(verdict))</p>",
                    SVGWriter.image(picture, alt: description)]
        // Six significant digits for reading; the plain text and JSON keep every digit.
        html += HTMLTable.lines(headers: headers, rows: tableRows(NumberFormatting.readable))
        if let note { html.append("<p>\(note)</p>") }
        html.append("</div>")
        return RenderedOutput(data: [
            MimeType.plain: .string(text.joined(separator: "\n")),
            MimeType.html: .string(html.joined(separator: "\n")),
            MimeType.svg: .string(picture),
            "application/vnd.calculus.layers+json": [
                "expression": .string(ExpressionPrinter.ascii.print(result.expression)),
                "variable": .string(u),
                "derivative": .string(ExpressionPrinter.ascii.print(result.derivative)),
                "layers": .array(result.layers.map {
                    ["layer": .int($0.index), "input": .double($0.input), "output": .double($0.output),
                     "local": .double($0.localDerivative), "product": .double($0.product)]
                }),
            ],
        ])
    }

    public static func render(_ result: DescentResult) -> RenderedOutput {
        let first = result.steps.first!, last = result.steps.last!
        let names = result.names.joined(separator: ", ")
        let statement = "descend \(plain.print(result.loss)) wrt \(names) rate \(NumberFormatting.shortest(result.rate)) for \(last.index) steps"
        let finalValues = zip(result.names, last.values).map { "\($0) = \(NumberFormatting.shortest($1))" }.joined(separator: ", ")
        let headline = "\(statement): loss \(NumberFormatting.shortest(first.loss)) → \(NumberFormatting.shortest(last.loss))"
        let headers = ["step"] + result.names + result.names.map { "∂loss/∂\($0)" } + ["loss"]
        let shown = evenlySpaced(result.steps.count)
        func tableRows(_ format: (Double) -> String) -> [[String]] {
            shown.map { index -> [String] in
                let step = result.steps[index]
                return [String(step.index)] + step.values.map(format) + step.gradients.map(format) + [format(step.loss)]
            }
        }
        let rows = tableRows(NumberFormatting.shortest)
        let note = shown.count < result.steps.count ? "(\(shown.count) of \(result.steps.count) steps shown, evenly spaced)" : nil
        var text = [headline, "now \(finalValues)"] + TextTable.lines(headers: headers, rows: rows)
        if let note { text.append(note) }
        let chart = Chart(
            title: "\(plain.print(result.loss)) by step", xLabel: "step", yLabel: "loss",
            series: [Chart.Series(name: "", pieces: [result.steps.map { (Double($0.index), $0.loss) }])])
        let picture = chart.svg()
        let description = "Chart of \(plain.print(result.loss)) over \(last.index) steps of gradient descent: "
            + "from \(GraphRenderer.compact(first.loss)) to \(GraphRenderer.compact(last.loss))"
        var html = ["<div class=\"calculus-descent\">", "<p><strong>\(TableRenderer.escape(headline))</strong>; now \(TableRenderer.escape(finalValues))</p>",
                    SVGWriter.image(picture, alt: description)]
        // Six significant digits for reading; the plain text and JSON keep every digit.
        html += HTMLTable.lines(headers: headers, rows: tableRows(NumberFormatting.readable))
        if let note { html.append("<p>\(note)</p>") }
        html.append("</div>")
        return RenderedOutput(data: [
            MimeType.plain: .string(text.joined(separator: "\n")),
            MimeType.html: .string(html.joined(separator: "\n")),
            MimeType.svg: .string(picture),
            "application/vnd.calculus.descent+json": [
                "loss": .string(ExpressionPrinter.ascii.print(result.loss)),
                "names": .array(result.names.map(JSONValue.string)),
                "rate": .double(result.rate),
                "steps": .array(result.steps.map { step in
                    ["step": .int(step.index), "values": .array(step.values.map(JSONValue.double)),
                     "gradients": .array(step.gradients.map(JSONValue.double)), "loss": .double(step.loss)]
                }),
            ],
        ])
    }

    /// Indices of at most `shownRows` rows, evenly spaced, the first and the last among them.
    static func evenlySpaced(_ count: Int) -> [Int] {
        guard count > shownRows else { return Array(0..<count) }
        var indices = (0..<shownRows).map { $0 * (count - 1) / (shownRows - 1) }
        indices[indices.count - 1] = count - 1
        return indices
    }
}
