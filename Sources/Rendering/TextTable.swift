/// Plain-text tables with aligned columns: a header line, a rule, then the rows.
enum TextTable {
    static func lines(headers: [String], rows: [[String]]) -> [String] {
        var widths = headers.map(\.count)
        for row in rows { for (index, cell) in row.enumerated() { widths[index] = max(widths[index], cell.count) } }
        func line(_ cells: [String]) -> String {
            cells.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: " │ ").trimmingTrailingSpaces()
        }
        return [line(headers), widths.map { String(repeating: "─", count: $0) }.joined(separator: "─┼─")] + rows.map(line)
    }
}
