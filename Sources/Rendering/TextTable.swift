/// Plain-text tables with aligned columns: a header line, a rule, then the rows.
enum TextTable {
    static func lines(headers: [String], rows: [[String]]) -> [String] {
        var widths = headers.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1 + String(repeating: " ", count: Swift.max(0, widths[$0] - $1.count)) }
                .joined(separator: " │ ").trimmingTrailingSpaces()
        }
        return [line(headers), widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")] + rows.map(line)
    }
}

/// HTML tables in the one class the notebooks style; cells are escaped here.
enum HTMLTable {
    static func lines(headers: [String], rows: [[String]]) -> [String] {
        var html = ["<table class=\"calculus-table\">", "<thead><tr>" + headers.map { "<th>\(TableRenderer.escape($0))</th>" }.joined() + "</tr></thead>", "<tbody>"]
        html += rows.map { "<tr>" + $0.map { "<td>\(TableRenderer.escape($0))</td>" }.joined() + "</tr>" }
        html.append("</tbody>")
        html.append("</table>")
        return html
    }
}
