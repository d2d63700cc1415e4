import CalculusLanguage
import CalculusSession
import JSON

/// Renders vectors and matrices: list literals, and `gradient`, `hessian` and `jacobian` with each
/// entry's derivative and its steps (folded away in Markdown as `<details>`, one per entry). Plain
/// text prints them as the lists the language reads back; LaTeX as `pmatrix`.
public enum MatrixRenderer {
    static let plain = ExpressionPrinter.unicode
    static let ascii = ExpressionPrinter.ascii
    static let latex = LaTeXPrinter()

    static func json(_ list: ListLiteral) -> JSONValue {
        switch list {
        case .vector(let entries): .array(entries.map { .string(ascii.print($0)) })
        case .matrix(let rows): .array(rows.map { .array($0.map { .string(ascii.print($0)) }) })
        }
    }

    /// Numbers as JSON numbers; nil when some entry is not a number.
    static func values(_ list: ListLiteral) -> JSONValue {
        func number(_ entry: Expression) -> JSONValue? { entry.numberValue.map(JSONValue.double) }
        switch list {
        case .vector(let entries):
            let numbers = entries.compactMap(number)
            return numbers.count == entries.count ? .array(numbers) : .null
        case .matrix(let rows):
            var result: [JSONValue] = []
            for row in rows {
                let numbers = row.compactMap(number)
                guard numbers.count == row.count else { return .null }
                result.append(.array(numbers))
            }
            return .array(result)
        }
    }

    public static func render(_ result: ListResult) -> RenderedOutput {
        let statement = plain.print(result.statement)
        let shown = plain.print(result.result)
        let at = StatementEcho.at(result.assignments, plain)
        let text = statement == shown && at.isEmpty ? shown : "\(statement)\(at) = \(shown)"
        let math = statement == shown && at.isEmpty ? latex.print(result.result)
            : "\(latex.print(result.statement)) = \(latex.print(result.result))\(StatementEcho.latexAt(result.assignments))"
        return RenderedOutput(data: [
            MimeType.plain: .string(text),
            MimeType.latex: .string("$$\(math)$$"),
            MimeType.value: [
                "expression": .string(ascii.print(result.statement)),
                "result": json(result.result),
                "value": values(result.result),
            ],
        ])
    }

    // MARK: Derivative matrices

    static func statement(_ result: MatrixResult, _ printer: ExpressionPrinter) -> String {
        let body = result.kind == .jacobian
            ? "[" + result.expressions.map { StatementEcho.text($0, printer) }.joined(separator: ", ") + "]"
            : StatementEcho.text(result.expressions[0], printer)
        return "\(result.kind.rawValue) \(body) wrt \(result.variables.joined(separator: ", "))"
    }

    static func latexName(_ result: MatrixResult) -> String {
        let body = result.kind == .jacobian
            ? "\\left(" + result.expressions.map { StatementEcho.latex($0) }.joined(separator: ",\\ ") + "\\right)"
            : "\\left(" + StatementEcho.latex(result.expressions[0]) + "\\right)"
        switch result.kind {
        case .gradient: return "\\nabla" + body
        case .hessian: return "H" + body
        case .jacobian: return "J" + body
        }
    }

    /// What an entry is: `∂/∂x`, `∂²/∂x∂y`, `∂(x·y)/∂x`.
    static func entryName(_ result: MatrixResult, row: Int, column: Int) -> String {
        switch result.kind {
        case .gradient: "∂/∂\(result.variables[column])"
        case .hessian where row == column: "∂²/∂\(result.variables[row])²"
        case .hessian: "∂²/∂\(result.variables[row])∂\(result.variables[column])"
        case .jacobian: "∂/∂\(result.variables[column]) of \(StatementEcho.text(result.expressions[row], plain))"
        }
    }

    /// The entry across the diagonal that a Hessian entry repeats, if it is one.
    static func mirror(_ result: MatrixResult, row: Int, column: Int) -> (row: Int, column: Int)? {
        result.kind == .hessian && column < row ? (column, row) : nil
    }

    /// The nodes of one entry's steps (counted without walking past `limit`).
    static func stepNodes(_ entry: DerivativeResult, upTo limit: Int) -> Int {
        var total = 0
        var pending = entry.derivation.steps
        while let step = pending.popLast(), total <= limit {
            total += step.expression.nodeCount(upTo: limit + 1) + step.result.nodeCount(upTo: limit + 1)
            pending.append(contentsOf: step.substeps)
        }
        return total
    }

    /// Which entries show their steps: in order, while all of them together hold at most
    /// `DerivativeRenderer.displayBudget` nodes (a Hessian of a 10-weight loss has 55 derivations of
    /// a few hundred nodes each; shown whole they are megabytes no browser typesets).
    static func entriesWithSteps(_ result: MatrixResult) -> Set<[Int]> {
        var shown = Set<[Int]>()
        var remaining = DerivativeRenderer.displayBudget
        for (row, entries) in result.entries.enumerated() {
            for (column, entry) in entries.enumerated() where mirror(result, row: row, column: column) == nil {
                let nodes = stepNodes(entry, upTo: remaining)
                guard nodes <= remaining else { return shown }
                remaining -= nodes
                shown.insert([row, column])
            }
        }
        return shown
    }

    /// Each entry's result in ASCII, printed once for the list and the entries' JSON (an entry below
    /// a Hessian's diagonal takes the one across it).
    static func asciiResults(_ result: MatrixResult) -> [[String]] {
        var printed: [[String]] = []
        for (row, entries) in result.entries.enumerated() {
            printed.append(entries.enumerated().map { column, entry in
                mirror(result, row: row, column: column).map { printed[$0.row][$0.column] }
                    ?? ascii.print(entry.derivation.result)
            })
        }
        return printed
    }

    public static func render(_ result: MatrixResult) -> RenderedOutput {
        let list = result.list
        let printed = asciiResults(result)
        let values = result.values
        let statementText = statement(result, plain)
        var lines: [String] = []
        if let values, !result.assignments.isEmpty {
            lines.append("\(statementText)\(StatementEcho.at(result.assignments, plain)) = \(plain.print(values))")
            lines.append("\(statementText) = \(plain.print(list))")
        } else {
            lines.append("\(statementText) = \(plain.print(list))")
            if let values { lines.append("(= \(plain.print(values)) at the current values)") }
        }
        let withSteps = entriesWithSteps(result)
        var markdown: [String] = []
        var left = 0
        var firstLeftOut: DerivativeResult?
        for (row, entries) in result.entries.enumerated() {
            for (column, entry) in entries.enumerated() {
                let name = entryName(result, row: row, column: column)
                if let across = mirror(result, row: row, column: column) {
                    let note = "the same as \(entryName(result, row: across.row, column: across.column)): second partial derivatives commute"
                    if withSteps.contains([across.row, across.column]) {
                        lines.append("\(name): \(note)")
                        markdown += ["<details><summary>\(TableRenderer.escape(name)): \(TableRenderer.escape(note))</summary>", "</details>", ""]
                    }
                    continue
                }
                guard withSteps.contains([row, column]) else {
                    left += 1
                    if firstLeftOut == nil { firstLeftOut = entry }
                    continue
                }
                let value = entry.value.map { " = \(NumberFormatting.shortest($0))" } ?? ""
                lines.append("\(name): \(plain.print(entry.derivation.result))\(value)")
                lines += DerivativeRenderer.stepTextLines(entry, indent: "  ")
                markdown += [
                    "<details><summary>\(TableRenderer.escape(name)): $\(latex.print(entry.derivation.result))\(value)$</summary>",
                    "",
                ] + DerivativeRenderer.markdownStepLines(entry) + ["", "</details>", ""]
            }
        }
        if left > 0, let firstLeftOut {
            // The hint is an entry left out, as the user would type it (`d/dw2 d/dw1 L` for a Hessian's).
            let note = "(the steps of \(left) more \(left == 1 ? "entry are" : "entries are") left out, too long to show together: "
                + "ask for one entry, as in \(StatementEcho.text(firstLeftOut.statement, plain)), to see its steps)"
            lines.append(note)
            markdown.append(note)
        }
        let nodes = result.entries.reduce(0) { $0 + $1.reduce(0) { $0 + $1.derivation.result.nodeCount(upTo: DerivativeRenderer.displayBudget + 1) } }
        let typeset = nodes <= DerivativeRenderer.displayBudget / 4
            ? latex.print(list) : "\\text{a matrix of \(nodes) nodes (in full in the plain text)}"
        let answer = "\(latexName(result)) = \(typeset)"
            + (values.map { "\(StatementEcho.latexAt(result.assignments))\\ = \(latex.print($0))" } ?? "")
        markdown = ["**\(result.kind.rawValue.capitalized)** by $\(result.variables.map(LaTeXPrinter.name).joined(separator: ", "))$: $\(answer)$", ""]
            + ["each entry's steps (click to open):", ""] + markdown
        return RenderedOutput(data: [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.markdown: .string(markdown.joined(separator: "\n")),
            MimeType.latex: .string("$$\(answer)$$"),
            MimeType.matrix: [
                "kind": .string(result.kind.rawValue),
                "expression": .string(statement(result, ascii)),
                "expressions": .array(result.expressions.map { .string(StatementEcho.text($0, ascii)) }),
                "variables": .array(result.variables.map(JSONValue.string)),
                "result": result.kind == .gradient
                    ? .array(printed[0].map(JSONValue.string)) : .array(printed.map { .array($0.map(JSONValue.string)) }),
                "value": values.map(Self.values) ?? .null,
                "entries": .array(result.entries.enumerated().map { row, entries in
                    .array(entries.enumerated().map { column, entry in
                        if let across = mirror(result, row: row, column: column) {
                            return ["same_as": .array([.int(across.row), .int(across.column)]),
                                    "result": .string(printed[row][column]),
                                    "value": entry.value.map(JSONValue.double) ?? .null]
                        }
                        guard withSteps.contains([row, column]) else {
                            // Its steps are left out: not written to JSON only to be dropped.
                            var bare = entry
                            bare.derivation.steps = []
                            var object = DerivativeRenderer.json(bare, printedResult: printed[row][column]).objectValue ?? [:]
                            object["steps_omitted"] = true
                            return .object(object)
                        }
                        return DerivativeRenderer.json(entry, printedResult: printed[row][column])
                    })
                }),
            ],
        ])
    }
}
