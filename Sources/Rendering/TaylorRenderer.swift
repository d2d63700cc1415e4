import CalculusLanguage
import CalculusSession
import JSON
import SymbolicEngine

/// Renders `taylor E at x = a order n`: the polynomial, the table of `k`, `f⁽ᵏ⁾(a)` (exact and its
/// value) and `f⁽ᵏ⁾(a)/k!`, a picture of `E` with polynomials of several orders, and JSON.
public enum TaylorRenderer {
    static let plain = ExpressionPrinter.unicode
    static let latex = LaTeXPrinter()

    /// A derivative of high order, and its exact value at the point, run to pages; the table shows
    /// them shortened (the JSON has them whole).
    static let shownDerivativeCharacters = 60

    static func statement(_ result: TaylorResult) -> String {
        let expansion = result.expansion
        return "taylor \(StatementEcho.text(expansion.expression, plain))\(StatementEcho.at(result.assignments, plain)) order \(expansion.order)"
    }

    static func shortened(_ text: String) -> String {
        guard text.count > shownDerivativeCharacters else { return text }
        return String(text.prefix(shownDerivativeCharacters - 1)) + "…"
    }

    public static func render(_ result: TaylorResult) -> RenderedOutput {
        let expansion = result.expansion
        let x = expansion.variable
        let a = plain.print(expansion.point)
        let polynomial = plain.print(result.polynomial)
        // Series arithmetic writes out no derivative: then the table has no f⁽ᵏ⁾(x) column.
        let bySeries = expansion.derivatives.isEmpty
        let headers = ["k"] + (bySeries ? [] : ["f⁽ᵏ⁾(\(x))"]) + ["f⁽ᵏ⁾(\(a))", "value", "f⁽ᵏ⁾(\(a))/k!"]
        // Each printed once, for the plain-text and HTML tables and the Markdown.
        let derivatives = expansion.derivatives.map { shortened(plain.print($0)) }
        let valuesAtPoint = expansion.valuesAtPoint.map { plain.print($0) }
        let coefficients = result.coefficients.map { StatementEcho.text($0, plain) }
        func rows(_ number: (Double) -> String) -> [[String]] {
            (0...expansion.order).map { k in
                [String(k)] + (bySeries ? [] : [derivatives[k]]) + [
                    shortened(valuesAtPoint[k]), result.values.map { number($0[k]) } ?? "", coefficients[k],
                ]
            }
        }
        var lines = ["\(statement(result)) = \(polynomial)"]
        let offset = Terms.offset(x, from: expansion.point)
        let power = offset == .variable(x) ? "\(x)ᵏ" : "(\(plain.print(offset)))ᵏ"
        lines.append("  the sum of f⁽ᵏ⁾(\(a))/k!·\(power) for k = 0 to \(expansion.order)"
            + (bySeries ? ", each coefficient exact, by series arithmetic:" : ":"))
        lines += TextTable.lines(headers: headers, rows: rows(NumberFormatting.shortest)).map { "  " + $0 }

        let polynomialLaTeX = latex.print(result.polynomial)
        var data: [String: JSONValue] = [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.latex: .string("$$\(polynomialLaTeX)$$"),
            MimeType.taylor: json(result),
        ]
        var image = ""
        if let plot = result.plot {
            // The function is drawn last, so that the polynomial that matches it best does not hide it.
            let names = result.plottedOrders.map { "order \($0)" } + [plain.print(expansion.expression)]
            var chart = PlotRenderer.chart(
                plot, title: "Taylor polynomials of \(plain.print(expansion.expression)) at \(x) = \(NumberFormatting.shortest(result.pointValue))",
                names: names)
            // The function's own range, with room: a polynomial far from its point leaves any sensible view.
            let ys = plot.curves.last?.segments.flatMap { $0.map(\.y) } ?? []
            if let low = ys.min(), let high = ys.max() {
                let visible = Chart.visibleRange(ys)
                let spread = Swift.max(visible.1 - visible.0, 1)
                let range = (Swift.max(low, visible.0) - spread * 0.5, Swift.min(high, visible.1) + spread * 0.5)
                chart.yRange = range
                // A polynomial of high order spends most of its samples far above or below the view.
                for index in chart.series.indices.dropLast() {
                    chart.series[index].pieces = chart.series[index].pieces.flatMap { Chart.withinView($0, range) }
                }
            }
            if let value = result.values?.first {
                chart.markers = [(result.pointValue, value, "\(x) = \(NumberFormatting.readable(result.pointValue))")]
            }
            let svg = chart.svg()
            data[MimeType.svg] = .string(svg)
            image = SVGWriter.image(
                svg, alt: "The curve y = \(plain.print(expansion.expression)) and its Taylor polynomials of orders "
                    + "\(result.plottedOrders.map(String.init).joined(separator: ", ")) about \(x) = \(NumberFormatting.shortest(result.pointValue))")
        }
        let escape = TableRenderer.escape
        let html = [
            "<div class=\"calculus-taylor\">",
            "<p><strong>\(escape(statement(result))) = \(escape(polynomial))</strong></p>",
            image,
        ] + HTMLTable.lines(headers: headers, rows: rows(NumberFormatting.readable)) + ["</div>"]
        data[MimeType.html] = .string(html.filter { !$0.isEmpty }.joined(separator: "\n"))
        let latexRows = (0...expansion.order).map { k in
            let exact = valuesAtPoint[k].count > shownDerivativeCharacters
                ? "(long: in the plain text and JSON)" : "$\(latex.print(expansion.valuesAtPoint[k]))$"
            return "| \(k) | \(exact) | \(result.values.map { NumberFormatting.readable($0[k]) } ?? "") | $\(latex.print(result.coefficients[k]))$ |"
        }
        let markdown = [
            "**Taylor polynomial** of $\(latex.print(expansion.expression))$ at $\(LaTeXPrinter.name(x)) = \(latex.print(expansion.point))$, "
                + "order \(expansion.order): $\(polynomialLaTeX)$",
            "",
            "| $k$ | $f^{(k)}(\(latex.print(expansion.point)))$ | value | $f^{(k)}(\(latex.print(expansion.point)))/k!$ |",
            "| --- | --- | --- | --- |",
        ] + latexRows
        data[MimeType.markdown] = .string(markdown.joined(separator: "\n"))
        return RenderedOutput(data: data)
    }

    static func json(_ result: TaylorResult) -> JSONValue {
        let ascii = ExpressionPrinter.ascii
        let expansion = result.expansion
        return [
            "expression": .string(StatementEcho.text(expansion.expression, ascii)),
            "variable": .string(expansion.variable),
            "point": .string(ascii.print(expansion.point)),
            "point_value": .double(result.pointValue),
            "order": .int(expansion.order),
            "polynomial": .string(ascii.print(result.polynomial)),
            "terms": .array((0...expansion.order).map { k in
                [
                    "k": .int(k),
                    "derivative": expansion.derivatives.isEmpty ? .null : .string(ascii.print(expansion.derivatives[k])),
                    "at_point": .string(ascii.print(expansion.valuesAtPoint[k])),
                    "value": result.values.map { .double($0[k]) } ?? .null,
                    "coefficient": .string(ascii.print(result.coefficients[k])),
                    "exact_coefficient": .string(ascii.print(expansion.coefficients[k])),
                ]
            }),
            "plotted_orders": .array(result.plottedOrders.map { .int($0) }),
            "method": .string(expansion.derivatives.isEmpty ? "series" : "derivatives"),
        ]
    }
}
