import CalculusLanguage
import CalculusSession
import JSON

/// The one entry point from result values to rendered output.
public enum Renderer {
    public enum Output: Sendable, Equatable {
        /// A mime bundle to display.
        case display(RenderedOutput)
        /// Text for the cell's standard output.
        case stream(String)
    }

    public static func render(_ result: StatementResult) -> Output {
        switch result {
        case .value(let value): .display(ValueRenderer.render(value))
        case .printed(let text): .stream(text)
        case .derivative(let derivative): .display(DerivativeRenderer.render(derivative))
        case .rewrite(let rewrite): .display(render(rewrite))
        case .derivativeTable(let table): .display(TableRenderer.render(table))
        case .answerCheck(let check): .display(render(check))
        case .gradient(let gradient): .display(GradientRenderer.render(gradient))
        case .derivativeCheck(let check): .display(GradientRenderer.render(check))
        case .valueTable(let table): .display(ValueTableRenderer.render(table))
        case .plot(let plot): .display(PlotRenderer.render(plot))
        case .layers(let layers): .display(TrainingRenderer.render(layers))
        case .descent(let descent): .display(TrainingRenderer.render(descent))
        case .chain(let chain): .display(ChainRenderer.render(chain))
        case .list(let list): .display(MatrixRenderer.render(list))
        case .tangent(let tangent): .display(TangentRenderer.render(tangent))
        case .taylor(let taylor): .display(TaylorRenderer.render(taylor))
        case .implicit(let implicit): .display(ImplicitRenderer.render(implicit))
        case .matrix(let matrix): .display(MatrixRenderer.render(matrix))
        case .explore(let explore): .display(ExploreRenderer.render(explore))
        }
    }

    /// The plain text of a result, as `calculus-kernel eval` and tests read it.
    public static func plainText(_ result: StatementResult) -> String {
        switch render(result) {
        case .display(let output): output.plainText
        case .stream(let text): text
        }
    }

    static func render(_ rewrite: RewriteResult) -> RenderedOutput {
        let plain = ExpressionPrinter.unicode
        let latex = LaTeXPrinter()
        return RenderedOutput(data: [
            MimeType.plain: .string("\(rewrite.kind.rawValue) \(plain.print(rewrite.input)) = \(plain.print(rewrite.output))"),
            MimeType.latex: .string("$\(latex.print(rewrite.input)) = \(latex.print(rewrite.output))$"),
            MimeType.value: [
                "expression": .string(ExpressionPrinter.ascii.print(rewrite.input)),
                "result": .string(ExpressionPrinter.ascii.print(rewrite.output)),
                "value": .null,
            ],
        ])
    }

    static func render(_ check: AnswerCheck) -> RenderedOutput {
        let plain = ExpressionPrinter.unicode
        let derivative = plain.print(check.derivative)
        var lines: [String]
        if check.isCorrect {
            lines = ["check \(derivative) = \(plain.print(check.answer)): correct", "(\(check.method); the derivative is \(plain.print(check.expected)))"]
        } else {
            lines = ["check \(derivative) = \(plain.print(check.answer)): not the derivative", "the derivative is \(plain.print(check.expected))"]
            if let counter = check.counterexample {
                let point = counter.point.keys.sorted().map { "\($0) = \(NumberFormatting.shortest(counter.point[$0]!))" }.joined(separator: ", ")
                lines.append("at \(point): your answer gives \(NumberFormatting.shortest(counter.answer)), the derivative \(NumberFormatting.shortest(counter.expected))")
            }
        }
        let latex = LaTeXPrinter()
        let verdict = check.isCorrect ? "✅ correct" : "❌ not the derivative"
        let markdown = "\(verdict): $\(latex.print(check.derivative)) = \(latex.print(check.expected))$" + (lines.count > 2 ? "\n\n" + lines[2] : "")
        return RenderedOutput(data: [
            MimeType.plain: .string(lines.joined(separator: "\n")),
            MimeType.markdown: .string(markdown),
            "application/vnd.calculus.check+json": [
                "derivative": .string(ExpressionPrinter.ascii.print(check.derivative)),
                "answer": .string(ExpressionPrinter.ascii.print(check.answer)),
                "expected": .string(ExpressionPrinter.ascii.print(check.expected)),
                "correct": .bool(check.isCorrect),
                "method": .string(check.method),
            ],
        ])
    }
}
