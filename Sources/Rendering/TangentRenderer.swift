import CalculusLanguage
import CalculusSession
import JSON
import SymbolicEngine

/// Renders `tangent E at x = a`: the line with its three steps (the value, the slope with the
/// derivative's own steps, the line), a picture of `E` and the line with the point marked, and JSON.
public enum TangentRenderer {
    static let plain = ExpressionPrinter.unicode
    static let latex = LaTeXPrinter()

    static func headline(_ result: TangentResult) -> String {
        "tangent \(StatementEcho.text(result.expression, plain))\(StatementEcho.at(result.assignments, plain)): y = \(plain.print(result.line))"
    }

    /// `sin(1) = 0.8414709848078965`, or the number alone when the exact form is one.
    static func exactAndValue(_ exact: Expression, _ value: Double?) -> String {
        guard let value, exact.numberValue == nil else { return plain.print(exact) }
        return "\(plain.print(exact)) = \(NumberFormatting.shortest(value))"
    }

    /// The three steps, as plain-text lines without indentation.
    static func steps(_ result: TangentResult) -> (value: String, slope: String, slopeAtPoint: String, line: String) {
        let x = result.variable
        let a = plain.print(result.point)
        let f = StatementEcho.text(result.expression, plain)
        let point = result.value.map { "(\(NumberFormatting.shortest(result.pointValue)), \(NumberFormatting.shortest($0)))" } ?? "(\(a), f(\(a)))"
        let offset = plain.print(Terms.offset(x, from: result.point))
        return (
            "the value at the point: f(\(a)) = \(exactAndValue(result.valueAtPoint, result.value))",
            "the slope: f′(\(x)) = d/d\(x) \(DerivativeRenderer.wrapped(f, result.expression)) = \(plain.print(result.derivative.derivation.result))",
            "f′(\(a)) = \(exactAndValue(result.slopeAtPoint, result.slope))",
            "the line through \(point) with that slope: y = f(\(a)) + f′(\(a))·(\(offset)) = \(plain.print(result.line))"
        )
    }

    /// ` y ≈ 0.540302x + 0.301169`: the line in six digits, short enough for a legend.
    static func legendLine(_ result: TangentResult) -> String {
        guard let slope = result.slope, let intercept = result.intercept else { return "" }
        let x = result.variable
        let rise = slope == 0 ? "" : slope == 1 ? x : slope == -1 ? "-\(x)" : "\(NumberFormatting.readable(slope))\(x)"
        let constant = NumberFormatting.readable(Swift.abs(intercept))
        if rise.isEmpty { return " y ≈ \(NumberFormatting.readable(intercept))" }
        return intercept == 0 ? " y ≈ \(rise)" : " y ≈ \(rise)\(intercept < 0 ? " - " : " + ")\(constant)"
    }

    public static func render(_ result: TangentResult) -> RenderedOutput {
        let steps = steps(result)
        var lines = [headline(result)]
        if let numeric = result.numericLine { lines.append("  y ≈ \(plain.print(numeric))") }
        lines.append("  1. \(steps.value)")
        lines.append("  2. \(steps.slope)")
        lines += DerivativeRenderer.stepTextLines(result.derivative, indent: "       ")
        lines.append("     \(steps.slopeAtPoint)")
        lines.append("  3. \(steps.line)")

        var data: [String: JSONValue] = [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.latex: .string("$$y = \(latex.print(result.line))$$"),
            MimeType.tangent: json(result),
        ]
        let alt = "The curve y = \(plain.print(result.expression)) and its tangent line at \(result.variable) = "
            + "\(NumberFormatting.shortest(result.pointValue))" + (result.numericLine.map { ", y ≈ \(plain.print($0))" } ?? "")
        var image = ""
        if let plot = result.plot {
            var chart = PlotRenderer.chart(
                plot, title: "tangent to \(plain.print(result.expression)) at \(result.variable) = \(NumberFormatting.shortest(result.pointValue))",
                names: [plain.print(result.expression), "tangent" + legendLine(result)])
            if let value = result.value {
                chart.markers = [(result.pointValue, value, "(\(NumberFormatting.readable(result.pointValue)), \(NumberFormatting.readable(value)))")]
            }
            let svg = chart.svg()
            data[MimeType.svg] = .string(svg)
            image = SVGWriter.image(svg, alt: alt)
        }
        let escape = TableRenderer.escape
        let html = [
            "<div class=\"calculus-tangent\">",
            "<p><strong>\(escape(headline(result)))</strong></p>",
            result.numericLine.map { "<p>y ≈ \(escape(plain.print($0)))</p>" } ?? "",
            image,
            "<ol>",
            "<li>\(escape(steps.value))</li>",
            "<li>\(escape(steps.slope))<br>\(escape(steps.slopeAtPoint))"
                + "<details><summary>steps of the derivative</summary><pre>"
                + escape(DerivativeRenderer.stepTextLines(result.derivative, indent: "").joined(separator: "\n")) + "</pre></details></li>",
            "<li>\(escape(steps.line))</li>",
            "</ol>",
            "</div>",
        ].filter { !$0.isEmpty }
        data[MimeType.html] = .string(html.joined(separator: "\n"))
        let markdown = [
            "**Tangent** to $y = \(latex.print(result.expression))$ at $\(LaTeXPrinter.name(result.variable)) = \(latex.print(result.point))$: "
                + "$y = \(latex.print(result.line))$",
            "",
            "1. \(steps.value)",
            "2. \(steps.slope); \(steps.slopeAtPoint)",
            "3. \(steps.line)",
        ]
        data[MimeType.markdown] = .string(markdown.joined(separator: "\n"))
        return RenderedOutput(data: data)
    }

    static func json(_ result: TangentResult) -> JSONValue {
        let ascii = ExpressionPrinter.ascii
        return [
            "expression": .string(StatementEcho.text(result.expression, ascii)),
            "variable": .string(result.variable),
            "point": .string(ascii.print(result.point)),
            "point_value": .double(result.pointValue),
            "value_at_point": .string(ascii.print(result.valueAtPoint)),
            "value": result.value.map(JSONValue.double) ?? .null,
            "derivative": .string(ascii.print(result.derivative.derivation.result)),
            "slope_at_point": .string(ascii.print(result.slopeAtPoint)),
            "slope": result.slope.map(JSONValue.double) ?? .null,
            "intercept": result.intercept.map(JSONValue.double) ?? .null,
            "line": .string(ascii.print(result.line)),
            "numeric_line": result.numericLine.map { .string(ascii.print($0)) } ?? .null,
            "steps": DerivativeRenderer.json(result.derivative).objectValue?["steps"] ?? [],
        ]
    }
}
