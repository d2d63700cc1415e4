import CalculusLanguage
import Testing

/// Every expression form of LANGUAGE.md, each row: what is typed, and the tree it means
/// (written with the same operators, so each row reads as a specification).
@Suite struct ExpressionFormTests {
    static let x = Expression.variable("x")
    static let y = Expression.variable("y")
    static func n(_ value: Double) -> Expression { .number(value) }
    static func pow(_ a: Expression, _ b: Expression) -> Expression { .power(a, b) }

    static let rows: [(String, Expression)] = [
        // numbers
        ("2", n(2)), ("3.5", n(3.5)), (".5", n(0.5)), ("1e-3", n(0.001)), ("2.5E+3", n(2500)),
        // constants and names
        ("pi", .constant(.pi)), ("π", .constant(.pi)), ("e", .constant(.e)),
        ("θ", .variable("θ")), ("w₁", .variable("w1")), ("w1", .variable("w1")), ("x_in", .variable("x_in")),
        // operators, loosest first
        ("x + y - 1", (x + y) - n(1)),
        ("x * y / 2", (x * y) / n(2)),
        ("x · y × 2", (x * y) * n(2)),
        ("-x^2", -pow(x, n(2))),
        ("-2", n(-2)),
        ("-(2)", -n(2)),
        ("x^y^2", pow(x, pow(y, n(2)))),
        ("x ** 2", pow(x, n(2))),
        ("x²", pow(x, n(2))),
        ("x³", pow(x, n(3))),
        ("x⁻¹", pow(x, n(-1))),
        ("2x²", n(2) * pow(x, n(2))),
        ("x^-2", pow(x, n(-2))),
        // implied products
        ("3x", n(3) * x),
        ("2(x+1)", n(2) * (x + n(1))),
        ("2πx", (n(2) * .constant(.pi)) * x),
        ("(x+1)(x-1)", (x + n(1)) * (x - n(1))),
        ("(x+1)x", (x + n(1)) * x),
        ("1/2x", (n(1) / n(2)) * x),
        // calls and bare arguments
        ("f(x)", .call("f", [x])),
        ("L(w, b)", .call("L", [.variable("w"), .variable("b")])),
        ("sin x", .builtin(.sin, x)),
        ("sin x²", .builtin(.sin, pow(x, n(2)))),
        ("sin 2x", .builtin(.sin, n(2) * x)),
        ("sin(cos x)", .builtin(.sin, .builtin(.cos, x))),
        ("sin x · y", .builtin(.sin, x) * y),
        ("sin(x)^2", pow(.builtin(.sin, x), n(2))),
        ("sin(x)²", pow(.builtin(.sin, x), n(2))),
        ("2sin x", n(2) * .builtin(.sin, x)),
        ("log x", .builtin(.ln, x)),
        ("σ(z)", .builtin(.sigmoid, .variable("z"))),
        ("e^(2x)", .builtin(.exp, n(2) * x)),
        ("e^x²", .builtin(.exp, pow(x, n(2)))),
        ("2e^(2x)", n(2) * .builtin(.exp, n(2) * x)),
        ("sqrt(x) + abs(x) + relu(x) + softplus(x)",
         ((.builtin(.sqrt, x) + .builtin(.abs, x)) + .builtin(.relu, x)) + .builtin(.softplus, x)),
        // derivative operators
        ("d/dx sin(x) + 1", .derivative(.builtin(.sin, x) + n(1), variable: "x", order: 1)),
        ("(d/dx sin x) + 1", .derivative(.builtin(.sin, x), variable: "x", order: 1) + n(1)),
        ("d/dx(x^2)", .derivative(pow(x, n(2)), variable: "x", order: 1)),
        ("∂/∂w w*x", .derivative(.variable("w") * x, variable: "w", order: 1)),
        ("d²/dx² x^3", .derivative(pow(x, n(3)), variable: "x", order: 2)),
        ("d^2/dx^2 x^3", .derivative(pow(x, n(3)), variable: "x", order: 2)),
        ("diff(x^2, x)", .derivative(pow(x, n(2)), variable: "x", order: 1)),
        ("diff(x^2, x, 3)", .derivative(pow(x, n(2)), variable: "x", order: 3)),
        ("f'(x)", .prime("f", order: 1, [x])),
        ("f''(2x)", .prime("f", order: 2, [n(2) * x])),
        ("2 d/dx x", n(2) * .derivative(x, variable: "x", order: 1)),
    ]

    @Test(arguments: rows)
    func parses(_ row: (String, Expression)) throws {
        #expect(try Parser.parseExpression(row.0) == row.1, "\(row.0)")
    }

    @Test func boundEIsTheUsersName() throws {
        #expect(try Parser.parseExpression("e^x", boundNames: ["e"]) == .power(.variable("e"), Self.x))
        #expect(try Parser.parseExpression("pi", boundNames: ["pi"]) == .variable("pi"))
    }
}

@Suite struct StatementFormTests {
    static func kind(_ source: String) throws -> Statement.Kind {
        let statements = try Parser.parseCell(source)
        #expect(statements.count == 1)
        return try #require(statements.first).kind
    }

    static let x = Expression.variable("x")

    @Test func definitionsAndBindings() throws {
        #expect(try Self.kind("f(x) = sin(x^2)") == .define(name: "f", parameters: ["x"], body: .builtin(.sin, .power(Self.x, .number(2)))))
        #expect(try Self.kind("L(w, b) = w + b") == .define(name: "L", parameters: ["w", "b"], body: .variable("w") + .variable("b")))
        #expect(try Self.kind("y = 3x + 1") == .bind(name: "y", .number(3) * Self.x + .number(1)))
        #expect(try Self.kind("x = 2") == .bind(name: "x", .number(2)))
    }

    @Test func evaluationAndDerivatives() throws {
        #expect(try Self.kind("d/dx x^2 at x = 2") == .evaluate(.derivative(.power(Self.x, .number(2)), variable: "x", order: 1),
                                                             at: [Assignment(name: "x", value: .number(2))]))
        #expect(try Self.kind("x*w where x = 2, w = 3") == .evaluate(Self.x * .variable("w"),
            at: [Assignment(name: "x", value: .number(2)), Assignment(name: "w", value: .number(3))]))
        #expect(try Self.kind("simplify x + x") == .simplify(Self.x + Self.x))
        #expect(try Self.kind("expand (x+1)^2") == .expand(.power(Self.x + .number(1), .number(2))))
    }

    @Test func keywordStatements() throws {
        #expect(try Self.kind("table d/dx [(3x+1)^2, sin(x^2)]") == .derivativeTable(variable: "x", order: 1, [
            .power(.number(3) * Self.x + .number(1), .number(2)), .builtin(.sin, .power(Self.x, .number(2))),
        ]))
        #expect(try Self.kind("table x, x^2 for x in 0..2 step 0.5") == .valueTable([Self.x, .power(Self.x, .number(2))],
            RangeSpecification(variable: "x", from: .number(0), to: .number(2), step: .number(0.5))))
        #expect(try Self.kind("plot sin x, cos x for x in -pi..pi") == .plot([.builtin(.sin, Self.x), .builtin(.cos, Self.x)],
            RangeSpecification(variable: "x", from: .negate(.constant(.pi)), to: .constant(.pi), step: nil)))
        #expect(try Self.kind("grad loss wrt w, x") == .gradient(.variable("loss"), withRespectTo: ["w", "x"]))
        #expect(try Self.kind("backward loss") == .backward(.variable("loss")))
        #expect(try Self.kind("graph (w*x)^2") == .graph(.power(.variable("w") * Self.x, .number(2))))
        #expect(try Self.kind("check d/dx x^2 at x = 1") == .checkAt(.derivative(.power(Self.x, .number(2)), variable: "x", order: 1),
                                                                  at: [Assignment(name: "x", value: .number(1))]))
        #expect(try Self.kind("check d/dx x^2 = 2x") == .checkAnswer(.derivative(.power(Self.x, .number(2)), variable: "x", order: 1),
                                                                  answer: .number(2) * Self.x))
        #expect(try Self.kind(#"print "hello, world""#) == .print([.text("hello, world")]))
        #expect(try Self.kind(#"print x, "is x""#) == .print([.expression(Self.x), .text("is x")]))
    }

    @Test func cellsSplitOnNewlinesAndSemicolonsAndContinueLines() throws {
        #expect(try Parser.parseCell("x = 2; w = 3\ny = 1").count == 3)
        #expect(try Parser.parseCell("# a comment\nx = 2 # trailing\n\n").count == 1)
        #expect(try Parser.parseCell("y = x +\n  1").count == 1)
        #expect(try Parser.parseCell("y = (x\n + 1)").count == 1)
        #expect(try Parser.parseCell("table d/dx [\n  x^2,\n  x^3\n]").count == 1)
    }

    @Test func statementSourceIsKept() throws {
        let statements = try Parser.parseCell("x = 2;  y = x + 1")
        #expect(statements.map(\.source) == ["x = 2", "y = x + 1"])
        #expect(statements[1].range.start.column == 9)
    }
}

/// Each error kind, with the column its caret goes under.
@Suite struct SyntaxErrorTests {
    static let rows: [(source: String, kind: CalculusError.Kind, line: Int, column: Int, message: String)] = [
        ("sin(x))", .syntax, 1, 7, "unexpected ')'"),
        ("1 +* 2", .syntax, 1, 4, "expected an expression"),
        ("x y", .syntax, 1, 3, "write x*y"),
        ("10!", .syntax, 1, 3, "unexpected character '!'"),
        ("x = 2\n(x + 1", .syntax, 2, 7, "')' to close"),
        ("2 3", .syntax, 1, 3, "number cannot follow"),
        ("sin = 2", .syntax, 1, 1, "built-in"),
        ("f(2) = 3", .syntax, 1, 3, "parameters must be names"),
        ("d/dx^2 x", .syntax, 1, 1, "orders differ"),
        ("\"open", .syntax, 1, 1, "no closing quote"),
        ("1e999", .limit, 1, 1, "too large"),
        ("grad x", .syntax, 1, 7, "'wrt'"),
        ("check x^2 at x = 1", .syntax, 1, 9, "check takes a derivative"),
        ("sin", .syntax, 1, 4, "an argument for sin"),
    ]

    @Test(arguments: rows)
    func reportsKindAndPlace(_ row: (source: String, kind: CalculusError.Kind, line: Int, column: Int, message: String)) {
        do {
            _ = try Parser.parseCell(row.source)
            Issue.record("\(row.source) parsed")
        } catch {
            #expect(error.kind == row.kind, "\(row.source)")
            #expect(error.range?.start.line == row.line, "\(row.source)")
            #expect(error.range?.start.column == row.column, "\(row.source): \(error)")
            #expect(error.message.contains(row.message), "\(row.source): \(error.message)")
        }
    }
}
