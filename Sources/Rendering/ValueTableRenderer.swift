import CalculusLanguage
import CalculusSession
import JSON

/// Renders value tables; long ones show their first rows and say how many are left out,
/// so a browser never freezes on a 100,000-row table.
public enum ValueTableRenderer {
    public static let shownRows = 200

    public static func render(_ table: ValueTable) -> RenderedOutput {
        let plain = ExpressionPrinter.unicode
        let latex = LaTeXPrinter()
        let headers = [table.variable] + table.expressions.map(plain.print)
        func cell(_ value: Double?) -> String { value.map(NumberFormatting.shortest) ?? "undefined" }
        let shown = table.rows.prefix(shownRows).map { [NumberFormatting.shortest($0.x)] + $0.values.map(cell) }
        let hidden = table.rows.count - shown.count
        var text = TextTable.lines(headers: headers, rows: Array(shown))
        let latexHeaders = [LaTeXPrinter.name(table.variable)] + table.expressions.map(latex.print)
        var html = ["<table class=\"calculus-table\">", "<thead><tr>" + latexHeaders.map { "<th>$\(TableRenderer.escape($0))$</th>" }.joined() + "</tr></thead>", "<tbody>"]
        // Six significant digits for reading; the plain text and JSON keep every digit.
        func readable(_ value: Double?) -> String { value.map(NumberFormatting.readable) ?? "undefined" }
        html += table.rows.prefix(shownRows).map { row in
            "<tr>" + ([NumberFormatting.readable(row.x)] + row.values.map(readable)).map { "<td>\($0)</td>" }.joined() + "</tr>"
        }
        html.append("</tbody>")
        html.append("</table>")
        if hidden > 0 {
            text.append("… \(hidden) more rows")
            html.append("<p>… \(hidden) more rows</p>")
        }
        let json: JSONValue = [
            "variable": .string(table.variable),
            "expressions": .array(table.expressions.map { .string(ExpressionPrinter.ascii.print($0)) }),
            "rows": .array(table.rows.map { row in .array([.double(row.x)] + row.values.map { $0.map(JSONValue.double) ?? .null }) }),
        ]
        return RenderedOutput(data: [
            MimeType.plain: .string(text.joined(separator: "\n")),
            MimeType.html: .string(html.joined(separator: "\n")),
            "application/vnd.calculus.table+json": json,
        ])
    }
}
