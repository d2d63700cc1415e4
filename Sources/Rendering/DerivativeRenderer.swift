import CalculusLanguage
import CalculusSession
import JSON
import SymbolicEngine

/// Renders a derivative with its derivation: plain text (steps indented, nested chains nested),
/// Markdown with LaTeX math (numbered steps, the answer in bold), LaTeX, and the JSON of LANGUAGE.md.
public enum DerivativeRenderer {
    static let plain = ExpressionPrinter.unicode
    static let ascii = ExpressionPrinter.ascii
    static let latex = LaTeXPrinter()

    /// Past this many expression nodes, steps (and in typeset mimes, an answer) are summarised
    /// instead of shown: a 16th derivative's steps run to megabytes, and a browser asked to typeset
    /// that much math freezes. The plain text always keeps the answer in full.
    public static let displayBudget = 20_000

    /// Whether the step tree holds at most `displayBudget` nodes (counted without walking past it).
    static func stepsFit(_ result: DerivativeResult) -> Bool {
        var remaining = displayBudget
        var pending = result.derivation.steps
        while let step = pending.popLast() {
            remaining -= step.expression.nodeCount(upTo: remaining + 1) + step.result.nodeCount(upTo: remaining + 1)
            if let chain = step.chain {
                remaining -= chain.outerAtInner.nodeCount(upTo: remaining + 1) + chain.innerDerivative.nodeCount(upTo: remaining + 1)
            }
            if remaining < 0 { return false }
            pending.append(contentsOf: step.substeps)
        }
        return true
    }

    static func answerFits(_ result: DerivativeResult) -> Bool {
        result.derivation.result.nodeCount(upTo: displayBudget + 1) <= displayBudget
    }

    static func stepsOmittedNote(_ result: DerivativeResult) -> String {
        "(\(result.derivation.steps.count) steps, too long to show: their expressions hold over "
            + "\(displayBudget) nodes; ask for one order at a time to see them)"
    }

    public static func render(_ result: DerivativeResult) -> RenderedOutput {
        RenderedOutput(data: [
            MimeType.plain: .string(plainText(result)),
            MimeType.markdown: .string(markdown(result)),
            MimeType.latex: .string("$$\(latexHeadline(result))$$"),
            MimeType.derivative: json(result),
        ])
    }

    // MARK: Plain text

    static func headline(_ result: DerivativeResult) -> String {
        let statement = StatementEcho.text(result.statement, plain)
        let answer = plain.print(result.derivation.result)
        if result.assignments.isEmpty {
            return "\(statement) = \(answer)"
        }
        let at = result.assignments.map { "\($0.name) = \(plain.print($0.value))" }.joined(separator: ", ")
        let value = result.value.map(NumberFormatting.shortest) ?? answer
        return "\(statement) at \(at) = \(value)"
    }

    public static func plainText(_ result: DerivativeResult) -> String {
        var lines = [headline(result)]
        if !result.assignments.isEmpty {
            lines.append("\(StatementEcho.text(result.statement, plain)) = \(plain.print(result.derivation.result))")
        } else if let value = result.value {
            let names = result.derivation.result.freeVariables
            if !names.isEmpty { lines.append("(= \(NumberFormatting.shortest(value)) at the current values of \(names.joined(separator: ", ")))") }
        }
        return (lines + stepTextLines(result, indent: "  ")).joined(separator: "\n")
    }

    /// The derivation's steps as plain-text lines (what follows the answer), each starting with `indent`.
    static func stepTextLines(_ result: DerivativeResult, indent: String) -> [String] {
        if let chain = result.chain { return ChainRenderer.stepLines(result, chain, indent: indent) }
        var lines: [String] = []
        if let held = result.derivation.heldSubexpression {
            let written = result.derivation.steps.first.map { ", so the expression is \(plain.print($0.expression))" } ?? ""
            lines.append("\(indent)holding \(plain.print(held)) as the variable \(result.derivation.variable) = \(plain.print(held))\(written)")
        }
        guard stepsFit(result) else { return lines + [String(indent.dropLast(2)) + stepsOmittedNote(result)] }
        let multipleOrders = result.derivation.order > 1
        var number = 0
        for step in result.derivation.steps {
            number += 1
            if multipleOrders, step.rule != .simplify {
                lines.append("\(indent.dropLast(2))derivative \(number / 2 + 1):")
            }
            lines.append(contentsOf: stepLines(step, number: "\(number).", indent: indent))
        }
        return lines
    }

    static func ruleName(_ step: DerivativeStep) -> String {
        step.rule == .chain ? "chain rule" : step.rule == .simplify ? "simplify" : "\(step.rule.rawValue) rule"
    }

    static func derivativeText(_ step: DerivativeStep) -> String {
        "d/d\(step.variable) \(wrapped(plain.print(step.expression), step.expression))"
    }

    /// `d/dx (3x + 1)` needs no brackets in the language (d/dx takes everything after it), but
    /// inside a step line a bracket around a sum reads better.
    static func wrapped(_ text: String, _ expression: Expression) -> String {
        switch expression {
        case .binary(.add, _, _), .binary(.subtract, _, _): "(\(text))"
        default: text
        }
    }

    static func stepLines(_ step: DerivativeStep, number: String, indent: String) -> [String] {
        let inner = indent + String(repeating: " ", count: number.count + 1)
        switch step.rule {
        case .simplify:
            return ["\(indent)\(number) simplify: \(plain.print(step.expression)) = \(plain.print(step.result))"]
        case .chain:
            guard let chain = step.chain else { break }
            let u = chain.placeholder
            var lines = [
                "\(indent)\(number) chain rule: \(derivativeText(step)) = f′(g(\(step.variable)))·g′(\(step.variable))",
                "\(inner)f(\(u)) = \(plain.print(chain.outer)), \(u) = g(\(step.variable)) = \(plain.print(chain.inner))",
                "\(inner)f′(\(u)) = \(plain.print(chain.outerDerivative))    (\(step.substeps.first.map(ruleName) ?? "rule"))",
                "\(inner)f′(g(\(step.variable))) = \(plain.print(chain.outerAtInner))",
            ]
            if let innerStep = step.substeps.dropFirst().first {
                if isLeaf(innerStep) {
                    lines.append("\(inner)g′(\(step.variable)) = \(derivativeText(innerStep)) = \(plain.print(chain.innerDerivative))    (\(ruleName(innerStep)))")
                } else {
                    lines.append("\(inner)g′(\(step.variable)) = \(derivativeText(innerStep)) = \(plain.print(chain.innerDerivative)):")
                    lines.append(contentsOf: stepLines(innerStep, number: "•", indent: inner + "  "))
                }
            }
            lines.append("\(inner)so \(derivativeText(step)) = \(plain.print(step.result))")
            return lines
        default:
            break
        }
        if step.rule == .generalPower, let logarithmStep = step.substeps.first {
            // Logarithmic differentiation, spelled out: y = f^g, ln(y) = g·ln(f), y′ = y·(g·ln(f))′.
            return [
                "\(indent)\(number) general power rule (logarithmic differentiation): y = \(plain.print(step.expression))",
                "\(inner)ln(y) = \(plain.print(logarithmStep.expression)), so y′/y = \(derivativeText(logarithmStep)):",
            ] + step.substeps.flatMap { stepLines($0, number: "•", indent: inner + "  ") } + [
                "\(inner)y′ = y·(\(plain.print(step.substeps.last!.result))) = \(plain.print(step.result))",
            ]
        }
        var lines = ["\(indent)\(number) \(ruleName(step)): \(derivativeText(step)) = \(plain.print(step.result))"]
        let interesting = step.substeps.filter { !isTrivial($0) }
        for (index, substep) in interesting.enumerated() {
            lines.append(contentsOf: stepLines(substep, number: "\(Character(UnicodeScalar(97 + index % 26)!)).", indent: inner))
        }
        return lines
    }

    /// A step with nothing to explain beyond its own line.
    static func isLeaf(_ step: DerivativeStep) -> Bool {
        step.substeps.allSatisfy(isTrivial) && step.rule != .chain
    }

    /// Constants and `d/dx x = 1` need no line of their own inside a larger step.
    static func isTrivial(_ step: DerivativeStep) -> Bool {
        switch (step.rule, step.expression) {
        case (.constant, _): true
        case (.power, .variable): true
        default: false
        }
    }

    // MARK: Markdown and LaTeX

    static func latexHeadline(_ result: DerivativeResult) -> String {
        let statement = StatementEcho.latex(result.statement)
        let answer = answerFits(result) ? latex.print(result.derivation.result)
            : "\\text{an expression of over \(displayBudget) nodes (in full in the plain text)}"
        guard !result.assignments.isEmpty else { return "\(statement) = \(answer)" }
        let at = result.assignments.map { "\(LaTeXPrinter.name($0.name)) = \(latex.print($0.value))" }.joined(separator: ",\\ ")
        let value = result.value.map(NumberFormatting.shortest) ?? answer
        return "\(statement) = \(answer) \\quad\\text{at } \(at):\\ \(value)"
    }

    static func latexDerivative(_ step: DerivativeStep) -> String {
        "\(latex.derivativeOperator(variable: step.variable, order: 1))\\left(\(latex.print(step.expression))\\right)"
    }

    public static func markdown(_ result: DerivativeResult) -> String {
        let answer = "**Answer:** $\(latexHeadline(result))$"
        return (markdownStepLines(result) + ["", answer]).joined(separator: "\n")
    }

    /// The derivation's steps as Markdown lines (a numbered list), without the answer.
    static func markdownStepLines(_ result: DerivativeResult) -> [String] {
        if let chain = result.chain { return ChainRenderer.markdownLines(result, chain) }
        guard stepsFit(result) else { return [stepsOmittedNote(result)] }
        var lines: [String] = []
        if let held = result.derivation.heldSubexpression {
            let u = LaTeXPrinter.name(result.derivation.variable)
            lines.append("holding $\(latex.print(held))$ as the variable $\(u) = \(latex.print(held))$")
            lines.append("")
        }
        for (index, step) in result.derivation.steps.enumerated() {
            lines.append(contentsOf: markdownLines(step, number: "\(index + 1).", indent: ""))
        }
        return lines
    }

    static func markdownLines(_ step: DerivativeStep, number: String, indent: String) -> [String] {
        let inner = indent + "   "
        switch step.rule {
        case .simplify:
            let (before, after) = (latex.print(step.expression), latex.print(step.result))
            // Typeset math does not wrap: a long rewrite goes on two lines (a Markdown line break),
            // so that it stays on the page.
            guard before.count + after.count > 160 else { return ["\(indent)\(number) **simplify**: $\(before) = \(after)$"] }
            return ["\(indent)\(number) **simplify**: $\(before)$  ", "\(inner)$= \(after)$"]
        case .chain:
            guard let chain = step.chain else { break }
            let u = LaTeXPrinter.name(chain.placeholder)
            let x = LaTeXPrinter.name(step.variable)
            var lines = [
                "\(indent)\(number) **chain rule**: $\(latexDerivative(step)) = f'(g(\(x)))\\cdot g'(\(x))$",
                "\(inner)- outer $f(\(u)) = \(latex.print(chain.outer))$, inner $\(u) = g(\(x)) = \(latex.print(chain.inner))$",
                "\(inner)- $f'(\(u)) = \(latex.print(chain.outerDerivative))$ (\(step.substeps.first.map(ruleName) ?? "rule"))",
                "\(inner)- read at the inner function: $f'(g(\(x))) = \(latex.print(chain.outerAtInner))$",
            ]
            if let innerStep = step.substeps.dropFirst().first {
                lines.append("\(inner)- $g'(\(x)) = \(latex.print(chain.innerDerivative))$" + (isLeaf(innerStep) ? " (\(ruleName(innerStep)))" : ":"))
                if !isLeaf(innerStep) {
                    lines.append(contentsOf: markdownLines(innerStep, number: "1.", indent: inner + "   "))
                }
            }
            lines.append("\(inner)- so $\(latexDerivative(step)) = \(latex.print(step.result))$")
            return lines
        default:
            break
        }
        if step.rule == .generalPower, let logarithmStep = step.substeps.first {
            return [
                "\(indent)\(number) **general power rule** (logarithmic differentiation): $y = \(latex.print(step.expression))$",
                "\(inner)- $\\ln y = \(latex.print(logarithmStep.expression))$, so $\\frac{y'}{y} = \(latexDerivative(logarithmStep))$:",
            ] + step.substeps.enumerated().flatMap { markdownLines($1, number: "\($0 + 1).", indent: inner + "   ") } + [
                "\(inner)- $y' = y\\cdot\\left(\(latex.print(step.substeps.last!.result))\\right) = \(latex.print(step.result))$",
            ]
        }
        var lines = ["\(indent)\(number) **\(ruleName(step))**: $\(latexDerivative(step)) = \(latex.print(step.result))$"]
        for (index, substep) in step.substeps.filter({ !isTrivial($0) }).enumerated() {
            lines.append(contentsOf: markdownLines(substep, number: "\(index + 1).", indent: inner))
        }
        return lines
    }

    // MARK: JSON

    /// `printedResult`: the result in ASCII when the caller printed it already.
    static func json(_ result: DerivativeResult, printedResult: String? = nil) -> JSONValue {
        let fits = stepsFit(result)
        var object: [String: JSONValue] = [
            "expression": .string(StatementEcho.text(result.derivation.expression, ascii)),
            "variable": .string(result.derivation.variable),
            "order": .int(result.derivation.order),
            "result": .string(printedResult ?? ascii.print(result.derivation.result)),
            "value": result.value.map(JSONValue.double) ?? .null,
            "steps": fits ? .array(result.derivation.steps.map(stepJSON)) : [],
        ]
        if let chain = result.chain {
            object["chain"] = ChainRenderer.json(chain)
            object["steps"] = .array(chain.chain.links.prefix(ChainRenderer.shownLinks).map { link in
                var step = link.derivation.steps.first.map(stepJSON)?.objectValue ?? [:]
                step["quantity"] = .string(link.quantity)
                step["input"] = .string(link.input)
                return .object(step)
            })
        }
        if let held = result.derivation.heldSubexpression { object["held"] = .string(ascii.print(held)) }
        // Only a derivation too large to show says so; the steps are then left out.
        if !fits { object["steps_omitted"] = true }
        return .object(object)
    }

    static func stepJSON(_ step: DerivativeStep) -> JSONValue {
        var object: [String: JSONValue] = [
            "rule": .string(step.rule.rawValue),
            "expression": .string(ascii.print(step.expression)),
            "result": .string(ascii.print(step.result)),
            "variable": .string(step.variable),
            "steps": .array(step.substeps.map(stepJSON)),
        ]
        if let chain = step.chain {
            object["outer"] = .string(ascii.print(chain.outer))
            object["inner"] = .string(ascii.print(chain.inner))
            object["placeholder"] = .string(chain.placeholder)
            object["outer_derivative"] = .string(ascii.print(chain.outerDerivative))
            object["outer_at_inner"] = .string(ascii.print(chain.outerAtInner))
            object["inner_derivative"] = .string(ascii.print(chain.innerDerivative))
        }
        return .object(object)
    }
}
