import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import Rendering
import SymbolicEngine
import Testing
import Threads

@Suite struct DerivativeSeedTests {
    /// Every seed row of LANGUAGE.md, exactly as the first line of the plain text.
    @Test(arguments: [
        ("d/dx (3x+1)^2", "d/dx (3x + 1)² = 6(3x + 1)"),
        ("d/dx sin(x^2)", "d/dx sin(x²) = 2x·cos(x²)"),
        ("d/dx sin(cos x)", "d/dx sin(cos(x)) = -sin(x)·cos(cos(x))"),
        ("d/dx e^(2x)", "d/dx e^(2x) = 2e^(2x)"),
        ("d/dz sigmoid(z)", "d/dz sigmoid(z) = sigmoid(z)·(1 - sigmoid(z))"),
        ("d/dz sigmoid(z) at z = 0", "d/dz sigmoid(z) at z = 0 = 0.25"),
        ("d/dx (2x+1)^3", "d/dx (2x + 1)³ = 6(2x + 1)²"),
        ("d/dx e^(x^2)", "d/dx e^(x²) = 2x·e^(x²)"),
    ])
    func seed(_ row: (String, String)) throws {
        let output = try Notebook().run(row.0)
        #expect(output.first?.split(separator: "\n").first.map(String.init) == row.1)
    }

    /// Every rule, and answers in textbook form.
    @Test(arguments: [
        ("d/dx 7", "0"), ("d/dx x", "1"), ("d/dx x^5", "5x⁴"), ("d/dx x^(1/3)", "1/(3x^(2/3))"), ("d/dx 1/x", "-1/x²"),
        ("d/dx sqrt(x)", "1/(2sqrt(x))"), ("d/dx x^-2", "-2/x³"), ("d/dx 3x^2 + 2x + 1", "6x + 2"),
        ("d/dx x*sin(x)", "sin(x) + x·cos(x)"), ("d/dx x/(x + 1)", "1/(x + 1)²"), ("d/dx 2^x", "2^x·ln(2)"),
        ("d/dx ln(x)", "1/x"), ("d/dx log(x^2 + 1)", "2x/(x² + 1)"), ("d/dx tan(x)", "sec(x)²"), ("d/dx sec(x)", "sec(x)·tan(x)"),
        ("d/dx csc(x)", "-csc(x)·cot(x)"), ("d/dx cot(x)", "-csc(x)²"), ("d/dx asin(x)", "1/sqrt(1 - x²)"),
        ("d/dx acos(x)", "-1/sqrt(1 - x²)"), ("d/dx atan(x)", "1/(1 + x²)"), ("d/dx sinh(x)", "cosh(x)"),
        ("d/dx cosh(x)", "sinh(x)"), ("d/dx tanh(x)", "1 - tanh(x)²"), ("d/dx abs(x)", "x/abs(x)"),
        ("d/dx relu(x)", "heaviside(x)"), ("d/dx softplus(x)", "sigmoid(x)"), ("d/dx x^x", "x^x·(ln(x) + 1)"),
        ("d/dx e^x", "e^x"), ("d/dx π·x", "π"), ("d/dx x·x", "2x"), ("d/dx (x^2)^3", "6x⁵"), ("d/dx -x^2", "-2x"),
        ("∂/∂w w*x + w^2", "x + 2w"), ("d²/dx² x^4", "12x²"), ("d^3/dx^3 sin(x)", "-cos(x)"),
        ("d/dx sigmoid(2x)", "2sigmoid(2x)·(1 - sigmoid(2x))"), ("diff(x^3, x)", "3x²"), ("diff(x^3, x, 2)", "6x"),
        // Products of linear factors (no two terms alike, so none is looked up), and their edges:
        // a term of one factor that reads back as a sum, a repeated factor, a constant in front.
        ("d/dx (x + 1)(x + 2)(x + 3)", "(x + 2)·(x + 3) + (x + 1)·(x + 3) + (x + 1)·(x + 2)"),
        ("d/dx (1 - x)(x + 1)(2 - x)", "-(x + 1)·(2 - x) + (1 - x)·(2 - x) - (x + 1)·(1 - x)"),
        ("d/dx x*(x + 1)", "2x + 1"), ("d/dx (x + 1)(x + 1)(x + 2)", "2(x + 1)·(x + 2) + (x + 1)²"),
        ("d/dx 3x*(x - 1)*(2x + 5)", "3((x - 1)·(2x + 5) + x·(2x + 5) + 2x·(x - 1))"),
        // Terms with coefficient 1 share their leading factors; one with another coefficient between
        // them does not, and the next plain term must not share with it.
        ("d/dx (2x + 1)(x + 2)(x + 3)(x + 4)",
         "2(x + 2)·(x + 3)·(x + 4) + (x + 3)·(x + 4)·(2x + 1) + (x + 2)·(x + 4)·(2x + 1) + (x + 2)·(x + 3)·(2x + 1)"),
        ("d/dx (x + 2)(2x + 1)(x + 3)(x - 4)",
         "(x + 3)·(x - 4)·(2x + 1) + 2(x + 2)·(x + 3)·(x - 4) + (x + 2)·(x - 4)·(2x + 1) + (x + 2)·(x + 3)·(2x + 1)"),
    ])
    func rule(_ row: (String, String)) throws {
        let first = try Notebook().run(row.0).first?.split(separator: "\n").first.map(String.init) ?? ""
        #expect(first.hasSuffix(" = " + row.1), "\(row.0) gave \(first)")
    }

    @Test func userFunctionsAndPrimes() throws {
        let notebook = Notebook()
        _ = try notebook.run("f(x) = x^2 + 1; g(t) = sin(t)")
        #expect(try notebook.run("d/dx f(g(x))").first?.hasPrefix("d/dx f(g(x)) = 2sin(x)·cos(x)") == true)
        #expect(try notebook.run("f'(3)") == ["f'(3) = 6"])
        #expect(try notebook.run("f''(x)") == ["f''(x) = 2"])
        #expect(try notebook.run("(d/dx sin x) + 1") == ["(d/dx sin(x)) + 1 = cos(x) + 1"])
        #expect(try notebook.run("d/dx x^3 at x = 2").first?.hasPrefix("d/dx x³ at x = 2 = 12") == true)
    }

    @Test func valuesStayVariablesForDerivatives() throws {
        let notebook = Notebook()
        let output = try notebook.run("x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; d/dw loss")
        #expect(output.first?.hasPrefix("dloss/dw = 4w·x²·(w²·x² - target)\n(= 1248 at the current values of w, x, target)") == true)
        #expect(try notebook.run("d/dw loss at w = 1").first?.hasPrefix("dloss/dw at w = 1 = -96") == true)
    }
}

@Suite struct DerivationStepTests {
    func derivation(_ source: String) throws -> Derivation {
        try SymbolicDifferentiator().derivation(of: try Parser.parseExpression(source), variable: "x", order: 1)
    }

    @Test func chainStepNamesItsParts() throws {
        let steps = try derivation("sin(x^2)").steps
        #expect(steps.map(\.rule) == [.chain, .simplify])
        let chain = try #require(steps[0].chain)
        #expect(chain.outer == .builtin(.sin, .variable("u")))
        #expect(chain.inner == .power(.variable("x"), .number(2)))
        #expect(chain.outerDerivative == .builtin(.cos, .variable("u")))
        #expect(chain.outerAtInner == .builtin(.cos, .power(.variable("x"), .number(2))))
        #expect(chain.innerDerivative == .number(2) * .variable("x"))
        #expect(steps[0].substeps.map(\.rule) == [.trig, .power])
        #expect(steps[1].result == .number(2) * .variable("x") * .builtin(.cos, .power(.variable("x"), .number(2))))
    }

    @Test func nestedChainsNestOutsideIn() throws {
        let step = try derivation("sin(cos(tan(x)))").steps[0]
        #expect(step.rule == .chain)
        let second = try #require(step.substeps.last)
        #expect(second.rule == .chain)
        #expect(second.chain?.outer == .builtin(.cos, .variable("u")))
        let third = try #require(second.substeps.last)
        #expect(third.rule == .trig)
        #expect(third.expression == .builtin(.tan, .variable("x")))
    }

    @Test func everyBuiltinHasAStepRule() throws {
        for builtin in Builtin.allCases {
            let steps = try derivation("\(builtin.names[0])(x)").steps
            let expected = DerivativeStep.Rule(rawValue: builtin.ruleName)
            #expect(expected != nil, "\(builtin)")
            #expect(steps[0].rule == expected, "\(builtin): \(steps[0].rule)")
        }
    }

    @Test func logarithmicDifferentiationForXToTheX() throws {
        let step = try derivation("x^x").steps[0]
        #expect(step.rule == .generalPower)
        #expect(step.substeps.first?.expression == .variable("x") * .builtin(.ln, .variable("x")))
    }

    /// A Hessian's entries share one cache: each entry's derivation, steps and all, must be the one
    /// taken alone, and the cache must be used (the rows share d/dwⱼ of the same factors).
    @Test func derivationsSharingACacheAreTheDerivationsTakenAlone() throws {
        let loss = try Parser.parseExpression("(sigmoid(0.5w1 - 0.3w2 + 0.8w3) - 1)^2 + 0.01(w1^2 + w2^2 + w3^2)")
        let weights = ["w1", "w2", "w3"]
        let differentiator = SymbolicDifferentiator()
        let cache = DerivativeCache()
        for first in weights {
            let alone = try differentiator.derivation(of: loss, variable: first, order: 1)
            let shared = try differentiator.derivation(of: loss, variable: first, order: 1, sharing: cache)
            #expect(shared == alone)
            for second in weights {
                let aloneSecond = try differentiator.derivation(of: alone.result, variable: second, order: 1)
                let sharedSecond = try differentiator.derivation(of: shared.result, variable: second, order: 1, sharing: cache)
                #expect(sharedSecond == aloneSecond, "∂²/∂\(first)∂\(second)")
            }
        }
        // Three rows ask for d/dw of the same sigmoid factor: all but the first are found.
        #expect(cache.hits >= 6)
    }

    @Test func plainTextStepsShowTheLayers() throws {
        let text = try Notebook().run("d/dx sin(x^2)")[0]
        #expect(text == """
            d/dx sin(x²) = 2x·cos(x²)
              1. chain rule: d/dx sin(x²) = f′(g(x))·g′(x)
                 f(u) = sin(u), u = g(x) = x²
                 f′(u) = cos(u)    (trig rule)
                 f′(g(x)) = cos(x²)
                 g′(x) = d/dx x² = 2x    (power rule)
                 so d/dx sin(x²) = cos(x²)·(2x)
              2. simplify: cos(x²)·(2x) = 2x·cos(x²)
            """)
    }
}

@Suite struct SimplifierTests {
    @Test(arguments: [
        ("0 + x", "x"), ("1*x", "x"), ("x^1", "x"), ("x^0", "1"), ("x*x", "x²"), ("x*x^2*x", "x⁴"), ("2*3*x", "6x"),
        ("x + x + x", "3x"), ("2x - 2x", "0"), ("x/x", "1"), ("(x*y)^2", "x²·y²"), ("-(-x)", "x"),
        ("3(x + 1) + 3", "3x + 6"), ("2*(3x + 1)", "2(3x + 1)"), ("x^2/x^5", "1/x³"), ("sin(0)", "0"), ("cos(0) + exp(0)", "2"),
        ("ln(e^x)", "x"), ("1 - sigmoid(z)", "1 - sigmoid(z)"), ("x/2 + x/2", "x"), ("(1/3)*x", "x/3"), ("0.5x + 0.5x", "x"),
        ("e^x*e^x", "e^(2x)"), ("-1*x", "-x"), ("x - (-2)", "x + 2"), ("2^3", "8"), ("4^0.5", "2"),
    ])
    func simplifies(_ row: (String, String)) throws {
        let result = Simplifier().simplify(try Parser.parseExpression(row.0))
        #expect(ExpressionPrinter.unicode.print(result) == row.1, "\(row.0)")
    }

    /// A simplifier that remembers its recent built-in arguments by node gives what a plain one gives:
    /// on generated expressions whose functions share argument nodes (as a derivative's factors do,
    /// more of them than the memory holds, so that entries are also replaced), one memory for all.
    @Test func rememberingArgumentsChangesNoSimplification() {
        var generator = ExpressionGenerator(random: SplitMix64(state: 18))
        let remembering = Simplifier(remembering: Simplifier.RecentArguments())
        for _ in 0..<3_000 {
            let arguments = (0..<6).map { _ in generator.expression(depth: 3) }
            var expression = generator.expression(depth: 2)
            for _ in 0..<8 {
                let shared = Expression.builtin(generator.pick(Builtin.allCases), generator.pick(arguments))
                expression = generator.chance(50) ? .binary(.multiply, expression, shared) : .binary(.subtract, shared, expression)
            }
            #expect(remembering.simplify(expression) == Simplifier().simplify(expression), "\(ExpressionPrinter.unicode.print(expression))")
        }
    }

    /// An interrupted simplification hands back unfinished work: it must not be remembered for the
    /// next simplification that shares the memory.
    @Test func anInterruptedSimplificationIsNotRemembered() throws {
        let argument = try Parser.parseExpression("x + x + x + 2*3*y")
        let memory = Simplifier.RecentArguments()
        _ = Simplifier(isInterrupted: { true }, remembering: memory).simplify(.builtin(.sin, argument))
        let simplified = Simplifier(remembering: memory).simplify(.builtin(.sin, argument))
        #expect(ExpressionPrinter.unicode.print(simplified) == "sin(3x + 6y)")
    }

    @Test(arguments: [("(x+1)^2", "x² + 2x + 1"), ("(x - 1)(x + 1)", "x² - 1"), ("2(x + y)", "2x + 2y"), ("(a + b)^3", "a³ + 3a²·b + 3a·b² + b³")])
    func expands(_ row: (String, String)) throws {
        let result = try Expander().expand(try Parser.parseExpression(row.0))
        #expect(ExpressionPrinter.unicode.print(result) == row.1)
    }

    @Test func expandHasALimit() throws {
        #expect(throws: CalculusError.self) { try Expander().expand(try Parser.parseExpression("(a + b + c + d + f + g)^40")) }
    }
}

@Suite struct AnswerCheckTests {
    @Test func correctAnswersByStructureAndBySampling() throws {
        let notebook = Notebook()
        #expect(try notebook.run("check d/dx x^2 = 2x")[0].hasPrefix("check d/dx x² = 2x: correct\n(identical after simplifying"))
        #expect(try notebook.run("check d/dx sin(x)^2 = sin(2x)")[0].contains(": correct\n(equal at 12 sample points"))
        #expect(try notebook.run("check d/dz sigmoid(z) = e^(-z)/(1 + e^(-z))^2")[0].contains(": correct"))
    }

    @Test func aWrongAnswerShowsWhereItDiffers() throws {
        let text = try Notebook().run("check d/dx sin(x^2) = cos(x^2)")[0]
        #expect(text.contains("not the derivative"))
        #expect(text.contains("the derivative is 2x·cos(x²)"))
        #expect(text.contains("at x = "))
    }
}

/// Deep, wide and high-order derivatives finish quickly or end in a clean LimitError.
@Suite struct SymbolicLimitTests {
    func timed(_ source: String) throws -> (String, Double) {
        try OSThread.runWithLargeStack { () throws -> (String, Double) in
            let clock = ContinuousClock()
            var text = ""
            let elapsed = try clock.measure { text = try Notebook().run(source).first ?? "" }
            return (text, Double(elapsed.components.attoseconds) / 1e18 + Double(elapsed.components.seconds))
        }
    }

    @Test func twoThousandDeepCompositionIsACleanLimitError() throws {
        let source = "d/dx " + String(repeating: "sin(", count: 2000) + "x" + String(repeating: ")", count: 2000)
        let error = OSThread.runWithLargeStack { Notebook().error(source) }
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("120") == true)
    }

    @Test func hundredDeepCompositionWorks() throws {
        let source = "d/dx " + String(repeating: "sin(", count: 100) + "x" + String(repeating: ")", count: 100)
        let (text, _) = try timed(source)
        #expect(text.hasPrefix("d/dx sin(sin("))
        #expect(text.contains(" = cos(x)·cos(sin(x))"))
    }

    @Test func productOfFiftyFactors() throws {
        let source = "d/dx " + (1...50).map { "(x + \($0))" }.joined(separator: "*")
        let (text, _) = try timed(source)
        #expect(text.hasPrefix("d/dx (x + 1)·(x + 2)"))
    }

    @Test func eighthDerivativeOfSinTimesExp() throws {
        let (text, _) = try timed("d^8/dx^8 sin(x)*e^x")
        #expect(text.hasPrefix("d⁸/dx⁸ sin(x)·e^x = 16e^x·sin(x)"))
    }
}
