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
        var build = Build(builder: self)
        _ = try build.node(for: try resolve(expression), depth: 0)
        build.graph.backward()
        return build.graph
    }

    /// What to do once an operation's inputs are nodes. Holds no expression, so finishing a node
    /// retains nothing.
    private enum Combine {
        case negate
        case binary(BinaryOperator, exponentIsConstant: Bool)
        case builtin(Builtin)

        init(_ op: BinaryOperator, _ right: Expression) {
            // d/db a^b is needed only when the exponent can vary.
            self = .binary(op, exponentIsConstant: op == .power && right.freeVariables.isEmpty)
        }
    }

    /// The state of one build: the graph so far, node ids by binding slot, by unbound name and by
    /// constant, and which definitions are being built (one met again inside itself is a cycle).
    private struct Build {
        let builder: GraphBuilder
        /// The builder's environment and overrides, held here so that a lookup does not reach through
        /// (and retain) the builder.
        let environment: Environment
        let overrides: [String: Double]
        var graph: ComputationGraph
        /// By the environment's slot: the node of that name, or `Self.unbuilt`, or `Self.building`
        /// while its definition is being built. One cheap hash finds a name's slot; nothing more is hashed.
        var nodeOfSlot: [Int32]
        /// Names with a value given only in `overrides` (`check d/dx x^2 at x = 3` with x unbound).
        var nodeOfUnboundName: [String: Int] = [:]
        var constants: [Double: Int] = [:]
        static let unbuilt: Int32 = -1
        static let building: Int32 = -2

        /// Below this depth the builder recurses: the children of a node are then borrowed from it,
        /// where the explicit stack must copy (and reference count) each one; that was a third of
        /// building an MLP. Deeper subtrees (a million-operation chain) go on the explicit stack.
        static let recursionLimit = 1_000

        init(builder: GraphBuilder) {
            self.builder = builder
            environment = builder.environment
            overrides = builder.overrides
            nodeOfSlot = Array(repeating: Self.unbuilt, count: environment.slotCount)
            graph = ComputationGraph(reservingCapacity: min(Self.reservationLimit, environment.nodesInDefinitions + environment.slotCount))
        }

        /// Room reserved before a build, at most (the expression itself adds little: definitions
        /// are where graphs get big). Growing the node array by doubling copied it about twice over,
        /// 8% of building an MLP; reserved room that a small graph leaves unused is never touched.
        static let reservationLimit = 1 << 20

        mutating func node(for expression: Expression, depth: Int) throws(CalculusError) -> Int {
            if depth >= Self.recursionLimit { return try nodeWithoutRecursion(for: expression) }
            switch expression {
            case .negate(let operand):
                let a = try node(for: operand, depth: depth + 1)
                return try combine(.negate, a, -1)
            case .binary(let op, let left, let right):
                let a = try node(for: left, depth: depth + 1)
                let b = try node(for: right, depth: depth + 1)
                return try combine(Combine(op, right), a, b)
            case .builtin(let function, let argument):
                let a = try node(for: argument, depth: depth + 1)
                return try combine(.builtin(function), a, -1)
            case .call:
                return try node(for: try builder.environment.expand(expression, keepingValues: true), depth: depth + 1)
            case .derivative, .derivativeBySubexpression, .prime:
                return try node(for: try builder.resolve(expression), depth: depth + 1)
            case .number, .constant, .variable:
                return try leaf(expression)
            }
        }

        /// Post-order with an explicit stack, so a million-node chain is fine.
        mutating func nodeWithoutRecursion(for root: Expression) throws(CalculusError) -> Int {
            enum Work { case visit(Expression), combine(Combine) }
            var work: [Work] = [.visit(root)]
            var results: [Int] = []
            while let item = work.popLast() {
                switch item {
                case .visit(let expression):
                    switch expression {
                    case .call:
                        work.append(.visit(try builder.environment.expand(expression, keepingValues: true)))
                    case .derivative, .derivativeBySubexpression, .prime:
                        work.append(.visit(try builder.resolve(expression)))
                    case .negate(let operand):
                        work.append(.combine(.negate))
                        work.append(.visit(operand))
                    case .binary(let op, let left, let right):
                        work.append(.combine(Combine(op, right)))
                        work.append(.visit(right))
                        work.append(.visit(left))
                    case .builtin(let function, let argument):
                        work.append(.combine(.builtin(function)))
                        work.append(.visit(argument))
                    case .number, .constant, .variable:
                        results.append(try leaf(expression))
                    }
                case .combine(let combine):
                    let b = if case .binary = combine { results.removeLast() } else { -1 }
                    let a = results.removeLast()
                    results.append(try self.combine(combine, a, b))
                }
            }
            return results.last ?? graph.output
        }

        /// A number, a constant or a name: a constant or a leaf node, or the node of a definition.
        mutating func leaf(_ expression: Expression) throws(CalculusError) -> Int {
            try checkBudget()
            switch expression {
            case .number(let value):
                if let existing = constants[value] { return existing }
                let id = graph.add(label: nil, operation: .constant, value: value)
                constants[value] = id
                return id
            case .constant(let constant):
                return graph.add(label: ExpressionPrinter.unicode.print(expression), operation: .constant, value: constant.value)
            case .variable(let name):
                let slot = environment.slot(of: name)
                if let slot {
                    switch nodeOfSlot[slot] {
                    case Self.unbuilt: break
                    case Self.building: throw CalculusError(.name, "\(name) is defined in terms of itself", symbol: name)
                    case let id: return Int(id)
                    }
                } else if let existing = nodeOfUnboundName[name] {
                    return existing
                }
                let boundValue = if let slot { environment.value(inSlot: slot) } else { nil as Double? }
                if let value = overrides.isEmpty ? boundValue : overrides[name] ?? boundValue {
                    let id = graph.add(label: name, operation: .value, value: value, isLeaf: true)
                    if let slot { nodeOfSlot[slot] = Int32(id) } else { nodeOfUnboundName[name] = id }
                    return id
                }
                guard let slot, let binding = environment.binding(inSlot: slot) else {
                    throw CalculusError(
                        .name, "\(name) has no value; autograd needs a number for every name (bind \(name) = 2)", symbol: name)
                }
                nodeOfSlot[slot] = Self.building
                // A definition starts its own recursion budget: its nodes come after everything
                // built so far, wherever it is first used.
                var id = try node(for: try builder.resolve(binding.expression), depth: 0)
                if graph.isNamedOrConstant(id) {
                    // `a = x`: a node of its own, or `a` would take `x`'s node and its gradient.
                    id = graph.add(.identity, value: graph.value(of: id), input: id, local: 1)
                }
                graph.relabel(id, as: name)
                nodeOfSlot[slot] = Int32(id)
                return id
            default:
                preconditionFailure("not a leaf: \(expression)")
            }
        }

        /// The node for an operation on nodes `a` (and `b`, for binary operations).
        mutating func combine(_ combine: Combine, _ a: Int, _ b: Int) throws(CalculusError) -> Int {
            try checkBudget()
            let x = graph.value(of: a)
            switch combine {
            case .negate:
                let (value, locals) = try ComputationGraph.apply(.negate, x, 0, exponentIsConstant: false)
                return graph.add(.negate, value: value, input: a, local: locals.0)
            case .binary(let op, let exponentIsConstant):
                let operation = ComputationGraph.Operation.binary(op)
                let (value, locals) = try ComputationGraph.apply(operation, x, graph.value(of: b), exponentIsConstant: exponentIsConstant)
                return graph.add(operation, value: value, inputs: (a, b), locals: locals, exponentIsConstant: exponentIsConstant)
            case .builtin(let function):
                let operation = ComputationGraph.Operation.builtin(function)
                let (value, locals) = try ComputationGraph.apply(operation, x, 0, exponentIsConstant: false)
                return graph.add(operation, value: value, input: a, local: locals.0)
            }
        }

        /// Every 4,096 nodes: stop when interrupted or when the graph is over its size limit.
        @inline(__always)
        func checkBudget() throws(CalculusError) {
            guard graph.count & 4095 == 4095 else { return }
            if builder.isInterrupted() { throw CalculusError.interruptedByUser }
            if graph.count > builder.maximumNodes {
                throw CalculusError(.limit, "the graph has more than \(builder.maximumNodes) nodes")
            }
        }
    }
}
