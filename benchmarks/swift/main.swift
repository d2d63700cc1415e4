// calculus-bench: speed figures of the engines, printed as JSON lines so that the Python driver
// (benchmarks/run.sh) can put them beside their peers' (SymPy, micrograd) measured in the same run.
import CalculusLanguage
import SymbolicEngine
import Threads

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// Runs `body` repeatedly for at least `seconds` and returns the mean seconds per run.
func measure(seconds: Double = 1.0, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm up
    var runs = 0
    let start = now()
    var elapsed = 0.0
    repeat {
        try body()
        runs += 1
        elapsed = now() - start
    } while elapsed < seconds
    return elapsed / Double(runs)
}

func report(_ fields: [String: String]) {
    let body = fields.keys.sorted().map { "\"\($0)\": \(fields[$0]!)" }.joined(separator: ", ")
    print("{\(body)}")
}

/// A 10,000-node expression: a sum of terms like `3.5x²·sin(w1 + 2) - e^(-x/4)` with varied names.
func largeExpressionSource(nodes: Int) -> String {
    var terms: [String] = []
    var index = 0
    var count = 0
    while count < nodes {
        let term = "\(index % 7 + 1).5x\(index % 5)²·sin(w\(index % 3) + \(index % 11)) - e^(-x/\(index % 4 + 1))"
        terms.append("(\(term))")
        count += (try? Parser.parseExpression(term).nodeCount) ?? 12
        index += 1
    }
    return terms.joined(separator: " + ")
}

func benchmarkParsePrint() throws {
    let source = largeExpressionSource(nodes: 10_000)
    let expression = try Parser.parseExpression(source)
    let nodes = expression.nodeCount
    let parse = try measure { _ = try Parser.parseExpression(source) }
    let printUnicode = measure { _ = ExpressionPrinter.unicode.print(expression) }
    let roundTrip = try measure { _ = try Parser.parseExpression(ExpressionPrinter.unicode.print(expression)) }
    report([
        "benchmark": "\"parse+print\"", "nodes": "\(nodes)", "characters": "\(source.count)",
        "parse_per_second": "\(1 / parse)", "print_per_second": "\(1 / printUnicode)",
        "parse_and_print_per_second": "\(1 / roundTrip)", "nodes_per_second": "\(Double(nodes) / roundTrip)",
    ])
}

/// The symbolic rows, each the same input SymPy gets in benchmarks/symbolic_bench.py.
let symbolicRows: [(String, String)] = [
    ("seed (3x+1)^2", "(3x+1)^2"), ("seed sin(x^2)", "sin(x^2)"), ("seed sin(cos x)", "sin(cos(x))"),
    ("seed e^(2x)", "e^(2x)"), ("seed sigmoid(x)", "sigmoid(x)"), ("seed (2x+1)^3", "(2x+1)^3"), ("seed e^(x^2)", "e^(x^2)"),
    ("50-deep nest", String(repeating: "sin(", count: 50) + "x" + String(repeating: ")", count: 50)),
    ("30-factor product", (1...30).map { "(x + \($0))" }.joined(separator: "*")),
    ("200-term sum", (1...200).map { "\($0)*x^\($0 % 7 + 1)*sin(\($0)*x)" }.joined(separator: " + ")),
]

func benchmarkSymbolic(_ only: String?) throws {
    for (name, source) in symbolicRows where only == nil || name == only {
        let expression = try Parser.parseExpression(source)
        let differentiator = SymbolicDifferentiator()
        let seconds = try measure(seconds: 0.5) { _ = try differentiator.derivation(of: expression, variable: "x", order: 1) }
        report(["benchmark": "\"symbolic\"", "name": "\"\(name)\"", "seconds": "\(seconds)"])
    }
}

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
try OSThread.runWithLargeStack { () throws -> Void in
    if which == "parse" || which == "all" { try benchmarkParsePrint() }
    if which == "symbolic" || which == "all" { try benchmarkSymbolic(nil) }
    if which == "deep" {
        let depth = Int(arguments.dropFirst().first ?? "2000") ?? 2000
        let expression = try Parser.parseExpression(String(repeating: "sin(", count: depth) + "x" + String(repeating: ")", count: depth))
        let start = now()
        let derivation = try SymbolicDifferentiator().derivation(of: expression, variable: "x", order: 1)
        report(["benchmark": "\"deep\"", "depth": "\(depth)", "seconds": "\(now() - start)", "nodes": "\(derivation.result.nodeCount)"])
    }
}
