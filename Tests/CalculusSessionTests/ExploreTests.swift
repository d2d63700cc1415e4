import CalculusLanguage
import CalculusSession
import JSON
import Rendering
import Testing

/// LANGUAGE.md, "Explore": the statement under sliders and its fallback rendering (the widgets the
/// interpreter opens for it are CalculusKernelTests' `ExploreWidgetTests`).
@Suite struct ExploreTests {
    @Test func parsesTheStatementAndUpToThreeSliders() throws {
        let statements = try Parser.parseCell("explore tangent sin(x) at x = a with a in -3..3 step 0.5, b in 0..1")
        guard case .explore(let inner, let sliders) = statements[0].kind else { Issue.record("not explore"); return }
        #expect(inner.source == "tangent sin(x) at x = a")
        #expect(sliders.map(\.variable) == ["a", "b"])
        #expect(sliders[0].step == .number(0.5))
        for (cell, words) in [
            ("explore y = 3 with a in 0..1", "cannot be explored"),
            ("explore print 1 with a in 0..1", "cannot be explored"),
            ("explore d/dx x^2", "'with'"),
            ("explore d/dx a*x with a in 0..1, a in 0..2", "has a slider already"),
            ("explore d/dx a*x with a in 0..1, b in 0..1, c in 0..1, d in 0..1", "at most 3"),
            ("with = 2", "keyword"),
        ] {
            #expect(throws: CalculusError.self, "\(cell)") { try Parser.parseCell(cell) }
            do { _ = try Parser.parseCell(cell) } catch { #expect(error.message.contains(words), "\(cell): \(error.message)") }
        }
    }

    @Test func startsInTheMiddleAndLeavesTheSessionAsItWas() throws {
        let session = Session()
        _ = try session.run("a = 7")
        guard case .explore(let result) = try session.run("explore tangent sin(x) at x = a with a in -3..3")[0] else {
            Issue.record("not explore")
            return
        }
        #expect(result.sliders[0].value == 0)
        #expect(result.sliders[0].step == 0.06)
        guard case .result(.tangent(let tangent)) = result.outcome else { Issue.record("no tangent"); return }
        #expect(tangent.slope == 1)
        guard case .result(.tangent(let moved)) = session.explore(result.statement, at: ["a": 1], sliders: result.sliders) else {
            Issue.record("no tangent at a = 1")
            return
        }
        #expect(moved.slope == 0.5403023058681398)
        // The picture keeps one view over the slider's whole span (-3..3, and 2 either side).
        #expect(moved.plot.map { ($0.from, $0.to) }! == (-5, 5))
        #expect(tangent.plot.map { ($0.from, $0.to) }! == (-5, 5))
        #expect(session.environment.value(of: "a") == 7)
        // An error at some values is the outcome there, not a failure of the cell.
        guard case .explore(let pole) = try session.run("explore d/dx 1/(x - k) at x = 1 with k in 0..2")[0],
            case .error(let error) = pole.outcome
        else { Issue.record("no error at the pole"); return }
        #expect(error.kind == .math)
        let html = ExploreRenderer.html(pole.outcome)
        #expect(html.contains("MathError"))
    }
}
