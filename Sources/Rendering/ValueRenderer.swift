import CalculusLanguage
import CalculusSession
import JSON

/// Renders `E`, `E at x = 2` and `print` results.
public enum ValueRenderer {
    public static func render(_ result: ValueResult) -> RenderedOutput {
        let unicode = ExpressionPrinter.unicode
        let latex = LaTeXPrinter()
        let statement = StatementEcho.text(result.statement, unicode)
        let resultText = unicode.print(result.resultExpression)
        let atText = result.assignments.isEmpty ? ""
            : " at " + result.assignments.map { "\($0.name) = \(unicode.print($0.value))" }.joined(separator: ", ")
        let atLaTeX = result.assignments.isEmpty ? ""
            : "\\quad\\text{at } " + result.assignments.map { "\(LaTeXPrinter.name($0.name)) = \(latex.print($0.value))" }
                .joined(separator: ",\\ ")
        // Show the statement only when it says more than the result itself.
        let shown = statement == resultText && atText.isEmpty
        let plain = shown ? resultText : "\(statement)\(atText) = \(resultText)"
        let math = shown ? latex.print(result.resultExpression)
            : "\(StatementEcho.latex(result.statement)) = \(latex.print(result.resultExpression))\(atLaTeX)"
        let value: JSONValue
        switch result.outcome {
        case .number(let number): value = .double(number)
        case .expression: value = .null
        }
        var machine: [String: JSONValue] = [
            "expression": .string(StatementEcho.text(result.statement, .ascii)),
            "value": value,
            "result": .string(ExpressionPrinter.ascii.print(result.resultExpression)),
        ]
        if !result.assignments.isEmpty {
            machine["at"] = .object(Dictionary(uniqueKeysWithValues: result.assignments.map {
                ($0.name, JSONValue.string(ExpressionPrinter.ascii.print($0.value)))
            }))
        }
        return RenderedOutput(data: [
            MimeType.plain: .string(plain),
            MimeType.latex: .string("$\(math)$"),
            MimeType.value: .object(machine),
        ])
    }
}
