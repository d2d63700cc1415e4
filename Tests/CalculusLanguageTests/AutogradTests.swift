import AutogradEngine
import CalculusLanguage
import CalculusSession
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
}
