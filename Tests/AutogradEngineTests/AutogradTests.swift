@testable import AutogradEngine
import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import Rendering
import Testing
import Threads

@Suite struct AutogradTests {
    @Test func seedBackpropRows() throws {
        #expect(try Notebook().run("x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; grad loss wrt w").first?
            .hasPrefix("grad loss wrt w = 1248\n") == true)
        let session = Session()
        let results = try session.run("z = 2; a1 = relu(z); a2 = sigmoid(a1); loss = (a2 - 0.8)^2; grad loss wrt z")
        guard case .gradient(let gradient) = results.last else { Issue.record("no gradient"); return }
        #expect(abs(gradient.gradients[0].value - 0.016966349814049132) < 1e-12)
    }

    @Test func sigmoidDerivativeAtZeroFromBothEngines() throws {
        let text = try Notebook().run("check d/dz sigmoid(z) at z = 0")[0]
        #expect(text.contains("symbolic           0.25"))
        #expect(text.contains("autograd           0.25"))
    }

    @Test func namedNodesAndReuseSumTheirPaths() throws {
        let session = Session()
        let results = try session.run("a = 3; b = a + a; c = b + b; backward c")
        guard case .gradient(let result) = results.last else { Issue.record("no trace"); return }
        #expect(result.graph.gradient(of: "a") == 4)
        #expect(result.graph.gradient(of: "b") == 2)
        #expect(result.graph.nodes.filter { $0.label == "a" }.count == 1)
        #expect(result.graph.nodes.last?.label == "c")
    }

    @Test func backwardTwiceGivesTheSameGradients() throws {
        let session = Session()
        _ = try session.run("w = 3; x = 2")
        var graph = try session.autograd(try Parser.parseExpression("(w*x)^2"), in: session.environment)
        let first = graph.gradient(of: "w")
        graph.backward()
        graph.backward()
        #expect(graph.gradient(of: "w") == first)
        #expect(first == 24)
    }

    @Test func conventionsAtKinks() throws {
        let notebook = Notebook()
        #expect(try notebook.run("z = 0; grad relu(z) wrt z")[0].hasPrefix("grad relu(z) wrt z = 0\n"))
        #expect(try notebook.run("grad abs(z) wrt z")[0].hasPrefix("grad abs(z) wrt z = 0\n"))
    }

    @Test func aMillionNodeChainHasNoStackOverflow() throws {
        // x + 1·x + 1·x + …: a left-leaning sum 500,000 deep, about a million nodes. The graph is built
        // and run without recursion; the expression tree itself is released recursively by Swift, so it
        // lives on a large stack here, as it does in the kernel.
        let (count, gradient) = try OSThread.runWithLargeStack { () throws -> (Int, Double) in
            let session = Session()
            _ = try session.run("x = 1")
            var expression = Expression.variable("x")
            for _ in 0..<500_000 { expression = .binary(.add, expression, .binary(.multiply, .number(1), .variable("x"))) }
            let graph = try session.autograd(expression, in: session.environment)
            return (graph.nodes.count, graph.gradient(of: "x"))
        }
        #expect(count > 1_000_000)
        #expect(gradient == 500_001)
    }

    @Test func missingValuesAreNameErrors() {
        #expect(Notebook().error("grad q^2 wrt q")?.kind == .name)
    }

    @Test func aDefinitionMetInsideADeepChainIsOneNode() throws {
        // 3,000 levels: the first thousand are built by recursion, the rest on the explicit stack,
        // and `y` is first met at the very bottom, then again at every level.
        let (graph, count) = try OSThread.runWithLargeStack { () throws -> (ComputationGraph, Int) in
            let session = Session()
            _ = try session.run("x = 1.5; y = x*2")
            var expression = Expression.variable("y")
            for _ in 0..<3_000 { expression = .binary(.add, expression, .variable("y")) }
            let graph = try session.autograd(expression, in: session.environment)
            return (graph, graph.nodes.filter { $0.label == "y" }.count)
        }
        #expect(count == 1)
        #expect(graph.gradient(of: "y") == 3_001)
        #expect(graph.gradient(of: "x") == 6_002)
        #expect(graph.nodes.count == 3 + 3_000)  // x, the constant 2, y = x·2, and the 3,000 sums
    }

    @Test func nodesReadBackWhatTheGraphStores() throws {
        let session = Session()
        _ = try session.run("w = 3; h = relu(w*2 - 1)")
        let graph = try session.autograd(try Parser.parseExpression("h^2 + π"), in: session.environment)
        let nodes = graph.nodes.map { "\($0.label)|\($0.op)|\($0.inputs)|\($0.localDerivatives)" }
        #expect(nodes == [
            "w|value|[]|[]", "2|const|[]|[]", "|*|[0, 1]|[2.0, 3.0]", "1|const|[]|[]", "|-|[2, 3]|[1.0, -1.0]",
            "h|relu|[4]|[1.0]", "|^|[5, 1]|[10.0, 0.0]", "π|const|[]|[]", "|+|[6, 7]|[1.0, 1.0]",
        ])
        #expect(graph.gradient(of: "w") == 20)
        #expect(ComputationGraph.bytesPerNode <= 48)
    }

    @Test func namesEqualAsSwiftStringsAreOneNode() throws {
        // The Kelvin sign is canonically the letter K: the session binds one name for both, so the
        // graph must have one leaf for it, as the bindings do.
        let session = Session()
        _ = try session.run("K = 2; \u{00E9} = 3")
        let graph = try session.autograd(
            try Parser.parseExpression("K*\u{212A} + \u{00E9}*\u{00E9}"), in: session.environment)
        #expect(graph.nodes.filter(\.isLeaf).count == 2)
        #expect(graph.gradient(of: "K") == 4)
        #expect(graph.gradient(of: "\u{00E9}") == 6)
    }

    @Test func nameTableFindsEveryNameItWasGiven() {
        // Starts far too small, so it grows many times on the way.
        var table = NameTable(minimumCapacity: 1)
        let names = (0..<10_000).map { "w\($0 % 97)_\($0 / 97)" } + ["", "σ", "a_rather_long_name_beyond_sixteen_bytes"]
        for (id, name) in names.enumerated() { table[name] = id }
        for (id, name) in names.enumerated() { #expect(table[name] == id) }
        #expect(table["w0_200"] == nil)
        #expect(NameTable()["w"] == nil)  // an empty table holds no storage and finds nothing
        table["σ"] = 7
        #expect(table["σ"] == 7)
    }

    @Test func environmentSlotsFollowTheBindings() throws {
        var environment = Environment()
        try environment.bind("w", to: .number(2))
        try environment.bind("loss", to: try Parser.parseExpression("w^2"))
        #expect(environment.nodesInDefinitions == 3)  // w^2; values count nothing
        let w = try #require(environment.slot(of: "w"))
        try environment.bind("w", to: .number(3))
        #expect(environment.slot(of: "w") == w)  // rebinding keeps the slot
        #expect(environment.binding(inSlot: w)?.value == 3)
        #expect(environment.slot(of: "q") == nil)
        // A function of the same name ends the binding; the slot stays, empty.
        let loss = try #require(environment.slot(of: "loss"))
        try environment.bind("loss", to: try Parser.parseExpression("w^2 + sin(w)"))
        #expect(environment.nodesInDefinitions == 6)  // the old definition's nodes are gone
        try environment.define("loss", parameters: ["x"], body: .variable("x"))
        #expect(environment.binding(inSlot: loss) == nil)
        #expect(environment.nodesInDefinitions == 0)
        #expect(environment.slotCount == 2)
        // The Kelvin sign is the letter K to Swift, and so one name and one slot.
        try environment.bind("K", to: .number(1))
        #expect(environment.slot(of: "\u{212A}") == environment.slot(of: "K"))
    }

    @Test func aGraphRunAgainAtNewValuesMatchesOneBuiltThere() throws {
        // Every kind of operation, a variable exponent (d/db a^b), a constant one, a definition, reuse.
        let session = Session()
        _ = try session.run("w = 0.7; b = -0.3; x = 1.2; h = sigmoid(w*x + b) + relu(x - w)")
        let sources = [
            "(h - 0.8)^2 + x^w + w^(2*3) - abs(b) / (1 + x^2)",
            "ln(x + w^2) * tanh(b) - sqrt(x) + e^(w*b) + atan(h) + softplus(-b) - sin(x)*cos(w)",
            "-h * h / (w + 2)",
        ]
        for source in sources {
            let expression = try Parser.parseExpression(source)
            var graph = try session.autograd(expression, in: session.environment, overrides: ["w": 0.7, "b": -0.3])
            for (w, b) in [(0.25, 0.5), (1.5, -2.0), (-0.4, 0.0)] {
                try graph.reevaluate(setting: [(graph.leaf(named: "w")!, w), (graph.leaf(named: "b")!, b)])
                let fresh = try session.autograd(expression, in: session.environment, overrides: ["w": w, "b": b])
                #expect(graph == fresh, "\(source) at w = \(w), b = \(b)")
            }
        }
    }

    @Test func aGraphRunAgainOutsideItsDomainIsAMathError() throws {
        let session = Session()
        _ = try session.run("x = 2")
        var graph = try session.autograd(try Parser.parseExpression("ln(x) + 1/x"), in: session.environment)
        let x = graph.leaf(named: "x")!
        // The value's own error, not its derivative's (1/x): what building the graph there reports.
        let atZero = #expect(throws: CalculusError.self) { try graph.reevaluate(setting: [(x, 0)]) }
        #expect(atZero?.message.hasPrefix("ln is defined only for positive numbers") == true)
        #expect(Notebook().error("x = 0; grad ln(x) wrt x")?.message == atZero?.message)
        #expect(throws: CalculusError.self) { try graph.reevaluate(setting: [(x, -1)]) }
        try graph.reevaluate(setting: [(x, 4)])
        #expect(graph.gradient(of: "x") == 1.0 / 4 - 1.0 / 16)
    }
}
