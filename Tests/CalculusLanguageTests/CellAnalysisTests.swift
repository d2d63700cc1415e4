import CalculusLanguage
import CalculusSession
import Testing

@Suite struct CellAnalysisTests {
    @Test(arguments: [
        ("1 + 1", CellAnalysis.Completeness.complete),
        ("f(x) = sin(x", .incomplete(indent: "    ")),
        ("x = 1 +", .incomplete(indent: "    ")),
        ("y = x *\n", .incomplete(indent: "    ")),
        ("table d/dx [x,", .incomplete(indent: "    ")),
        ("sin(x))", .invalid),
        ("d/dx )(", .invalid),
        ("(x + 1]", .invalid),
        ("[(x + 1", .incomplete(indent: "    ")),
        ("x y", .invalid),
        ("", .complete),
    ])
    func completeness(_ row: (String, CellAnalysis.Completeness)) {
        #expect(CellAnalysis.completeness(of: row.0) == row.1, "\(row.0)")
    }

    @Test func completesBuiltinsKeywordsAndSessionNames() throws {
        let session = Session()
        _ = try session.run("weight = 2; wobble(x) = x")
        let found = CellAnalysis.completions(in: "y = wo", at: 6, environment: session.environment)
        #expect(found.matches == ["wobble", "wrt"].filter { $0.hasPrefix("wo") })
        #expect(found.start == 4 && found.end == 6)
        #expect(CellAnalysis.completions(in: "we", at: 2, environment: session.environment).matches == ["weight"])
        #expect(CellAnalysis.completions(in: "ba", at: 2, environment: session.environment).matches == ["backward"])
        // Cursor positions count code points: "θ" is one.
        let greek = CellAnalysis.completions(in: "θ + si", at: 6, environment: session.environment)
        #expect(greek.start == 4)
        #expect(greek.matches.contains("sigmoid"))
    }

    @Test func inspectsBuiltinsAndDefinitions() throws {
        let session = Session()
        _ = try session.run("f(x) = x^2 + 1; r = 0.5")
        let sigmoid = try #require(CellAnalysis.documentation(in: "sigmoid", at: 3, environment: session.environment))
        #expect(sigmoid.contains("d/dx sigmoid(u) = sigmoid(u)·(1 - sigmoid(u))·u′"))
        let sin = try #require(CellAnalysis.documentation(in: "sin(", at: 4, environment: session.environment))
        #expect(sin.contains("cos(u)·u′"))
        #expect(CellAnalysis.documentation(in: "f", at: 1, environment: session.environment)?.hasPrefix("f(x) = x² + 1") == true)
        #expect(CellAnalysis.documentation(in: "r", at: 1, environment: session.environment)?.hasPrefix("r = 0.5") == true)
        #expect(CellAnalysis.documentation(in: "nothing", at: 2, environment: session.environment) == nil)
    }
}
