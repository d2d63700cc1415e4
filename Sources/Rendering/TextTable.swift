/// Plain-text tables with aligned columns: a header line, a rule, then the rows.
enum TextTable {
    static func lines(headers: [String], rows: [[String]]) -> [String] {
        // Each cell's length is counted once (counting characters walks the string).
        let lengths = ([headers] + rows).map { $0.map(\.count) }
        var widths = lengths[0]
        for row in lengths.dropFirst() { for (index, length) in row.enumerated() { widths[index] = max(widths[index], length) } }
        func line(_ cells: [String], _ cellLengths: [Int]) -> String {
            var text = ""
            for (index, cell) in cells.enumerated() {
                if index > 0 { text += " │ " }
                text += cell
                // The last cell needs no padding: the line's trailing spaces go anyway.
                if index < cells.count - 1 { text += String(repeating: " ", count: Swift.max(0, widths[index] - cellLengths[index])) }
            }
            return text.trimmingTrailingSpaces()
        }
        return [line(headers, lengths[0]), widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")]
            + zip(rows, lengths.dropFirst()).map(line)
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
