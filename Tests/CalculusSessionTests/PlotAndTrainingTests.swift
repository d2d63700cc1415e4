import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import Glibc
import Rendering
import Testing

@Suite struct PlotTests {
    func plot(_ cell: String) throws -> PlotData {
        guard case .plot(let plot) = try Session().run(cell).last else { throw CalculusError(.syntax, "no plot") }
        return plot
    }

    @Test func polesBreakTheCurveAndDomainsLeaveGaps() throws {
        let data = try plot("plot tan x, sin x, 1/x, ln x for x in -5..5")
        // tan has poles at ±π/2 and ±3π/2 inside -5..5: five pieces; sin is one piece.
        #expect(data.curves.map(\.segments.count) == [5, 1, 2, 1])
        // No piece of tan jumps across a pole: neighbours in a piece stay on one branch.
        for piece in data.curves[0].segments {
            for (a, b) in zip(piece, piece.dropFirst()) { #expect(b.y > a.y) }
        }
        // ln is undefined for x ≤ 0: its only piece starts right of zero.
        #expect(data.curves[3].segments[0].first!.x > 0)
        #expect(data.sampleCount == 401)
    }

    @Test func steepButContinuousCurvesStayWhole() throws {
        #expect(try plot("plot e^x, x^3, sigmoid(20x), relu(x) for x in -3..5").curves.map(\.segments.count) == [1, 1, 1, 1])
        #expect(try plot("plot 1/x^2 for x in -1..1").curves[0].segments.count == 2)
    }

    @Test func stepSetsThePointCountAndErrorsAreClear() throws {
        #expect(try plot("plot x^2 for x in 0..1 step 0.001").sampleCount == 1001)
        #expect(Notebook().error("plot x for x in 1..0")?.kind == .math)
        #expect(Notebook().error("plot x for x in 0..1 step 1e-9")?.kind == .limit)
        #expect(Notebook().error("plot x*q for x in 0..1")?.kind == .name)
        #expect(Notebook().error("plot x")?.kind == .syntax)
    }

    @Test func plainTextSummarisesEachCurve() throws {
        let text = try Notebook().run("plot sin x, ln x for x in -1..1")[0]
        #expect(text == """
            plot sin(x), ln(x) for x in -1..1 (401 points per curve)
            sin(x): 1 piece, from -0.841471 to 0.841471
            ln(x): 1 piece, from -5.29832 to 0
            """)
    }
}

@Suite struct LayersTests {
    @Test func sigmoidChainVanishesAndMatchesTheChainRule() throws {
        guard case .layers(let result) = try Session().run("layers 20 sigmoid(u) at u = 0.5").last else {
            Issue.record("no layers result"); return
        }
        #expect(result.layers.count == 20)
        #expect(Swift.abs(result.layers[0].localDerivative - sigmoidPrime(0.5)) < 1e-15)
        // Each layer's input is the previous output, and the product is the running product.
        var product = 1.0
        for (previous, layer) in zip([nil] + result.layers.map(Optional.some), result.layers) {
            if let previous { #expect(layer.input == previous.output) }
            product *= layer.localDerivative
            #expect(layer.product == product)
        }
        #expect(result.layers.last!.product < 1e-12)
        let text = Renderer.plainText(.layers(result))
        #expect(text.contains("the gradient vanishes"))
    }

    @Test func productEqualsAutogradThroughTheComposedChain() throws {
        let notebook = Notebook()
        let layered = try notebook.session.run("layers 3 tanh(1.5u) at u = 0.2")
        guard case .layers(let result) = layered.last else { Issue.record("no layers result"); return }
        let gradient = try notebook.run("u = 0.2; grad tanh(1.5 tanh(1.5 tanh(1.5u))) wrt u")[0]
        let autograd = Double(gradient.split(separator: "\n")[0].split(separator: " ").last!)!
        #expect(Swift.abs(autograd - result.layers.last!.product) < 1e-12)
    }

    @Test func explodingChainAndErrors() throws {
        #expect(try Notebook().run("layers 10 2u at u = 1")[0].hasPrefix("layers 10 2u at u = 1: ∂out/∂u₀ = 1024\n(the gradient explodes"))
        #expect(Notebook().error("layers 0 u at u = 1")?.kind == .limit)
        #expect(Notebook().error("layers 20000 u at u = 1")?.kind == .limit)
        #expect(Notebook().error("layers 2.5 u at u = 1")?.kind == .syntax)
        #expect(Notebook().error("layers 20 sigmoid(u)")?.kind == .syntax)
        #expect(Notebook().error("layers 3 ln(u) at u = -1")?.kind == .math)
    }

    func sigmoidPrime(_ x: Double) -> Double {
        let s = 1 / (1 + Glibc.exp(-x))
        return s * (1 - s)
    }
}

@Suite struct DescentTests {
    @Test func lossFallsAndTheNamesMove() throws {
        let notebook = Notebook()
        _ = try notebook.run("x = 1.5; y = 0.8; w = 0.2; b = 0; loss = (sigmoid(w*x + b) - y)^2")
        guard case .descent(let result) = try notebook.session.run("descend loss wrt w, b rate 2 for 30 steps").last else {
            Issue.record("no descent result"); return
        }
        #expect(result.steps.count == 31)
        #expect(result.steps[0].values == [0.2, 0])
        for (a, b) in zip(result.steps, result.steps.dropFirst()) {
            #expect(b.loss < a.loss)
            // Each update is the rate times the gradient of the step before.
            #expect(Swift.abs(b.values[0] - (a.values[0] - 2 * a.gradients[0])) < 1e-15)
        }
        #expect(result.steps.last!.loss < 1e-12)
        #expect(try notebook.run("w")[0] == "w = \(NumberFormatting.shortest(result.steps.last!.values[0]))")
        // The sigmoid reaches the target: σ(w·x + b) = 0.8.
        #expect(Swift.abs(Double(try notebook.run("sigmoid(w*x + b)")[0].split(separator: " ").last!)! - 0.8) < 1e-6)
    }

    @Test func aDivergingDescentChangesNothing() throws {
        let notebook = Notebook()
        _ = try notebook.run("w = 1; loss = w^4")
        #expect(notebook.error("descend loss wrt w rate 10 for 50 steps")?.kind == .math)
        #expect(try notebook.run("w") == ["w = 1"])
        #expect(notebook.error("descend loss wrt q rate 0.1 for 5 steps")?.kind == .name)
        #expect(notebook.error("descend loss wrt w rate 0.1 for 5")?.kind == .syntax)
        #expect(notebook.error("descend loss wrt w for 5 steps")?.kind == .syntax)
    }
}
