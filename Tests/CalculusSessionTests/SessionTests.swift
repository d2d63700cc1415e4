import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import Rendering
import Testing
import Threads

@Suite struct SessionTests {
    @Test func evaluatesAndShowsTheStatementWithItsResult() throws {
        let notebook = Notebook()
        #expect(try notebook.run("1+1") == ["1 + 1 = 2"])
        #expect(try notebook.run("2") == ["2"])
        #expect(try notebook.run("x^2 + 1 at x = 2") == ["x² + 1 at x = 2 = 5"])
        #expect(try notebook.run("x*w where x = 2, w = 3") == ["x·w at x = 2, w = 3 = 6"])
        #expect(try notebook.run("sigmoid(0)") == ["sigmoid(0) = 0.5"])
        #expect(try notebook.run("2πx at x = 1") == ["2π·x at x = 1 = 6.283185307179586"])
        #expect(try notebook.run("e") == ["e = 2.718281828459045"])
    }

    @Test func valuesAndDefinitions() throws {
        let notebook = Notebook()
        #expect(try notebook.run("x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2") == [])
        #expect(try notebook.run("loss") == ["loss = 676"])
        #expect(try notebook.run("y = 3u + 1; y") == ["y = 3u + 1"])
        #expect(try notebook.run("y at u = 1") == ["y at u = 1 = 4"])
        // A definition follows the values it uses.
        #expect(try notebook.run("w = 1; loss") == ["loss = 36"])
        #expect(try notebook.run("f(t) = t^2 + 1; f(3); f(x)") == ["f(3) = 10", "f(x) = 5"])
        #expect(try notebook.run("L(a, b) = a*b; L(2, 5)") == ["L(2, 5) = 10"])
        // Names without values stay symbolic, with the known values put in.
        #expect(try notebook.run("w*q") == ["w·q = q"])
        #expect(try notebook.run("x*q + 0") == ["x·q + 0 = 2q"])
    }

    @Test func selfUpdateUsesTheCurrentValue() throws {
        let notebook = Notebook()
        #expect(try notebook.run("w = 1; w = w - 0.25*2; w") == ["w = 0.5"])
        #expect(try notebook.run("w = w * 4; w") == ["w = 2"])
    }

    @Test func printWritesToStdout() throws {
        let notebook = Notebook()
        #expect(try notebook.run(#"print "hello, world""#) == ["hello, world\n"])
        #expect(try notebook.run(#"x = 3; print "x is", x, "and x² is", x^2"#) == ["x is 3 and x² is 9\n"])
    }

    @Test func aFailingStatementChangesNothing() throws {
        let notebook = Notebook()
        #expect(notebook.error("a = 1\nb = 1/0\nc = 3")?.kind == .math)
        #expect(try notebook.run("a") == ["a = 1"])
        #expect(notebook.session.environment.bindings["b"] == nil)
        #expect(notebook.session.environment.bindings["c"] == nil)
        // A failed redefinition keeps the old one.
        #expect(notebook.error("a = ln(-1)")?.kind == .math)
        #expect(try notebook.run("a") == ["a = 1"])
    }

    static let errorRows: [(String, CalculusError.Kind, String)] = [
        ("ln(-1)", .math, "positive"),
        ("1/0", .math, "division by zero"),
        ("acos(2)", .math, "[-1, 1]"),
        ("sqrt(-4)", .math, "≥ 0"),
        ("(-8)^(1/3)", .math, "not a real number"),
        ("0^-1", .math, "division by zero"),
        ("2^1e9", .math, "overflows"),
        ("exp(1000)", .math, "overflows"),
        ("cot(0)", .math, "divides by zero"),
        ("sine(x)", .name, "did you mean sin?"),
        ("f(x) = f(x)", .name, "defined in terms of itself"),
        ("g(x) = h(x)", .name, "unknown function h"),
        ("a = b; b = a", .name, "own definition"),
        ("c = c + 1", .name, "own definition"),
        ("p = q*2; r = p + 1; q = r", .name, "own definition"),
        ("f(x) = x; f(1, 2)", .syntax, "takes 1 argument, not 2"),
        ("n = 2; n(3)", .name, "not a function"),
        ("q = 1; q + sigmoid(zz) at zz = 1, qq = 2 + bad", .name, "bad has no value"),
    ]

    @Test(arguments: errorRows)
    func errorsAreNamed(_ row: (String, CalculusError.Kind, String)) {
        let error = Notebook().error(row.0)
        #expect(error?.kind == row.1, "\(row.0): \(String(describing: error))")
        #expect(error?.message.contains(row.2) == true, "\(row.0): \(error?.message ?? "no error")")
    }

    @Test func aLongChainOfDefinitionsBindsAndDifferentiates() throws {
        // Each new name is used by no definition yet, so binding it does not walk the chain. Each
        // definition is a level of recursion when it is evaluated or built: a large stack, as in the kernel.
        let gradient = try OSThread.runWithLargeStack { () throws -> Double? in
            let session = Session()
            let cell = (["w = 1.0001", "a0 = 2"] + (1...3_000).map { "a\($0) = a\($0 - 1)*w" }).joined(separator: "\n")
            _ = try session.run(cell)
            guard case .gradient(let gradient) = try session.run("grad a3000 wrt w").last else { return nil }
            return gradient.gradients[0].value
        }
        // d/dw 2·w³⁰⁰⁰ = 6000·w²⁹⁹⁹
        let expected = 6_000 * (0..<2_999).reduce(1.0) { power, _ in power * 1.0001 }
        #expect(abs((gradient ?? 0) - expected) / expected < 1e-12)
    }

    @Test func recursionThroughAnotherFunctionIsRefused() throws {
        let notebook = Notebook()
        _ = try notebook.run("f(x) = x + 1; g(x) = f(x) * 2")
        let error = notebook.error("f(x) = g(x)")
        #expect(error?.kind == .name)
        #expect(error?.message.contains("through g") == true)
        #expect(try notebook.run("f(1)") == ["f(1) = 2"])
    }

    @Test func errorsPointAtTheirName() throws {
        let cell = "x = 2\ny = sine(x) + 1"
        let error = try #require(Notebook().error(cell))
        #expect(error.range?.start.line == 2)
        #expect(error.range?.start.column == 5)
        let rendered = ErrorRenderer.render(CellError(error: error, statementRange: nil), cell: cell, colored: false)
        #expect(rendered.name == "NameError")
        #expect(rendered.traceback == [
            "NameError: unknown function sine (did you mean sin?)",
            "  line 2 | y = sine(x) + 1",
            "         |     ^~~~",
        ])
    }

    @Test func seedInputsAllParse() throws {
        let seeds = [
            "d/dx (3x+1)^2", "d/dx sin(x^2)", "d/dx sin(cos x)", "d/dx e^(2x)", "d/dz sigmoid(z)", "d/dz sigmoid(z) at z = 0",
            "d/dx (2x+1)^3", "d/dx e^(x^2)",
            "x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; grad loss wrt w",
            "z = 2; a1 = relu(z); a2 = sigmoid(a1); loss = (a2 - 0.8)^2; grad loss wrt z",
            "table d/dx [(3x+1)^2, sin(x^2), e^(2x)]", "backward ((w*x)^2 - 10)^2",
        ]
        for seed in seeds {
            #expect(throws: Never.self, "\(seed)") { try Parser.parseCell(seed) }
        }
    }
}

/// Inputs too large or too deep end in a clean error (or work), never a crash or a hang.
@Suite struct LimitTests {
    @Test func nesting100000DeepIsALimitError() {
        let deep = String(repeating: "(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)
        let error = OSThread.runWithLargeStack { Notebook().error(deep) }
        #expect(error?.kind == .limit)
        let deepCalls = String(repeating: "sin(", count: 100_000) + "x" + String(repeating: ")", count: 100_000)
        #expect(OSThread.runWithLargeStack { Notebook().error(deepCalls) }?.kind == .limit)
        let deepPowers = Array(repeating: "x", count: 100_000).joined(separator: "^")
        #expect(OSThread.runWithLargeStack { Notebook().error(deepPowers) }?.kind == .limit)
    }

    @Test func nestingWithinTheLimitWorks() throws {
        let depth = 2_000
        let nested = String(repeating: "sin(", count: depth) + "0" + String(repeating: ")", count: depth)
        let output = try OSThread.runWithLargeStack { try Notebook().run(nested) }
        #expect(output.first?.hasSuffix(" = 0") == true)
    }

    @Test func aOneMegabyteCellRuns() throws {
        let line = "v = 1 + 2 + 3 + 4 + 5 + 6 + 7 + 8 + 9 + 10 + 11 + 12 + 13 + 14 + 15 + 16\n"
        let cell = String(repeating: line, count: 1_048_576 / line.utf8.count + 1) + "v"
        #expect(cell.utf8.count > 1_048_576)
        #expect(try OSThread.runWithLargeStack { try Notebook().run(cell) } == ["v = 136"])
    }

    @Test func aCellOverSixteenMegabytesIsRefusedUnparsed() throws {
        let notebook = Notebook()
        _ = try notebook.run("kept = 1")
        let huge = "kept = 2 " + String(repeating: " ", count: Session.maximumCellBytes)
        let error = notebook.error(huge)
        #expect(error?.kind == .limit)
        #expect(error?.message.contains("at most 16777216") == true)
        #expect(try notebook.run("kept") == ["kept = 1"])
    }

    @Test func twentyThousandStatements() throws {
        let cell = (0..<20_000).map { "s\($0) = \($0)" }.joined(separator: "; ") + "; s19999 + s1"
        #expect(try OSThread.runWithLargeStack { try Notebook().run(cell) } == ["s19999 + s1 = 20000"])
    }

    @Test func exponentialFunctionNestsHitTheStepLimitOrFinish() {
        var cell = "f0(x) = x + 1\n"
        for level in 1...40 { cell += "f\(level)(x) = f\(level - 1)(f\(level - 1)(x))\n" }
        cell += "f40(1)"
        let error = OSThread.runWithLargeStack { Notebook().error(cell) }
        #expect(error?.kind == .limit)
    }

    @Test func junkIsASyntaxError() {
        for junk in ["10!", "@@", "x = ", "sin(", "((", "∂", "\"unterminated"] {
            #expect(Notebook().error(junk)?.kind == .syntax, "\(junk)")
        }
    }

    /// Found by the fuzzer: `expand` never looked at the interrupt flag (fuzz/crashes/timeout-expand-…),
    /// nor did `simplify`. Each cell is short; the work is in the statement, which must stop.
    @Test func interruptionStopsAnExpansionAndASimplification() throws {
        let session = Session()
        let terms = (1...20_000).map { "\($0)x^\($0 % 7)·sin(\($0)x)" }.joined(separator: " + ")
        _ = try OSThread.runWithLargeStack { try session.run("big = " + terms) }
        for cell in ["expand (a+b+c+d+e+f)^10", "simplify big"] {
            let began = ContinuousClock.now
            let error: CalculusError? = OSThread.runWithLargeStack { () -> CalculusError? in
                do {
                    try session.execute(cell, isInterrupted: { ContinuousClock.now - began > .milliseconds(20) }) { _ in }
                    return nil
                } catch {
                    return (error as? CellError)?.error
                }
            }
            #expect(error?.kind == .interrupted, "\(cell)")
            #expect(ContinuousClock.now - began < .milliseconds(300), "\(cell)")
        }
    }

    @Test func interruptionStopsAnEvaluation() {
        var cell = "f0(x) = x + 1\n"
        for level in 1...40 { cell += "f\(level)(x) = f\(level - 1)(f\(level - 1)(x))\n" }
        cell += "f40(1)"
        let error: CalculusError? = OSThread.runWithLargeStack { () -> CalculusError? in
            do {
                try Session().execute(cell, isInterrupted: { true }) { _ in }
                return nil
            } catch {
                return (error as? CellError)?.error
            }
        }
        #expect(error?.kind == .interrupted)
    }
}
