import CalculusLanguage
import CalculusSession
import JSON
import Rendering
import Testing
import Threads

/// LANGUAGE.md, "What comes back": a long statement is echoed shortened (its first and last terms and
/// a count of those left out); results, values and gradients stay whole.
@Suite struct StatementEchoTests {
    func bundleBytes(_ output: RenderedOutput) -> Int {
        output.data.values.reduce(0) { $0 + ($1.stringValue?.utf8.count ?? $1.serialized().count) }
    }

    @Test func aGradientOfATwentyThousandTermSumAnswersInUnderTenKilobytes() throws {
        let terms = (1...20_000).map { "(\($0)*x + w)^2" }.joined(separator: " + ")
        let result = try OSThread.runWithLargeStack { try Session().run("x = 0.5; w = 1.5; grad \(terms) wrt w, x").last! }
        guard case .display(let output) = Renderer.render(result), case .gradient(let gradient) = result else {
            Issue.record("no gradient")
            return
        }
        #expect(bundleBytes(output) < 10_000, "\(bundleBytes(output)) bytes")
        let text = output.plainText
        #expect(text.hasPrefix("grad (1·x + w)² + (2x + w)² + (3x + w)² + … (19995 terms left out) … + (19999x + w)² + (20000x + w)² wrt w, x = ("))
        // The gradients are whole: every digit, as the value line and the JSON say.
        let w = gradient.gradients[0].value
        #expect(text.contains("∂/∂w = \(NumberFormatting.shortest(w))"))
        #expect(output.data["application/vnd.calculus.gradient+json"]?["gradient"]?["w"] == .double(w))
        let echoed = output.data["application/vnd.calculus.gradient+json"]?["expression"]?.stringValue ?? ""
        #expect(echoed.contains("(19995 terms left out)") && echoed.count < 2_000)
    }

    @Test func aShortStatementIsEchoedWhole() throws {
        let result = try Session().run("x = 2; w = 3; grad ((w*x)^2 - 10)^2 wrt w").last!
        #expect(Renderer.plainText(result).hasPrefix("grad ((w·x)² - 10)² wrt w = 1248"))
    }
}
