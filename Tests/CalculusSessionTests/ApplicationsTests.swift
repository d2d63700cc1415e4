import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import JSON
import Rendering
import Testing

/// LANGUAGE.md, "Applications of the derivative": tangent lines, Taylor polynomials, implicit
/// differentiation, gradients, Hessians and Jacobians, and the list literals they print.
@Suite struct ApplicationsTests {
    func headline(_ notebook: Notebook, _ cell: String) throws -> String {
        String(try notebook.run(cell).last!.split(separator: "\n")[0])
    }

    /// The text after the first line's last top-level ` = `.
    func result(_ line: String) -> String { line.components(separatedBy: " = ").last! }

    func bundle(_ session: Session, _ cell: String) throws -> RenderedOutput {
        guard case .display(let output) = Renderer.render(try session.run(cell).last!) else {
            Issue.record("\(cell): not displayed")
            return RenderedOutput(data: [:])
        }
        return output
    }

    @Test func tangentLineHasItsValueSlopeAndLine() throws {
        let notebook = Notebook()
        let text = try notebook.run("tangent sin(x) at x = 1")[0]
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines[0] == "tangent sin(x) at x = 1: y = sin(1) + cos(1)·(x - 1)")
        #expect(lines[1] == "  y ≈ 0.5403023058681398x + 0.30116867893975674")
        #expect(text.contains("f(1) = sin(1) = 0.8414709848078965"))
        #expect(text.contains("f′(x) = d/dx sin(x) = cos(x)"))
        #expect(text.contains("f′(1) = cos(1) = 0.5403023058681398"))
        #expect(try headline(notebook, "tangent x^3 at x = -1") == "tangent x³ at x = -1: y = -1 + 3(x + 1)")
        let session = Session()
        let output = try bundle(session, "tangent e^x at x = 0")
        let json = output.data["application/vnd.calculus.tangent+json"]
        #expect(json?["slope"]?.doubleValue == 1)
        #expect(json?["intercept"]?.doubleValue == 1)
        #expect(json?["line"]?.stringValue == "1 + x")
        let html = output.data["text/html"]?.stringValue ?? ""
        #expect(html.contains("<img src=\"data:image/svg+xml;base64,"))
        #expect(!html.contains("<svg"))
        #expect(output.data["image/svg+xml"]?.stringValue?.contains("<circle") == true)
    }

    @Test func tangentUsesTheSessionsValuesAndSaysWhereThereIsNone() throws {
        let notebook = Notebook()
        _ = try notebook.run("k = 2")
        #expect(try headline(notebook, "tangent sin(k*x) at x = 1") == "tangent sin(k·x) at x = 1: y = sin(2) + 2cos(2)·(x - 1)")
        #expect(result(try headline(notebook, "taylor e^(k*x) at x = 0 order 3")) == "1 + 2x + 2x² + 4x³/3")
        #expect(notebook.error("tangent ln(x) at x = 0")?.message.contains("outside the domain") == true)
        #expect(notebook.error("tangent abs(x) at x = 0")?.message.contains("no derivative there") == true)
        #expect(notebook.error("tangent a*x^2 at x = 1")?.kind == .name)
    }

    @Test func taylorCoefficientsAreExact() throws {
        let notebook = Notebook()
        #expect(result(try headline(notebook, "taylor e^x at x = 0 order 4")) == "1 + x + x²/2 + x³/6 + x⁴/24")
        #expect(result(try headline(notebook, "taylor sin(x) at x = 0 order 7")) == "x - x³/6 + x⁵/120 - x⁷/5040")
        #expect(result(try headline(notebook, "taylor cos(x) at x = pi order 4")) == "-1 + (x - π)²/2 - (x - π)⁴/24")
        #expect(result(try headline(notebook, "taylor ln(1 + x) at x = 0 order 4")) == "x - x²/2 + x³/3 - x⁴/4")
        #expect(result(try headline(notebook, "taylor sqrt(x) at x = 4 order 2")) == "2 + (x - 4)/4 - (x - 4)²/64")
        #expect(result(try headline(notebook, "taylor e^x at x = 1 order 2")) == "e + e·(x - 1) + e·(x - 1)²/2")
        let tan = result(try headline(notebook, "taylor tan(x) at x = 0 order 20"))
        #expect(tan.hasPrefix("x + x³/3 + 2x⁵/15 + 17x⁷/315"))
        #expect(tan.hasSuffix("443861162x¹⁹/1856156927625"))
        let table = try notebook.run("taylor sin(x) at x = 1 order 2")[0]
        #expect(table.contains("2 │ -sin(x) │ -sin(1) │ -0.8414709848078965 │ -sin(1)/2"))
        #expect(result(try headline(notebook, "taylor e^x at x = 0")).hasSuffix("x⁵/120"))  // order 5 by default
    }

    @Test func taylorJSONAndPicture() throws {
        // About 0 every coefficient is a fraction: series arithmetic, no derivative written out.
        let output = try bundle(Session(), "taylor sin(x) at x = 0 order 5")
        let json = output.data["application/vnd.calculus.taylor+json"]
        #expect(json?["polynomial"]?.stringValue == "x - x^3/6 + x^5/120")
        #expect(json?["method"]?.stringValue == "series")
        let terms = json?["terms"]?.arrayValue ?? []
        #expect(terms.count == 6)
        #expect(terms[3]["at_point"]?.stringValue == "-1")
        #expect(terms[3]["coefficient"]?.stringValue == "-1/6")
        #expect(json?["plotted_orders"]?.arrayValue?.count == 4)
        #expect(output.data["text/html"]?.stringValue?.contains("<img src=\"data:image/svg+xml;base64,") == true)
        // About 1 the values are sin(1), cos(1): the derivatives, each in the table and the JSON.
        let derived = try bundle(Session(), "taylor sin(x) at x = 1 order 3").data["application/vnd.calculus.taylor+json"]
        #expect(derived?["method"]?.stringValue == "derivatives")
        let third = derived?["terms"]?.arrayValue?[3]
        #expect(third?["derivative"]?.stringValue == "-cos(x)")
        #expect(third?["at_point"]?.stringValue == "-cos(1)")
        #expect(third?["coefficient"]?.stringValue == "-cos(1)/6")
    }

    @Test func seriesArithmeticAgreesWithTheDerivatives() throws {
        let notebook = Notebook()
        // Each of these is exact by series arithmetic; the expected forms are the textbook series.
        for (cell, expected) in [
            ("taylor sigmoid(x) at x = 0 order 5", "1/2 + x/4 - x³/48 + x⁵/480"),
            ("taylor atan(x) at x = 0 order 7", "x - x³/3 + x⁵/5 - x⁷/7"),
            ("taylor asin(x) at x = 0 order 5", "x + x³/6 + 3x⁵/40"),
            ("taylor sqrt(1 + x) at x = 0 order 3", "1 + x/2 - x²/8 + x³/16"),
            ("taylor ln(x) at x = 1 order 3", "x - 1 - (x - 1)²/2 + (x - 1)³/3"),
            ("taylor tanh(x) at x = 0 order 7", "x - x³/3 + 2x⁵/15 - 17x⁷/315"),
            ("taylor cosh(x)/(1 - x) at x = 0 order 3", "1 + x + 3x²/2 + 3x³/2"),
            ("taylor (x^2 + 1)^3 at x = 1 order 2", "8 + 24(x - 1) + 36(x - 1)²"),
        ] {
            #expect(result(try headline(notebook, cell)) == expected, "\(cell)")
        }
    }

    @Test func taylorRefusesBadOrdersAndPointsOutsideTheDomain() throws {
        let notebook = Notebook()
        _ = try notebook.run("a = 1")
        for (cell, kind, words) in [
            ("taylor e^x at x = 0 order 0", CalculusError.Kind.syntax, "from 1 to 20, not 0"),
            ("taylor e^x at x = 0 order 21", .syntax, "from 1 to 20, not 21"),
            ("taylor ln(x) at x = 0 order 3", .math, "outside the domain"),
            ("taylor sqrt(x) at x = 0 order 3", .math, "derivative of order 1"),
            ("taylor 1/x at x = 0", .math, "outside the domain"),
        ] {
            let error = notebook.error(cell)
            #expect(error?.kind == kind, "\(cell)")
            #expect(error?.message.contains(words) == true, "\(cell): \(error?.message ?? "no error")")
        }
        #expect(try notebook.run("a") == ["a = 1"])
    }

    @Test func implicitDifferentiationShowsTheChainRuleAndSolves() throws {
        let notebook = Notebook()
        let text = try notebook.run("dy/dx from x^2 + y^2 = 25")[0]
        #expect(text.hasPrefix("dy/dx from x² + y² = 25 = -x/y\n"))
        #expect(text.contains("left side: d/dx (x² + y²) = 2x + 2y·dy/dx"))
        #expect(text.contains("the chain rule multiplies it by dy/dx: 2y·dy/dx"))
        #expect(text.contains("collect the dy/dx terms on the left: 2y·dy/dx = -2x"))
        #expect(try headline(notebook, "dy/dx from x^2 + y^2 = 25 at x = 3, y = 4") == "dy/dx from x² + y² = 25 at x = 3, y = 4 = -0.75")
        #expect(try headline(notebook, "dy/dx from x^3 + y^3 = 6x*y at x = 3, y = 3").hasSuffix(" = -1"))
        #expect(notebook.error("dy/dx from x^2 + y^2 = 25 at x = 3, y = 5")?.message.contains("(3, 5) is not on the curve") == true)
        #expect(notebook.error("dy/dx from x^2 + y^2 = 25 at x = 5, y = 0")?.message.contains("vertical") == true)
        #expect(notebook.error("dy/dx from x^2 = 4")?.message.contains("has no y") == true)
        #expect(notebook.error("d/dx sin(x) from x = 1")?.kind == .syntax)
    }

    @Test func gradientHessianAndJacobianPrintListsThatReadBack() throws {
        let notebook = Notebook()
        #expect(try headline(notebook, "gradient x^2·y + sin(y) wrt x, y") == "gradient x²·y + sin(y) wrt x, y = [2x·y, x² + cos(y)]")
        #expect(try headline(notebook, "∇(x^2·y + sin(y))") == "gradient x²·y + sin(y) wrt x, y = [2x·y, x² + cos(y)]")
        #expect(try headline(notebook, "hessian x^2·y + sin(y) wrt x, y") == "hessian x²·y + sin(y) wrt x, y = [[2y, 2x], [2x, -sin(y)]]")
        #expect(try headline(notebook, "jacobian [x*y, x + y] wrt x, y") == "jacobian [x·y, x + y] wrt x, y = [[y, x], [1, 1]]")
        #expect(try headline(notebook, "gradient x^2·y + sin(y) wrt x, y at x = 1, y = 2") == "gradient x²·y + sin(y) wrt x, y at x = 1, y = 2 = [4, 0.5838531634528576]")
        // What is printed reads back: the list, evaluated at the same point, gives the same numbers.
        #expect(try headline(notebook, "[2x·y, x² + cos(y)] at x = 1, y = 2") == "[2x·y, x² + cos(y)] at x = 1, y = 2 = [4, 0.5838531634528576]")
        #expect(try headline(notebook, "[[2y, 2x], [2x, -sin(y)]]") == "[[2y, 2x], [2x, -sin(y)]]")
        // Names with values are variables for differentiating and values for the numbers.
        _ = try notebook.run("w = 3; b = 1")
        let text = try notebook.run("gradient (w*2 + b - 5)^2 wrt w, b")[0]
        #expect(text.hasPrefix("gradient (w·2 + b - 5)² wrt w, b = [4(2w + b - 5), 2(2w + b - 5)]\n(= [8, 4] at the current values)"))
        #expect(text.contains("∂/∂w: 4(2w + b - 5) = 8"))
    }

    @Test func matrixStepsAreFoldedAndTheJSONCarriesEveryEntry() throws {
        let output = try bundle(Session(), "hessian x^3·y wrt x, y at x = 1, y = 2")
        let markdown = output.data["text/markdown"]?.stringValue ?? ""
        #expect(markdown.components(separatedBy: "<details>").count - 1 == 4)
        #expect(output.data["text/latex"]?.stringValue?.contains("\\begin{pmatrix}") == true)
        let json = output.data["application/vnd.calculus.matrix+json"]
        #expect(json?["kind"] == "hessian")
        #expect(json?["result"]?.arrayValue?.first?.arrayValue?.first?.stringValue == "6*x*y")
        #expect(json?["value"]?.arrayValue?.first?.arrayValue?.first?.doubleValue == 12)
        #expect(json?["entries"]?.arrayValue?.count == 2)
    }

    /// A Hessian too large to show every entry's steps names an entry it left out as the user would
    /// type it, and typing that gives the same entry, with its steps.
    @Test func leftOutStepsNameAnEntryToAskFor() throws {
        let weights = (1...8).map { "w\($0)" }
        let sum = weights.enumerated().map { "\(Double($0.offset + 1) / 10)\($0.element)" }.joined(separator: " + ")
        let session = Session()
        let output = try bundle(session, "hessian (sigmoid(\(sum)) - 1)^2 wrt \(weights.joined(separator: ", "))")
        let note = try #require(output.plainText.split(separator: "\n").last { $0.contains("left out") })
        let asked = try #require(note.components(separatedBy: "as in ").last?.components(separatedBy: ", to see its steps").first)
        // d/dwⱼ d/dwᵢ L is the entry in row i, column j.
        let names = asked.split(separator: " ").prefix(2).map { String($0.dropFirst(3)) }
        #expect(names.count == 2 && names.allSatisfy(weights.contains), "\(asked)")
        let (row, column) = (weights.firstIndex(of: names[1]) ?? 0, weights.firstIndex(of: names[0]) ?? 0)
        let entries = output.data["application/vnd.calculus.matrix+json"]?["entries"]?.arrayValue
        #expect(entries?[row].arrayValue?[column]["steps_omitted"] == true)
        let entry = try bundle(session, asked)
        #expect(entry.data["application/vnd.calculus.derivative+json"]?["result"]
            == entries?[row].arrayValue?[column]["result"])
        #expect(entry.plainText.contains("1. "), "its steps are shown")
    }

    @Test func badMatricesAndListsAreClearErrorsThatChangeNothing() throws {
        let notebook = Notebook()
        _ = try notebook.run("q = 7")
        for (cell, words) in [
            ("jacobian x*y wrt x, y", "jacobian takes a list"),
            ("jacobian [[x]] wrt x", "not a matrix"),
            ("[[1, 2], [3]]", "same length"),
            ("[]", "at least one entry"),
            ("[1, 2", "']'"),
            ("gradient 5", "no variables"),
            ("hessian x wrt", "a name"),
        ] {
            #expect(notebook.error(cell)?.message.contains(words) == true, "\(cell): \(notebook.error(cell)?.message ?? "no error")")
        }
        #expect(try notebook.run("q") == ["q = 7"])
    }

    @Test func completionAndInspectionKnowTheNewWords() {
        let session = Session()
        for word in ["tangent", "taylor", "gradient", "hessian", "jacobian"] {
            #expect(CellAnalysis.completions(in: String(word.prefix(3)), at: 3, environment: session.environment).matches.contains(word))
            #expect(CellAnalysis.documentation(in: word, at: 1, environment: session.environment)?.hasPrefix(word) == true)
        }
        #expect(CellAnalysis.documentation(in: "dy/dx from x^2 + y^2 = 1", at: 8, environment: session.environment)?.contains("implicit") == true)
    }
}
