import CalculusLanguage

/// Builds a computation graph from an expression at the session's values: leaves for value-bound
/// names, one node per operation, a node per definition named after it (`a1`, `loss`). A name used
/// twice is one node, whose gradient then sums both paths.
public struct GraphBuilder {
    public let environment: Environment
    /// Values that override the environment's (`check … at x = 2`).
    public var overrides: [String: Double]
    /// Writes out derivatives (`d/dx`, `f'`) inside an expression before it is built.
    public var resolve: (Expression) throws(CalculusError) -> Expression
    public var isInterrupted: @Sendable () -> Bool
    /// Graphs larger than this are a `LimitError`.
    public var maximumNodes: Int

    public init(
        environment: Environment, overrides: [String: Double] = [:],
        resolve: @escaping (Expression) throws(CalculusError) -> Expression = { $0 },
        isInterrupted: @escaping @Sendable () -> Bool = { false }, maximumNodes: Int = 5_000_000
    ) {
        self.environment = environment
        self.overrides = overrides
        self.resolve = resolve
        self.isInterrupted = isInterrupted
        self.maximumNodes = maximumNodes
    }

    /// Builds the graph and runs the backward pass.
    public func build(_ expression: Expression) throws(CalculusError) -> ComputationGraph {
        var graph = ComputationGraph()
        var named: [String: Int] = [:]
        var constants: [Double: Int] = [:]
        // Room for every bound name up front: growing the table by rehashing cost more than the lookups.
        named.reserveCapacity(environment.bindings.count + overrides.count)
        let root = try resolve(expression)
        _ = try node(for: root, graph: &graph, named: &named, constants: &constants, expanding: [])
        graph.backward()
        return graph
    }

    /// Post-order over the expression with an explicit stack, so a million-node chain is fine.
    private func node(
        for root: Expression, graph: inout ComputationGraph, named: inout [String: Int], constants: inout [Double: Int],
        expanding: Set<String>
    ) throws(CalculusError) -> Int {
        enum Work { case visit(Expression), combine(Expression) }
        var work: [Work] = [.visit(root)]
        var results: [Int] = []
        let printer = ExpressionPrinter.unicode
        while let item = work.popLast() {
            if graph.nodes.count & 4095 == 4095 {
                if isInterrupted() { throw CalculusError.interruptedByUser }
                if graph.nodes.count > maximumNodes { throw CalculusError(.limit, "the graph has more than \(maximumNodes) nodes") }
            }
            switch item {
            case .visit(let expression):
                switch expression {
                case .number(let value):
                    if let existing = constants[value] { results.append(existing); continue }
                    let id = graph.add(label: NumberFormatting.shortest(value), op: "const", value: value)
                    constants[value] = id
                    results.append(id)
                case .constant(let constant):
                    results.append(graph.add(label: printer.print(expression), op: "const", value: constant.value))
                case .variable(let name):
                    if let existing = named[name] { results.append(existing); continue }
                    let binding = environment.bindings[name]
                    if let value = overrides.isEmpty ? binding?.value : overrides[name] ?? binding?.value {
                        let id = graph.add(label: name, op: "value", value: value, isLeaf: true)
                        named[name] = id
                        results.append(id)
                    } else if let binding {
                        guard !expanding.contains(name) else {
                            throw CalculusError(.name, "\(name) is defined in terms of itself", symbol: name)
                        }
                        let definition = try resolve(binding.expression)
                        let id = try node(for: definition, graph: &graph, named: &named, constants: &constants,
                                          expanding: expanding.union([name]))
                        graph.relabel(id, as: name)
                        named[name] = id
                        results.append(id)
                    } else {
                        throw CalculusError(
                            .name, "\(name) has no value; autograd needs a number for every name (bind \(name) = 2)", symbol: name)
                    }
                case .call:
                    let expanded = try environment.expand(expression, keepingValues: true)
                    work.append(.visit(expanded))
                case .derivative, .prime:
                    work.append(.visit(try resolve(expression)))
                case .negate(let operand):
                    work.append(.combine(expression))
                    work.append(.visit(operand))
                case .binary(_, let left, let right):
                    work.append(.combine(expression))
                    work.append(.visit(right))
                    work.append(.visit(left))
                case .builtin(_, let argument):
                    work.append(.combine(expression))
                    work.append(.visit(argument))
                }
            case .combine(let expression):
                let id: Int
                switch expression {
                case .negate:
                    let a = results.removeLast()
                    id = graph.add(op: "neg", value: -graph.nodes[a].value, input: a, local: -1)
                case .binary(let op, _, let right):
                    let b = results.removeLast()
                    let a = results.removeLast()
                    let (x, y) = (graph.nodes[a].value, graph.nodes[b].value)
                    let value = try NumericEvaluator.apply(op, x, y)
                    let local: (Double, Double)
                    let symbol: String
                    switch op {
                    case .add: (local, symbol) = ((1, 1), "+")
                    case .subtract: (local, symbol) = ((1, -1), "-")
                    case .multiply: (local, symbol) = ((y, x), "*")
                    case .divide: (local, symbol) = ((1 / y, -x / (y * y)), "/")
                    case .power:
                        // d/da a^b = b·a^(b-1); d/db a^b = a^b·ln(a), needed only when b varies.
                        let exponentIsConstant = right.freeVariables.isEmpty
                        let byBase = y == 0 ? 0 : y * Self.power(x, y - 1)
                        let byExponent = exponentIsConstant ? 0 : (x > 0 ? value * Self.logarithm(x) : 0)
                        (local, symbol) = ((byBase, byExponent), "^")
                    }
                    id = graph.add(op: symbol, value: value, inputs: (a, b), locals: local)
                case .builtin(let function, _):
                    let a = results.removeLast()
                    let x = graph.nodes[a].value
                    let value = try function.evaluate(x)
                    id = graph.add(op: function.names[0], value: value, input: a,
                                   local: try Self.localDerivative(function, at: x))
                default:
                    continue
                }
                results.append(id)
            }
        }
        return results.last ?? graph.output
    }

    /// f′(x) for a built-in, from the built-ins table, with the autograd conventions at kinks:
    /// relu′(0) = 0 (as PyTorch), abs′(0) = 0.
    static func localDerivative(_ function: Builtin, at x: Double) throws(CalculusError) -> Double {
        if function == .abs { return x > 0 ? 1 : (x < 0 ? -1 : 0) }
        let evaluator = NumericEvaluator(environment: Environment())
        return try evaluator.evaluate(function.derivative(at: .number(x)))
    }

    static func power(_ x: Double, _ y: Double) -> Double { NumericEvaluator.rawPower(x, y) }
    static func logarithm(_ x: Double) -> Double { NumericEvaluator.rawLogarithm(x) }
}
