import CalculusLanguage
import CalculusTestSupport
import Testing

@Suite struct RoundTripTests {
    @Test(arguments: [ExpressionPrinter.Style.unicode, .ascii])
    func thousandsOfGeneratedExpressionsRoundTrip(style: ExpressionPrinter.Style) throws {
        var generator = ExpressionGenerator(random: SplitMix64(state: style == .unicode ? 1 : 2))
        let printer = ExpressionPrinter(style: style)
        var failures: [String] = []
        for _ in 0..<5000 {
            let expression = generator.expression(depth: 6)
            let text = printer.print(expression)
            do {
                let parsed = try Parser.parseExpression(text)
                if parsed != expression { failures.append("\(text)  reads back as  \(printer.print(parsed))") }
            } catch {
                failures.append("\(text)  fails: \(error)")
            }
        }
        #expect(failures.count == 0, "\(failures.count) failures, first: \(failures.prefix(5).joined(separator: "\n"))")
    }

    static let printed: [(Expression, String, String)] = [
        (.number(2) * .variable("x") * .builtin(.cos, .power(.variable("x"), .number(2))), "2x·cos(x²)", "2*x*cos(x^2)"),
        (.number(6) * (.number(3) * .variable("x") + .number(1)), "6(3x + 1)", "6*(3*x + 1)"),
        (-.builtin(.sin, .variable("x")) * .builtin(.cos, .builtin(.cos, .variable("x"))), "-sin(x)·cos(cos(x))", "-sin(x)*cos(cos(x))"),
        (.number(2) * .builtin(.exp, .number(2) * .variable("x")), "2e^(2x)", "2*exp(2*x)"),
        (.builtin(.sigmoid, .variable("z")) * (.number(1) - .builtin(.sigmoid, .variable("z"))), "sigmoid(z)·(1 - sigmoid(z))", "sigmoid(z)*(1 - sigmoid(z))"),
        (.number(6) * .power(.number(2) * .variable("x") + .number(1), .number(2)), "6(2x + 1)²", "6*(2*x + 1)^2"),
        (.number(2) * .variable("x") * .builtin(.exp, .power(.variable("x"), .number(2))), "2x·e^(x²)", "2*x*exp(x^2)"),
        (.power(.variable("x"), .number(-1)), "x⁻¹", "x^-1"),
        (.number(2) * .variable("E1"), "2·E1", "2*E1"),
        (.number(2) * .negate(.variable("x")), "2(-x)", "2*(-x)"),
        (.variable("a") * .number(-2), "a·(-2)", "a*(-2)"),
        (.binary(.add, .number(2) * .variable("x"), .negate(.builtin(.sin, .variable("x")))), "2x + (-sin(x))", "2*x + (-sin(x))"),
        (.binary(.subtract, .variable("a"), .number(-2)), "a - (-2)", "a - (-2)"),
        (.power(.number(-2), .number(2)), "(-2)²", "(-2)^2"),
        (.derivative(.builtin(.sin, .variable("x")), variable: "x", order: 1) + .number(1), "(d/dx sin(x)) + 1", "(d/dx sin(x)) + 1"),
        (.derivative(.power(.variable("x"), .number(3)), variable: "x", order: 2), "d²/dx² x³", "d^2/dx^2 x^3"),
        (.number(0.016966349814049132), "0.016966349814049132", "0.016966349814049132"),
        (.number(1248), "1248", "1248"),
        (.number(1e-5), "1e-05", "1e-05"),
        (.constant(.pi) * .number(2), "π·2", "pi*2"),
        // After a number the printer writes the right side, then reads its first characters to know
        // whether nothing may stand between (`2x`, `2π`, `2e^x`) or a dot must (`2·3`, `2·e1`, `1·ln(x)`).
        (.number(2) * .number(3), "2·3", "2*3"),
        (.number(2) * .variable("e1"), "2·e1", "2*e1"),
        (.number(2) * .variable("ex"), "2ex", "2*ex"),
        (.number(2) * .constant(.pi), "2π", "2*pi"),
        (.number(2) * .builtin(.exp, .variable("x")), "2e^x", "2*exp(x)"),
        (.number(1) * .builtin(.ln, .variable("x")), "1·ln(x)", "1*ln(x)"),
        (.number(0.5) * .power(.number(2), .variable("x")), "0.5·2^x", "0.5*2^x"),
        (.number(3) * .variable("θ"), "3θ", "3*θ"),
    ]

    @Test(arguments: printed)
    func printsAsTextbooksDo(_ row: (Expression, String, String)) throws {
        #expect(ExpressionPrinter.unicode.print(row.0) == row.1)
        #expect(ExpressionPrinter.ascii.print(row.0) == row.2)
        #expect(try Parser.parseExpression(row.1) == row.0)
        #expect(try Parser.parseExpression(row.2) == row.0)
    }

    @Test func latexOfTheSeeds() {
        let latex = LaTeXPrinter()
        #expect(latex.print(.number(2) * .variable("x") * .builtin(.cos, .power(.variable("x"), .number(2)))) == "2x \\cdot \\cos\\left(x^{2}\\right)")
        #expect(latex.print(.number(6) * (.number(3) * .variable("x") + .number(1))) == "6\\left(3x + 1\\right)")
        #expect(latex.print(.variable("x") / .number(2)) == "\\frac{x}{2}")
        #expect(latex.print(.builtin(.sigmoid, .variable("z"))) == "\\sigma\\left(z\\right)")
        #expect(latex.print(.variable("w1") + .variable("θ") + .variable("loss")) == "w_{1} + \\theta + \\mathrm{loss}")
        // A sum-rule step's raw terms: a negative one keeps its sign apart, a product needs nothing.
        let raw = Expression.binary(
            .subtract, .binary(.subtract, .number(0), .number(2) * .variable("x")), .negate(.builtin(.sin, .variable("x"))))
        #expect(latex.print(raw) == "0 - 2x - \\left(-\\sin\\left(x\\right)\\right)")
        // After a number: a letter, a command or a parenthesis juxtaposes; `\left|` and a digit do not.
        #expect(latex.print(.number(2) * .builtin(.abs, .variable("x"))) == "2 \\cdot \\left|x\\right|")
        #expect(latex.print(.number(2) * .constant(.pi)) == "2\\pi")
        #expect(latex.print(.number(2) * .number(3)) == "2 \\cdot 3")
        #expect(latex.print(.number(1e-7) * .variable("x")) == "1 \\times 10^{-7}x")
        #expect(latex.print(ListLiteral.matrix([[.variable("w10"), .variable("ab1c")], [.variable("Δx"), .variable("x_in")]]))
            == "\\begin{pmatrix} w_{\\mathrm{10}} & \\mathrm{ab1c} \\\\ \\mathrm{Δx} & x_{\\mathrm{in}} \\end{pmatrix}")
    }
}
