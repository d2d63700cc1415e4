import CalculusFuzzing
import Foundation
import Testing

/// Every input the fuzzer was seeded with, and every crash it ever found (fuzz/crashes, each
/// fixed), through the fuzz harness: parse, evaluate, differentiate, autograd, every renderer,
/// JSON. The harness checks the output contract itself and traps on a violation.
@Suite struct FuzzCorpusTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    static func inputs(in folder: String) throws -> [URL] {
        let url = root.appendingPathComponent(folder)
        return try FileManager.default.contentsOfDirectory(atPath: url.path).sorted()
            .filter { !$0.hasPrefix(".") }.map { url.appendingPathComponent($0) }
    }

    @Test func seedCorpusRunsThroughEveryLayer() throws {
        let files = try Self.inputs(in: "fuzz/corpus")
        #expect(files.count >= 100)
        var results = 0
        for file in files { results += FuzzHarness.run(Array(try Data(contentsOf: file))).results }
        // The seeds are mostly real cells: most of them give results, not errors.
        #expect(results > files.count)
    }

    @Test func everyCrashFoundStaysFixed() throws {
        for file in try Self.inputs(in: "fuzz/crashes") where file.lastPathComponent != "README.md" {
            let outcome = FuzzHarness.run(Array(try Data(contentsOf: file)))
            #expect(outcome.results + outcome.errors.count > 0, "\(file.lastPathComponent)")
        }
    }

    @Test func theHarnessInterruptsALongCell() {
        let slow = Array("f0(x) = x + 1\n".utf8) + (1...40).flatMap { Array("f\($0)(x) = f\($0 - 1)(f\($0 - 1)(x))\n".utf8) }
            + Array("f40(1)".utf8)
        let began = ContinuousClock.now
        let outcome = FuzzHarness.run(slow)
        #expect(outcome.errors.first == .interrupted || outcome.errors.first == .limit)
        #expect(ContinuousClock.now - began < .seconds(5))
    }
}
