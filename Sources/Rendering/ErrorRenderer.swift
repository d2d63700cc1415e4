import CalculusLanguage
import CalculusSession

/// Renders a failed statement the way Jupyter front ends show errors: the traceback carries the
/// message (front ends show the traceback, not `evalue`), the source line and a caret under the column.
public enum ErrorRenderer {
    static let red = "\u{1B}[0;31m"
    static let bold = "\u{1B}[1m"
    static let reset = "\u{1B}[0m"

    public static func render(_ failure: CellError, cell: String, colored: Bool = true) -> RenderedError {
        let error = failure.error
        let name = error.kind.rawValue
        let message = error.message.replacingOccurrences(of: "\n", with: " ")
        var lines = [colored ? "\(red)\(name)\(reset): \(message)" : "\(name): \(message)"]
        if let range = error.range ?? failure.statementRange {
            lines.append(contentsOf: sourceExcerpt(cell: cell, range: range, colored: colored))
        }
        return RenderedError(name: name, value: message, traceback: lines)
    }

    /// `  line 2 | d/dx sine(x)` and, beneath, a caret under the start of `range`
    /// (with `~` along the rest of it on that line).
    static func sourceExcerpt(cell: String, range: SourceRange, colored: Bool) -> [String] {
        let sourceLines = cell.split(separator: "\n", omittingEmptySubsequences: false)
        guard range.start.line >= 1, range.start.line <= sourceLines.count else { return [] }
        let line = String(sourceLines[range.start.line - 1]).replacingOccurrences(of: "\t", with: " ")
            .replacingOccurrences(of: "\r", with: "")
        let shownLine = line.unicodeScalars.count > 200 ? String(String.UnicodeScalarView(line.unicodeScalars.prefix(200))) + " …" : line
        let prefix = "  line \(range.start.line) | "
        let padding = String(repeating: " ", count: prefix.count - 2) + "| "
        let column = max(1, range.start.column)
        let width = range.end.line == range.start.line ? max(1, range.end.column - range.start.column) : 1
        let marker = "^" + String(repeating: "~", count: min(width, 80) - 1)
        let caretLine = padding + String(repeating: " ", count: column - 1) + (colored ? "\(bold)\(red)\(marker)\(reset)" : marker)
        return [prefix + shownLine, caretLine]
    }
}
