import CalculusLanguage
import CalculusSession
import CalculusTestSupport
import Rendering
import Testing

@Suite struct ValueTableTests {
    @Test func rowsColumnsAndUndefinedCells() throws {
        let results = try Session().run("table ln(x), x^2 for x in -1..1 step 0.5")
        guard case .valueTable(let table) = results.first else { Issue.record("no table"); return }
        #expect(table.rows.map(\.x) == [-1, -0.5, 0, 0.5, 1])
        #expect(table.rows[0].values == [nil, 1])
        #expect(table.rows[4].values == [0, 1])
        let text = Renderer.plainText(.valueTable(table))
        #expect(text.hasPrefix("x    │ ln(x)               │ x²"))
        #expect(text.contains("undefined"))
    }

    @Test func derivativesInColumnsAndSteplessRanges() throws {
        let text = try Notebook().run("table d/dx x^3 for x in 0..1")[0]
        #expect(text.split(separator: "\n").count == 2 + 11)
        #expect(text.contains("0.5 │ 0.75"))
    }

    @Test func longTablesAreCutWithACount() throws {
        let text = try Notebook().run("table x for x in 1..1000 step 1")[0]
        #expect(text.hasSuffix("… 800 more rows"))
    }

    @Test func limitsAndBadSteps() {
        #expect(Notebook().error("table x for x in 0..1e9 step 1")?.kind == .limit)
        #expect(Notebook().error("table x for x in 0..1 step -1")?.kind == .math)
    }
}
