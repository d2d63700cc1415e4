import CalculusLanguage
import CalculusSession
import JSON
import SymbolicEngine

/// Renders `dy/dx from LHS = RHS`: both sides differentiated with y a function of x (each partial
/// derivative with its steps, the chain rule's `·dy/dx` shown), the dy/dx terms collected, solved, and
/// simplified; the slope at a point when one is given.
public enum ImplicitRenderer {
    static let plain = ExpressionPrinter.unicode
    static let latex = LaTeXPrinter()

    static func statement(_ result: ImplicitResult) -> String {
        let derivation = result.derivation
        return "\(plain.print(derivation.derivativeSymbol)) from \(StatementEcho.text(derivation.left.expression, plain)) = "
            + StatementEcho.text(derivation.right.expression, plain)
    }

    static func partial(_ derivation: Derivation) -> DerivativeResult {
        DerivativeResult(
            statement: .derivative(derivation.expression, variable: derivation.variable, order: 1), derivation: derivation,
            assignments: [], value: nil)
    }

    static func sideLines(_ side: ImplicitDerivation.Side, _ name: String, _ derivation: ImplicitDerivation) -> [String] {
        let x = derivation.independent, y = derivation.dependent
        let expression = DerivativeRenderer.wrapped(StatementEcho.text(side.expression, plain), side.expression)
        var lines = ["\(name): d/d\(x) \(expression) = \(plain.print(side.total))"]
        guard !side.expression.freeVariables.isEmpty else { return lines }
        lines.append("     ∂/∂\(x) \(expression) = \(plain.print(side.partialIndependent.result))    (\(y) held fixed)")
        lines += DerivativeRenderer.stepTextLines(partial(side.partialIndependent), indent: "       ")
        if side.partialDependent.result != .number(0) {
            lines.append(
                "     ∂/∂\(y) \(expression) = \(plain.print(side.partialDependent.result)), and \(y) = \(y)(\(x)), so the chain rule "
                    + "multiplies it by d\(y)/d\(x): \(plain.print(Terms.term(side.partialDependent.result, times: derivation.derivativeSymbol)))")
            lines += DerivativeRenderer.stepTextLines(partial(side.partialDependent), indent: "       ")
        }
        return lines
    }

    public static func render(_ result: ImplicitResult) -> RenderedOutput {
        let derivation = result.derivation
        let symbol = plain.print(derivation.derivativeSymbol)
        let x = derivation.independent, y = derivation.dependent
        let solved = Expression.binary(.divide, derivation.rest, derivation.coefficient)
        var lines: [String] = []
        if let value = result.value {
            lines.append("\(statement(result))\(StatementEcho.at(result.assignments, plain)) = \(NumberFormatting.shortest(value))")
            lines.append("\(symbol) = \(plain.print(derivation.result))")
        } else {
            lines.append("\(statement(result)) = \(plain.print(derivation.result))")
        }
        lines.append("  \(y) is a function of \(x): differentiate both sides with respect to \(x)")
        let left = sideLines(derivation.left, "left side", derivation)
        let right = sideLines(derivation.right, "right side", derivation)
        lines.append("  1. " + left[0])
        lines += left.dropFirst()
        lines.append("  2. " + right[0])
        lines += right.dropFirst()
        let collected = "collect the \(symbol) terms on the left: "
            + "\(plain.print(Terms.term(derivation.coefficient, times: derivation.derivativeSymbol))) = \(plain.print(derivation.rest))"
        lines.append("  3. " + collected)
        lines.append("  4. solve: \(symbol) = \(plain.print(solved)) = \(plain.print(derivation.result))")
        if let value = result.value {
            lines.append("  at\(StatementEcho.at(result.assignments, plain).dropFirst(3)): \(symbol) = \(NumberFormatting.shortest(value))")
        }

        let latexSymbol = latex.print(derivation.derivativeSymbol)
        let answer = "\(latexSymbol) = \(latex.print(derivation.result))"
            + (result.value.map { "\(StatementEcho.latexAt(result.assignments)):\\ \(NumberFormatting.shortest($0))" } ?? "")
        func sideMarkdown(_ side: ImplicitDerivation.Side, _ name: String) -> [String] {
            let expression = latex.print(side.expression)
            let chained = latex.print(Terms.term(side.partialDependent.result, times: derivation.derivativeSymbol))
            var result = [
                "\(name): $\\frac{d}{d\(LaTeXPrinter.name(x))}\\left(\(expression)\\right) = \(latex.print(side.total))$",
                "   - $\\frac{\\partial}{\\partial \(LaTeXPrinter.name(x))}$: $\(latex.print(side.partialIndependent.result))$ "
                    + "($\(LaTeXPrinter.name(y))$ held fixed)",
            ]
            if side.partialDependent.result != .number(0) {
                result.append(
                    "   - $\\frac{\\partial}{\\partial \(LaTeXPrinter.name(y))}$: $\(latex.print(side.partialDependent.result))$, "
                        + "times $\(latexSymbol)$ by the chain rule: $\(chained)$")
            }
            return result
        }
        var markdown = ["$\(LaTeXPrinter.name(y))$ is a function of $\(LaTeXPrinter.name(x))$: differentiate both sides with respect to $\(LaTeXPrinter.name(x))$", ""]
        let leftMarkdown = sideMarkdown(derivation.left, "left side")
        let rightMarkdown = sideMarkdown(derivation.right, "right side")
        markdown.append("1. " + leftMarkdown[0])
        markdown += leftMarkdown.dropFirst()
        markdown.append("2. " + rightMarkdown[0])
        markdown += rightMarkdown.dropFirst()
        markdown.append("3. collect the $\(latexSymbol)$ terms on the left: "
            + "$\(latex.print(Terms.term(derivation.coefficient, times: derivation.derivativeSymbol))) = \(latex.print(derivation.rest))$")
        markdown.append("4. solve: $\(latexSymbol) = \(latex.print(solved)) = \(latex.print(derivation.result))$")
        markdown += ["", "**Answer:** $\(answer)$"]

        let ascii = ExpressionPrinter.ascii
        func sideJSON(_ side: ImplicitDerivation.Side) -> JSONValue {
            [
                "expression": .string(StatementEcho.text(side.expression, ascii)),
                "partial_\(x)": .string(ascii.print(side.partialIndependent.result)),
                "partial_\(y)": .string(ascii.print(side.partialDependent.result)),
                "total": .string(ascii.print(side.total)),
                "steps_\(x)": .array(side.partialIndependent.steps.map(DerivativeRenderer.stepJSON)),
                "steps_\(y)": .array(side.partialDependent.steps.map(DerivativeRenderer.stepJSON)),
            ]
        }
        var machine: [String: JSONValue] = [
            "dependent": .string(y),
            "independent": .string(x),
            "left": sideJSON(derivation.left),
            "right": sideJSON(derivation.right),
            "coefficient": .string(ascii.print(derivation.coefficient)),
            "rest": .string(ascii.print(derivation.rest)),
            "result": .string(ascii.print(derivation.result)),
            "value": result.value.map(JSONValue.double) ?? .null,
        ]
        if !result.assignments.isEmpty {
            machine["at"] = .object(Dictionary(uniqueKeysWithValues: result.assignments.map { ($0.name, JSONValue.string(ascii.print($0.value))) }))
        }
        return RenderedOutput(data: [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.markdown: .string(markdown.joined(separator: "\n")),
            MimeType.latex: .string("$$\(answer)$$"),
            MimeType.implicit: .object(machine),
        ])
    }
}
