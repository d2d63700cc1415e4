// calculus-bench: speed figures of the engines, printed as JSON lines so that the Python driver
// (benchmarks/run.sh) can put them beside their peers' (SymPy, micrograd) measured in the same run.
import AutogradEngine
import CalculusLanguage
import CalculusSession
import Rendering
import SymbolicEngine
import JSON
import Threads

#if canImport(Glibc)
import Glibc
#endif

func now() -> Double {
    var time = timespec()
    clock_gettime(CLOCK_MONOTONIC, &time)
    return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
}

/// The mean seconds per run of `body`, in the best of five batches that together take at least
/// `seconds`: on a shared machine the best batch is the one least disturbed (the Python drivers
/// time their peers the same way).
func measure(seconds: Double = 1.0, _ body: () throws -> Void) rethrows -> Double {
    try body()  // warm up
    var best = Double.infinity
    for _ in 0..<5 {
        var runs = 0
        let start = now()
        var elapsed = 0.0
        repeat {
            try body()
            runs += 1
            elapsed = now() - start
        } while elapsed < seconds / 5
        best = min(best, elapsed / Double(runs))
    }
    return best
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

/// Fixed work for profilers and `perf stat`: one symbolic row, differentiated `times` times.
func repeatSymbolic(_ name: String, times: Int) throws {
    guard let (_, source) = symbolicRows.first(where: { $0.0 == name }) else { return }
    let expression = try Parser.parseExpression(source)
    for _ in 0..<times { _ = try SymbolicDifferentiator().derivation(of: expression, variable: "x", order: 1) }
}

/// A chain of `operations` operations on x (alternating *, +, relu-free arithmetic), as in autograd_bench.py.
func chainExpression(operations: Int) -> Expression {
    var expression = Expression.variable("x")
    for index in 0..<operations {
        switch index % 4 {
        case 0: expression = .binary(.multiply, expression, .number(0.999))
        case 1: expression = .binary(.add, expression, .number(0.001))
        case 2: expression = .binary(.multiply, expression, .variable("x"))
        default: expression = .binary(.divide, expression, .variable("x"))
        }
    }
    return expression
}

/// micrograd's MLP(16, [32, 32, 1]) on one sample: relu hidden layers, a linear output, squared error.
/// Weights are value bindings and each neuron a named definition, so shared activations are shared nodes.
func mlpEnvironment() throws -> (Environment, Expression) {
    var environment = Environment()
    var random = 42 as UInt64
    func next() -> Double {
        random = random &* 6364136223846793005 &+ 1442695040888963407
        return Double(random >> 11) / Double(1 << 53) * 2 - 1
    }
    for i in 0..<16 { try environment.bind("x\(i)", to: .number(next())) }
    var inputs = (0..<16).map { Expression.variable("x\($0)") }
    let sizes = [32, 32, 1]
    for (layer, size) in sizes.enumerated() {
        var outputs: [Expression] = []
        for j in 0..<size {
            var sum = Expression.variable("b\(layer)_\(j)")
            try environment.bind("b\(layer)_\(j)", to: .number(0))
            for (i, input) in inputs.enumerated() {
                let weight = "w\(layer)_\(j)_\(i)"
                try environment.bind(weight, to: .number(next()))
                sum = .binary(.add, sum, .binary(.multiply, .variable(weight), input))
            }
            let name = "h\(layer)_\(j)"
            try environment.bind(name, to: layer == sizes.count - 1 ? sum : .builtin(.relu, sum))
            outputs.append(.variable(name))
        }
        inputs = outputs
    }
    try environment.bind("target", to: .number(1))
    return (environment, .binary(.power, .binary(.subtract, inputs[0], .variable("target")), .number(2)))
}

func benchmarkAutograd() throws {
    var session = Environment()
    try session.bind("x", to: .number(1.0001))
    let chain = chainExpression(operations: 100_000)
    var nodes = 0
    let chainSeconds = try measure(seconds: 1) { nodes = try GraphBuilder(environment: session).build(chain).nodes.count }
    report(["benchmark": "\"autograd\"", "name": "\"100,000-op chain\"", "nodes": "\(nodes)", "seconds": "\(chainSeconds)",
            "bytes_per_node": "\(ComputationGraph.bytesPerNode)"])
    let (environment, loss) = try mlpEnvironment()
    let mlpSeconds = try measure(seconds: 1) { nodes = try GraphBuilder(environment: environment).build(loss).nodes.count }
    report(["benchmark": "\"autograd\"", "name": "\"MLP(16, [32, 32, 1])\"", "nodes": "\(nodes)", "seconds": "\(mlpSeconds)"])
    // A training step after the first (what `descend` does): the built graph runs again at a new
    // sample, forward and backward, with no expression read and no name looked up.
    var graph = try GraphBuilder(environment: environment).build(loss)
    let inputs = (0..<16).map { graph.leaf(named: "x\($0)")! }
    var sample = 0.0
    let stepSeconds = try measure(seconds: 1) {
        sample += 1
        try graph.reevaluate(setting: inputs.enumerated().map { (id: $1, value: Glibc.sin(sample + Double($0))) })
    }
    report(["benchmark": "\"autograd\"", "name": "\"MLP(16, [32, 32, 1]), step on the built graph\"", "nodes": "\(graph.count)",
            "seconds": "\(stepSeconds)"])
}

/// Rendering: a 500-node computation graph (`graph` and `backward`) and a 2,000-point plot, each
/// from its result to its full mime bundle. Goal: under 50 ms each.
func benchmarkRendering() throws {
    let session = Session()
    // About 500 nodes: x and w, then 100 terms of sin(k·x)·w (the constant k, ·, sin, ·w, +: 5 nodes each).
    let terms = (1...100).map { "sin(\($0)x)*w" }.joined(separator: " + ")
    let graphResults = try session.run("x = 0.5; w = 1.5; graph \(terms); backward \(terms)")
    for result in graphResults {
        guard case .gradient(let gradient) = result else { continue }
        let seconds = measure(seconds: 0.5) { _ = Renderer.render(result) }
        report(["benchmark": "\"render\"", "name": "\"\(gradient.kind.rawValue), \(gradient.graph.nodes.count)-node graph\"",
                "seconds": "\(seconds)", "goal_seconds": "0.05"])
    }
    let plot = try session.run("plot sin(x), d/dx sin(x) for x in 0..2 step 0.001")[0]
    guard case .plot(let data) = plot else { return }
    let render = measure(seconds: 0.5) { _ = Renderer.render(plot) }
    report(["benchmark": "\"render\"", "name": "\"plot, 2 curves of \(data.sampleCount) points\"", "seconds": "\(render)", "goal_seconds": "0.05"])
    let sampling = try measure(seconds: 0.5) { _ = try session.run("plot sin(x), d/dx sin(x) for x in 0..2 step 0.001") }
    report(["benchmark": "\"render\"", "name": "\"plot, sampling and rendering\"", "seconds": "\(sampling)", "goal_seconds": "0.05"])
}

/// `dL/dw` through a chain of `links` named links (`a1 = sin(w*x)`, `a2 = a1*w + 1`, …, `L = a<links>`),
/// from the cell to its full mime bundle, steps included: the row benchmarks/chain_bench.py puts
/// beside SymPy substituting the definitions and differentiating.
func benchmarkChain(links: Int) throws {
    let session = Session()
    let definitions = ["x = 0.5", "w = 0.9", "a1 = sin(w*x)"] + (2...links).map { "a\($0) = a\($0 - 1)*w + 1" } + ["L = a\(links)"]
    _ = try session.run(definitions.joined(separator: "\n"))
    var bytes = 0
    let seconds = try measure(seconds: 1) {
        let results = try session.run("dL/dw")
        guard case .display(let output) = Renderer.render(results[0]) else { return }
        bytes = output.data.values.reduce(0) { $0 + ($1.stringValue?.utf8.count ?? $1.serialized().count) }
    }
    report(["benchmark": "\"chain\"", "links": "\(links)", "seconds": "\(seconds)", "bundle_bytes": "\(bytes)"])
}

/// The high-precision path's cost: a derivative's value where double precision cancels (settled
/// with MPFR) beside the same cell where it does not, each from the cell to its result.
func benchmarkPrecision() throws {
    let session = Session()
    for (name, cell) in [("cancelling: (1 - cos(x))/x^2 at x = 1e-5", "d/dx (1 - cos(x))/x^2 at x = 1e-5"),
                         ("ordinary: the same at x = 0.5", "d/dx (1 - cos(x))/x^2 at x = 0.5"),
                         ("seed: d/dz sigmoid(z) at z = 0", "d/dz sigmoid(z) at z = 0")] {
        let seconds = try measure(seconds: 0.5) { _ = try session.run(cell) }
        report(["benchmark": "\"precision\"", "name": "\"\(name)\"", "seconds": "\(seconds)"])
    }
}

/// The loss of the Hessian row: a 10-weight sigmoid unit's squared error plus weight decay.
let tenWeightLoss = "(sigmoid(0.5w1 - 0.3w2 + 0.8w3 - 0.1w4 + 0.6w5 - 0.7w6 + 0.2w7 + 0.9w8 - 0.4w9 + 0.35w10) - 1)^2 + "
    + "0.01(w1^2 + w2^2 + w3^2 + w4^2 + w5^2 + w6^2 + w7^2 + w8^2 + w9^2 + w10^2)"

/// Applications of the derivative, each from the cell to its full mime bundle with steps and picture:
/// the rows benchmarks/applications_bench.py puts beside sympy.series and sympy.hessian.
func benchmarkApplications() throws {
    let weights = (1...10).map { "w\($0)" }.joined(separator: ", ")
    for (name, cell) in [("taylor tan(x) at x = 0 order 20", "taylor tan(x) at x = 0 order 20"),
                         ("hessian of a 10-weight loss", "hessian \(tenWeightLoss) wrt \(weights)")] {
        let session = Session()
        var bytes = 0
        var plainText = ""
        // The JSON is serialized in the loop, as the kernel does to send it; the result's length is read after.
        let seconds = try measure(seconds: 1) {
            let results = try session.run(cell)
            guard case .display(let output) = Renderer.render(results[0]) else { return }
            bytes = output.data.values.reduce(0) { $0 + ($1.stringValue?.utf8.count ?? $1.serialized().count) }
            plainText = output.plainText
        }
        let first = plainText.split(separator: "\n").first.map(String.init) ?? ""
        let computing = try measure(seconds: 0.5) { _ = try session.run(cell) }
        report(["benchmark": "\"applications\"", "name": "\"\(name)\"", "seconds": "\(seconds)", "bundle_bytes": "\(bytes)",
                "result_characters": "\(first.count)", "computing_seconds": "\(computing)"])
    }
}

let arguments = CommandLine.arguments.dropFirst()
let which = arguments.first ?? "all"
// As the kernel and `run` do: freed memory stays mapped until the process is idle.
FreeMemory.keepFreedPagesUntilIdle()
try OSThread.runWithLargeStack { () throws -> Void in
    if which == "parse" || which == "all" { try benchmarkParsePrint() }
    if which == "symbolic" || which == "all" { try benchmarkSymbolic(arguments.dropFirst().first) }
    if which == "autograd" || which == "all" { try benchmarkAutograd() }
    if which == "repeat" { try repeatSymbolic(arguments.dropFirst().first ?? "", times: Int(arguments.dropFirst(2).first ?? "") ?? 1000) }
    if which == "mlp" { let (environment, loss) = try mlpEnvironment(); for _ in 0..<3000 { _ = try GraphBuilder(environment: environment).build(loss) } }
    if which == "render" || which == "all" { try benchmarkRendering() }
    if which == "precision" { try benchmarkPrecision() }
    if which == "applications" { try benchmarkApplications() }
    if which == "chain" { try benchmarkChain(links: Int(arguments.dropFirst().first ?? "1000") ?? 1000) }
    if which == "deep" {
        let depth = Int(arguments.dropFirst().first ?? "2000") ?? 2000
        let expression = try Parser.parseExpression(String(repeating: "sin(", count: depth) + "x" + String(repeating: ")", count: depth))
        let start = now()
        let derivation = try SymbolicDifferentiator().derivation(of: expression, variable: "x", order: 1)
        report(["benchmark": "\"deep\"", "depth": "\(depth)", "seconds": "\(now() - start)", "nodes": "\(derivation.result.nodeCount)"])
    }
}
