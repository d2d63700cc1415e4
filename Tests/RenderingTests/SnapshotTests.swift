import CalculusSession
import Foundation
import JSON
import Rendering
import Testing
import Threads

/// Every mime of a fixed set of results, compared with the files in `Snapshots/` (SVG as text).
/// A renderer change that alters any output fails here; review the new pictures (scripts/
/// review_snapshots.sh makes PNGs of them), then record with `RECORD_SNAPSHOTS=1 swift test`.
@Suite struct SnapshotTests {
    static let cases: [(name: String, cell: String)] = [
        ("value", "x^2 + 1 at x = 2"),
        ("derivative-sin-x2", "d/dx sin(x^2)"),
        ("derivative-nested-chain", "d/dx sin(cos(tan(x^2+1)))"),
        ("derivative-at", "d/dz sigmoid(z) at z = 0"),
        ("simplify", "simplify x*x + 2x*x"),
        ("chain-rule-table", "table d/dx [(3x+1)^2, sin(x^2), e^(2x)]"),
        ("value-table", "table sin(x), ln(x) for x in -0.5..1 step 0.5"),
        ("grad", "x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; grad loss wrt w"),
        ("backward", "x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; backward loss"),
        ("graph", "z = 2; a1 = relu(z); a2 = sigmoid(a1); loss = (a2 - 0.8)^2; graph loss"),
        ("graph-large", "x = 0.5; graph " + (1...80).map { "sin(\($0)x)" }.joined(separator: " + ")),
        ("plot-activation", "plot sigmoid(x), d/dx sigmoid(x) for x in -6..6"),
        ("plot-poles", "plot tan x, 1/x, ln x for x in -5..5"),
        ("layers", "layers 20 sigmoid(u) at u = 0.5"),
        ("descend", "x = 1.5; y = 0.8; w = 0.2; b = 0; loss = (sigmoid(w*x + b) - y)^2; descend loss wrt w, b rate 2 for 30 steps"),
        ("check-answer", "check d/dx x^3 = 3x"),
        ("check-at", "check d/dz sigmoid(z) at z = 0"),
        ("print", #"print "value", 1 + 1"#),
    ]

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Snapshots")

    /// The last result of a cell, every mime in order, JSON pretty-printed with sorted keys.
    static func snapshot(of cell: String) throws -> String {
        let results = try OSThread.runWithLargeStack { try Session().run(cell) }
        guard let last = results.last else { return "(no output)\n" }
        switch Renderer.render(last) {
        case .stream(let text):
            return "=== stream stdout ===\n\(text)"
        case .display(let output):
            return output.data.keys.sorted().map { mime in
                let value = output.data[mime]!
                let text = value.stringValue ?? value.prettySerialized()
                return "=== \(mime) ===\n\(text)\(text.hasSuffix("\n") ? "" : "\n")"
            }.joined()
        }
    }

    @Test(arguments: cases.map(\.name))
    func matchesTheRecordedSnapshot(name: String) throws {
        let cell = Self.cases.first { $0.name == name }!.cell
        let actual = try Self.snapshot(of: cell)
        let file = Self.directory.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
            try FileManager.default.createDirectory(at: Self.directory, withIntermediateDirectories: true)
            try actual.write(to: file, atomically: true, encoding: .utf8)
            return
        }
        guard let expected = try? String(contentsOf: file, encoding: .utf8) else {
            Issue.record("no snapshot \(file.lastPathComponent); record it with RECORD_SNAPSHOTS=1 swift test --filter SnapshotTests")
            return
        }
        if actual != expected {
            let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
            let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset ?? min(actualLines.count, expectedLines.count)
            let got = first < actualLines.count ? String(actualLines[first]) : "(end)"
            let want = first < expectedLines.count ? String(expectedLines[first]) : "(end)"
            Issue.record("\(name) differs from its snapshot at line \(first + 1):\n  got:  \(got.prefix(300))\n  want: \(want.prefix(300))")
        }
    }

    @Test func errorsCarryTheMessageAndACaretInTheTraceback() throws {
        do {
            _ = try Session().run("x = 1\nd/dx sine(x)")
            Issue.record("no error")
        } catch {
            let rendered = ErrorRenderer.render(error, cell: "x = 1\nd/dx sine(x)", colored: false)
            #expect(rendered.name == "NameError")
            #expect(rendered.traceback == [
                "NameError: unknown function sine (did you mean sin?)",
                "  line 2 | d/dx sine(x)",
                "         |      ^~~~",
            ])
            let colored = ErrorRenderer.render(error, cell: "x = 1\nd/dx sine(x)")
            #expect(colored.traceback[0].hasPrefix("\u{1B}[0;31mNameError\u{1B}[0m: "))
        }
    }

    /// JupyterLab shows the richest member it can (HTML, then Markdown, then LaTeX, then SVG), and in
    /// a notebook it did not run itself (untrusted) it strips inline `<svg>` from HTML and does not
    /// render `image/svg+xml`: every picture is an image by data URI in the HTML, with alt text, and
    /// SVG beside it for tools; no inline `<svg>` in any HTML.
    @Test func bundleMembersAreChosenForWhatJupyterLabShows() throws {
        func output(_ cell: String) throws -> RenderedOutput {
            guard case .display(let output) = Renderer.render(try Session().run(cell).last!) else { throw CancellationError() }
            return output
        }
        let pictures = [
            "x = 1; graph sin(x)", "plot x for x in 0..1", "x = 1; backward sin(x)", "layers 3 sigmoid(u) at u = 0.5",
            "w = 1; descend (w - 2)^2 wrt w rate 0.1 for 3 steps", "x = 1; u = x^2; y = sin(u); chain y wrt x",
        ]
        for cell in pictures {
            let data = try output(cell).data
            let html = try #require(data["text/html"]?.stringValue, "\(cell)")
            #expect(html.contains("<img src=\"data:image/svg+xml;base64,") && html.contains(" alt=\""), "\(cell)")
            #expect(!html.contains("<svg"), "\(cell)")
            #expect(data["image/svg+xml"]?.stringValue?.hasPrefix("<svg") == true, "\(cell)")
            #expect(data["text/markdown"] == nil || cell.contains("backward"), "\(cell)")
        }
        let derivative = Set(try output("d/dx x^2").data.keys)
        #expect(derivative.isSuperset(of: ["text/markdown", "text/latex", "text/plain"]) && !derivative.contains("text/html"))
        // LaTeX members are delimited, or front ends show them as source.
        for cell in ["d/dx x^2", "x = 1; grad x^2 wrt x", "simplify x + x"] {
            let output = try output(cell)
            if let latex = output.data["text/latex"]?.stringValue { #expect(latex.hasPrefix("$") && latex.hasSuffix("$")) }
        }
    }

    /// What a browser is sent stays small however large the derivation: steps over the display
    /// budget are summarised, an answer over it is not typeset, the plain text keeps the answer.
    @Test func derivationsTooLargeToShowAreSummarised() throws {
        func output(_ cell: String) throws -> RenderedOutput {
            let result = try OSThread.runWithLargeStack { try Session().run(cell).last! }
            guard case .display(let output) = Renderer.render(result) else { throw CancellationError() }
            return output
        }
        // Sixteen orders of steps hold megabytes of expressions; the answer itself is a few thousand nodes.
        let high = try output("d^16/dx^16 tan(x)*sigmoid(x)")
        let markdown = try #require(high.data["text/markdown"]?.stringValue)
        #expect(markdown.hasPrefix("(32 steps, too long to show"))
        #expect(markdown.contains("**Answer:** $\\frac{d^{16}}{dx^{16}}"))
        #expect(high.plainText.contains("32768sec(x)²·tan(x)¹⁵·sigmoid(x)"))
        let json = try #require(high.data["application/vnd.calculus.derivative+json"])
        #expect(json["steps"] == [] && json["steps_omitted"] == true)
        for (mime, value) in high.data {
            #expect(value.serialized().count < 100_000, "\(mime)")
        }
        // A 120-factor product's derivative is over the budget itself: typeset mimes name it instead.
        let product = (1...120).map { "(x + \($0))" }.joined(separator: "*")
        let large = try output("d/dx " + product)
        #expect(large.data["text/latex"]?.stringValue?.contains("an expression of over 20000 nodes") == true)
        #expect(large.plainText.count > 100_000)
        // A small derivation keeps everything, and says nothing of omissions.
        let small = try output("d/dx sin(x^2)")
        #expect(small.data["application/vnd.calculus.derivative+json"]?["steps_omitted"] == nil)
    }

    /// The JSON of a large backward pass lists the 5,000 nodes nearest the output and counts the rest.
    @Test func largeGraphsListTheirNodesNearestTheOutput() throws {
        let sum = (1...2000).map { "sin(\($0)x)" }.joined(separator: " + ")
        let result = try OSThread.runWithLargeStack { try Session().run("x = 0.5; backward " + sum).last! }
        guard case .display(let output) = Renderer.render(result) else { throw CancellationError() }
        let json = try #require(output.data["application/vnd.calculus.gradient+json"])
        // 2,000 terms of const, multiply and sin, 1,999 additions and the leaf x: 8,000 nodes.
        #expect(json["nodes_omitted"] == 3000)
        guard case .array(let nodes) = json["nodes"] else { throw CancellationError() }
        #expect(nodes.count == 5000)
        #expect(nodes.first?["id"] == 3000 && nodes.last?["id"] == 7999)
        #expect(output.data["text/html"]?.stringValue?.contains("more rows") == true)
    }
}
