import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import JSON
import Rendering
import SymbolicEngine
import Testing

/// LANGUAGE.md, "Chains through your own names": Leibniz notation, derivatives at defined names,
/// steps through the names, `chain L wrt w`, `check dL/dz`.
@Suite struct ChainThroughNamesTests {
    /// The first line of each result (the statement and its answer).
    func headlines(_ notebook: Notebook, _ cell: String) throws -> [String] {
        try notebook.run(cell).map { String($0.split(separator: "\n", omittingEmptySubsequences: false)[0]) }
    }

    func number(_ line: String) -> Double? { Double(line.components(separatedBy: " = ").last ?? "") }

    @Test func theSeedsPipelineInLeibnizForm() throws {
        let notebook = Notebook()
        #expect(try headlines(notebook, "u = 3x + 1; y = u^2; dy/du") == ["dy/du = 2u"])
        #expect(try headlines(notebook, "d/du y") == ["dy/du = 2u"])
        #expect(try headlines(notebook, "du/dx") == ["du/dx = 3"])
        let steps = try notebook.run("dy/dx")[0]
        #expect(steps.hasPrefix("dy/dx = 6(3x + 1)\n"))
        #expect(steps.contains("chain rule through your names: dy/dx = dy/du·du/dx"))
        #expect(steps.contains("dy/du = d/du u² = 2u    (power rule)"))
        #expect(steps.contains("so dy/dx = 2u·3"))
        #expect(steps.contains("written out in x (u replaced by its definition): dy/dx = 6(3x + 1)"))
        #expect(try headlines(notebook, "dy/du at x = 2") == ["dy/du at x = 2 = 14"])
        #expect(try headlines(notebook, "dy/dx at x = 2") == ["dy/dx at x = 2 = 42"])
    }

    @Test func aDerivativeAtAnIntermediateNameIsTheGradientBackpropagationGives() throws {
        let notebook = Notebook()
        _ = try notebook.run("x = 2; w = 3; b = 1; z = sigmoid(w*x + b); L = (z - 1)^2")
        let expected = -0.0018221023888012056
        for form in ["d/dz L", "dL/dz", "∂L/∂z", "grad L wrt z"] {
            let line = try headlines(notebook, form)[0]
            let value = form.hasPrefix("grad") ? number(line) : number(try notebook.run(form)[0].split(separator: "\n")[1]
                .replacingOccurrences(of: " at the current values of z)", with: "").replacingOccurrences(of: "(= ", with: ""))
            #expect(value.map { abs($0 - expected) <= 1e-12 * abs(expected) } == true, "\(form): \(line)")
        }
        #expect(try headlines(notebook, "dL/dz") == ["dL/dz = 2(z - 1)"])
        // The textbook's product of three factors, each a derivative, multiplies to dL/dw.
        let product = try headlines(notebook, "dL/dz · dz/d(w*x + b) · d(w*x + b)/dw")[0]
        let direct = try headlines(notebook, "grad L wrt w")[0]
        let (a, b) = (number(product)!, number(direct)!)
        #expect(abs(a - b) <= 1e-12 * abs(b), "\(product) vs \(direct)")
    }

    @Test func theSeedsOf1248AndReluSigmoidHoldAtEveryNode() throws {
        let notebook = Notebook()
        _ = try notebook.run("x = 2; w = 3; target = 10; h = w*x; loss = (h^2 - target)^2")
        #expect(try headlines(notebook, "dloss/dw at w = 3") == ["dloss/dw at w = 3 = 1248"])
        #expect(try headlines(notebook, "dloss/dh at w = 3") == ["dloss/dh at w = 3 = 624"])
        _ = try notebook.run("z = 2; a1 = relu(z); a2 = sigmoid(a1); loss2 = (a2 - 0.8)^2")
        for name in ["z", "a1", "a2"] {
            let symbolic = try notebook.run("dloss2/d\(name) at z = 2")[0].split(separator: "\n")[0]
            let autograd = try headlines(notebook, "grad loss2 wrt \(name)")[0]
            #expect(abs(number(String(symbolic))! - number(autograd)!) <= 1e-12, "\(symbolic) vs \(autograd)")
        }
    }

    @Test func severalPathsAdd() throws {
        let notebook = Notebook()
        let output = try notebook.run("u = x^2; v = sin(x); z = u*v; dz/dx")[0]
        #expect(output.hasPrefix("dz/dx = 2x·sin(x) + x²·cos(x)\n"))
        #expect(output.contains("dz/dx = ∂z/∂u·du/dx + ∂z/∂v·dv/dx"))
        #expect(output.contains("so dz/dx = v·2x + u·cos(x)"))
    }

    @Test func aNameTheUserBoundKeepsItsMeaning() throws {
        let notebook = Notebook()
        #expect(try notebook.run("dy = 0.5; dx = 0.25; dy/dx") == ["dy/dx = 2"])
        #expect(try notebook.run("d = 3; y = x^2; d/dx y").first?.hasPrefix("dy/dx = 2x") == true)
    }

    @Test func leibnizFormsParseAndPrintBack() throws {
        let cases: [(String, Expression)] = [
            ("dy/dx", .derivative(.variable("y"), variable: "x", order: 1)),
            ("∂L/∂z", .derivative(.variable("L"), variable: "z", order: 1)),
            ("d²y/dx²", .derivative(.variable("y"), variable: "x", order: 2)),
            ("d^2y/dx^2", .derivative(.variable("y"), variable: "x", order: 2)),
            ("dloss/dw1", .derivative(.variable("loss"), variable: "w1", order: 1)),
            ("dz/d(w*x + b)", .derivativeBySubexpression(.variable("z"), subexpression: .variable("w") * .variable("x") + .variable("b"), order: 1)),
            ("d(w*x + b)/dw", .derivative(.variable("w") * .variable("x") + .variable("b"), variable: "w", order: 1)),
            ("d/d(w*x + b) sin(w*x + b)", .derivativeBySubexpression(
                .builtin(.sin, .variable("w") * .variable("x") + .variable("b")),
                subexpression: .variable("w") * .variable("x") + .variable("b"), order: 1)),
            ("2·dy/dx", .number(2) * .derivative(.variable("y"), variable: "x", order: 1)),
            ("dL/dz·dz/dw", .derivative(.variable("L"), variable: "z", order: 1) * .derivative(.variable("z"), variable: "w", order: 1)),
        ]
        for (source, expected) in cases {
            let parsed = try Parser.parseExpression(source, boundNames: ["y", "L", "loss", "z", "w", "x", "b"])
            #expect(parsed == expected, "\(source)")
            for printer in [ExpressionPrinter.unicode, ExpressionPrinter.ascii] {
                #expect(try Parser.parseExpression(printer.print(parsed)) == parsed, "\(printer.print(parsed))")
            }
        }
        // With dy bound, dy/dx divides.
        #expect(try Parser.parseExpression("dy/dx", boundNames: ["dy"]) == .variable("dy") / .variable("dx"))
    }

    @Test func badInputIsAClearErrorAndChangesNothing() throws {
        let notebook = Notebook()
        _ = try notebook.run("x = 1; w = 2; b = 0.5; z = sigmoid(w*x + b)")
        let cases: [(String, CalculusError.Kind, String)] = [
            ("d/d(3) x", .syntax, "3 is a constant"),
            ("dz/d(1 + 2)", .syntax, "1 + 2 is a constant"),
            ("dz/d(w*x + 7)", .math, "w·x + 7 does not appear in z = sigmoid(w·x + b)"),
            ("dq/dx", .name, "q is not defined, so dq/dx has nothing to differentiate"),
            ("dsin/dx", .syntax, "sin is a built-in function"),
            ("dy/dx^2", .syntax, "the derivative's orders differ"),
            ("chain w wrt x", .syntax, "chain follows a name you defined"),
            ("chain z wrt w", .math, "no named quantity stands between"),
        ]
        for (cell, kind, message) in cases {
            let error = notebook.error("q0 = 5; " + cell)
            #expect(error?.kind == kind, "\(cell): \(String(describing: error))")
            #expect(error?.message.contains(message) == true, "\(cell): \(error?.message ?? "no error")")
        }
        #expect(notebook.session.environment.value(of: "q0") == 5)
        #expect(try notebook.run("z").first?.hasPrefix("z = 0.9241418199787566") == true)
    }

    @Test func chainShowsNamesEdgesPathsAndTotal() throws {
        let session = Session()
        let results = try session.run("x = 0.5; w = 1.5; u = w*x; v = sin(w); z = u*v; L = z^2; chain L wrt w")
        guard case .chain(let chain) = results.last else { Issue.record("no chain result"); return }
        #expect(chain.chain.names == ["L", "z", "u", "v", "w"])
        #expect(chain.chain.pathCount == 2)
        let grad = try session.run("grad L wrt w")
        guard case .gradient(let gradient) = grad[0] else { Issue.record("no gradient"); return }
        #expect(abs(chain.value! - gradient.gradients[0].value) <= 1e-12 * abs(gradient.gradients[0].value))
        #expect(abs(chain.pathValues.compactMap { $0 }.reduce(0, +) - chain.value!) <= 1e-12)
        guard case .display(let output) = Renderer.render(results.last!) else { Issue.record("not displayed"); return }
        let json = output.data["application/vnd.calculus.chain+json"]
        #expect(json?["output"] == "L")
        #expect(json?["variable"] == "w")
        #expect(json?["edges"]?.arrayValue?.count == 5)
        #expect(json?["paths"]?.arrayValue?.count == 2)
        #expect(json?["paths"]?.arrayValue?.first?["product"]?.stringValue == "2*z*v*x")
        let html = output.data["text/html"]?.stringValue ?? ""
        #expect(html.contains("<img src=\"data:image/svg+xml;base64,"))
        #expect(!html.contains("<svg"))
        #expect(output.data["image/svg+xml"]?.stringValue?.hasPrefix("<svg") == true)
    }

    @Test func checkAtAnIntermediateNameComparesThreeWays() throws {
        let session = Session()
        let results = try session.run("x = 2; w = 3; b = 1; z = sigmoid(w*x + b); L = (z - 1)^2; check dL/dz")
        guard case .derivativeCheck(let check) = results.last else { Issue.record("no check"); return }
        #expect(abs(check.symbolic - -0.0018221023888012056) <= 1e-15)
        #expect(check.largestDisagreement < 1e-8)
    }

    /// Random graphs of definitions: for random (output, node) pairs, the symbolic dOut/dNode at the
    /// current values, `grad Out wrt Node` and a central difference with Node held agree.
    @Test func randomGraphsOfDefinitionsAgreeWithAutograd() throws {
        var random = SplitMix64(state: 2026)
        let unary = ["sin", "cos", "tanh", "sigmoid", "exp", "softplus"]
        for graphIndex in 0..<60 {
            let notebook = Notebook()
            var names = ["x", "w"]
            var cell = "x = \(0.3 + Double(graphIndex % 7) / 10); w = \(-0.4 + Double(graphIndex % 5) / 5)"
            let count = 3 + Int(random.next() % 6)
            for index in 0..<count {
                let a = names[Int(random.next() % UInt64(names.count))]
                let b = names[Int(random.next() % UInt64(names.count))]
                let f = unary[Int(random.next() % UInt64(unary.count))]
                let shapes = ["\(f)(\(a))*\(b)", "\(a)*\(b) + \(f)(\(b))", "(\(a) - \(b))^2", "\(f)(\(a) + 0.5*\(b))", "\(a)/(1 + \(b)^2)"]
                cell += "; n\(index) = " + shapes[Int(random.next() % UInt64(shapes.count))]
                names.append("n\(index)")
            }
            _ = try notebook.run(cell)
            let output = names.last!
            for node in names.dropLast() {
                let symbolicText = try notebook.run("d\(output)/d\(node)")[0]
                let grad = number(try headlines(notebook, "grad \(output) wrt \(node)")[0])!
                guard let line = symbolicText.split(separator: "\n").first(where: { $0.hasPrefix("(= ") }) else {
                    // No value line: the derivative is a number, printed in the headline.
                    let value = number(String(symbolicText.split(separator: "\n")[0]))
                    #expect(value.map { abs($0 - grad) <= 1e-9 * Swift.max(1, abs(grad)) } == true, "\(cell); d\(output)/d\(node): \(symbolicText)")
                    continue
                }
                let symbolic = Double(line.dropFirst(3).split(separator: " ")[0])!
                #expect(abs(symbolic - grad) <= 1e-9 * Swift.max(1, abs(grad)), "\(cell); d\(output)/d\(node): \(symbolic) vs \(grad)")
            }
        }
    }
}


@Suite struct AliasDefinitionTests {
    /// `a = x; b = a; c = b`: each name is the same node; its gradient was lost when a later name
    /// took the node's label.
    @Test func aNameThatIsAnotherNamesNodeKeepsItsGradient() throws {
        let notebook = Notebook()
        #expect(try notebook.run("x = 1; a = x; b = a; c = 3b; grad c wrt a").first?.hasPrefix("grad c wrt a = 3") == true)
        #expect(try notebook.run("grad c wrt x").first?.hasPrefix("grad c wrt x = 3") == true)
    }
}
