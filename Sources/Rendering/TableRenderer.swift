import CalculusLanguage
import CalculusSession
import JSON
import SymbolicEngine

/// Renders the chain-rule table (`table d/dx [...]`) as aligned plain text, Markdown and HTML,
/// with the cheat sheet's columns: Composition · Outer′ / inner′ · Chain rule · Result.
public enum TableRenderer {
    static let plain = ExpressionPrinter.unicode
    static let latex = LaTeXPrinter()
    public static let headers = ["Composition", "Outer′ / inner′", "Chain rule", "Result"]

    struct Cells {
        var plain: [String]
        var latex: [String]
    }

    static func cells(_ row: DerivativeTable.Row) -> Cells {
        let composition = Cells(plain: [plain.print(row.expression)], latex: [latex.print(row.expression)])
        var outerInner = ("—", "—")
        if let chain = row.chain {
            outerInner = (
                "\(plain.print(chain.outerDerivative)) / \(plain.print(chain.innerDerivative))",
                "\(latex.print(chain.outerDerivative)) \\;/\\; \(latex.print(chain.innerDerivative))"
            )
        }
        return Cells(
            plain: composition.plain + [outerInner.0, plain.print(row.chainProduct), plain.print(row.result)],
            latex: composition.latex + [outerInner.1, latex.print(row.chainProduct), latex.print(row.result)])
    }

    public static func render(_ table: DerivativeTable) -> RenderedOutput {
        let rows = table.rows.map(cells)
        let title = "\(ExpressionPrinter.unicode.derivativeOperator(variable: table.variable, order: table.order)) table"
        let text = [title] + TextTable.lines(headers: headers, rows: rows.map(\.plain))
        // Markdown with math.
        var markdown = ["| " + headers.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: headers.count)]
        markdown += rows.map { "| " + $0.latex.map { "$\($0)$" }.joined(separator: " | ") + " |" }
        // HTML: the table JupyterLab shows; MathJax typesets the cells.
        var html = ["<table class=\"calculus-table\">", "<thead><tr>" + headers.map { "<th>\(escape($0))</th>" }.joined() + "</tr></thead>", "<tbody>"]
        html += rows.map { "<tr>" + $0.latex.map { "<td>$\(escape($0))$</td>" }.joined() + "</tr>" }
        html += ["</tbody>", "</table>"]
        let json: JSONValue = [
            "variable": .string(table.variable),
            "order": .int(table.order),
            "rows": .array(table.rows.map { row in
                [
                    "expression": .string(ExpressionPrinter.ascii.print(row.expression)),
                    "outer_derivative": row.chain.map { .string(ExpressionPrinter.ascii.print($0.outerDerivative)) } ?? .null,
                    "inner_derivative": row.chain.map { .string(ExpressionPrinter.ascii.print($0.innerDerivative)) } ?? .null,
                    "chain_rule": .string(ExpressionPrinter.ascii.print(row.chainProduct)),
                    "result": .string(ExpressionPrinter.ascii.print(row.result)),
                ]
            }),
        ]
        return RenderedOutput(data: [
            MimeType.plain: .string(text.joined(separator: "\n")),
            MimeType.markdown: .string(markdown.joined(separator: "\n")),
            MimeType.html: .string(html.joined(separator: "\n")),
            "application/vnd.calculus.table+json": json,
        ])
    }

    static func escape(_ text: String) -> String { SVGWriter.escape(text, quotes: false) }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        guard utf8.last == 0x20 else { return self }
        var end = utf8.endIndex
        while end > utf8.startIndex, utf8[utf8.index(before: end)] == 0x20 { end = utf8.index(before: end) }
        return String(self[..<end])
    }
}
