import CalculusLanguage
import SymbolicEngine

/// `layers N E at u = a`: what a deep chain does to a gradient. Each layer applies E to the previous
/// layer's output; its local derivative is E′ there (from the symbolic engine), and the gradient
/// reaching the first input after k layers is the product of the first k local derivatives
/// (the chain rule, layer by layer).
public struct LayersResult: Sendable, Equatable {
    public struct Layer: Sendable, Equatable {
        public var index: Int
        public var input: Double
        public var output: Double
        public var localDerivative: Double
        /// ∂(this layer's output)/∂(the first input): the local derivatives multiplied so far.
        public var product: Double
    }

    public var expression: Expression
    public var variable: String
    /// E′, the local derivative as an expression.
    public var derivative: Expression
    public var layers: [Layer]
}

/// `descend loss wrt w, b rate r for N steps`: gradient descent on value-bound names, every step's
/// values, gradients and loss; the names keep their final values.
public struct DescentResult: Sendable, Equatable {
    public struct Step: Sendable, Equatable {
        public var index: Int
        public var values: [Double]
        public var gradients: [Double]
        public var loss: Double
    }

    public var loss: Expression
    public var names: [String]
    public var rate: Double
    /// Step 0 is the start; step k is after k updates.
    public var steps: [Step]
}

extension Session {
    public static let maximumLayers = 10_000
    public static let maximumDescentSteps = 100_000

    func layers(
        count: Int, _ body: Expression, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> LayersResult {
        guard count >= 1, count <= Self.maximumLayers else {
            throw CalculusError(.limit, "layers takes 1 to \(Self.maximumLayers) layers, not \(count)")
        }
        guard let variable = assignments.first?.name else { throw CalculusError(.syntax, "give the starting value, as in at u = 0.5") }
        let base = evaluator(environment, isInterrupted)
        let given = try values(of: assignments, with: base)
        let resolved = try resolve(body, in: environment, isInterrupted: isInterrupted)
        let derivative = try SymbolicDifferentiator(isInterrupted: isInterrupted).differentiate(resolved, variable: variable, order: 1)
        var input = given[variable]!
        var product = 1.0
        var layers: [LayersResult.Layer] = []
        layers.reserveCapacity(count)
        for index in 1...count {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            let at = base.with(given.merging([variable: input]) { $1 })
            let output = try at.evaluate(resolved)
            let local = try at.evaluate(derivative)
            product *= local
            layers.append(LayersResult.Layer(index: index, input: input, output: output, localDerivative: local, product: product))
            input = output
        }
        return LayersResult(expression: body, variable: variable, derivative: derivative, layers: layers)
    }

    func descend(
        _ loss: Expression, names: [String], rate rateExpression: Expression, steps count: Int,
        in environment: inout Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> DescentResult {
        guard count >= 1, count <= Self.maximumDescentSteps else {
            throw CalculusError(.limit, "descend takes 1 to \(Self.maximumDescentSteps) steps, not \(count)")
        }
        let rate = try evaluator(environment, isInterrupted).evaluate(rateExpression)
        var point: [String: Double] = [:]
        for name in names {
            guard let value = environment.value(of: name) else {
                throw CalculusError(.name, "\(name) needs a starting value to descend from, as in \(name) = 0.5", symbol: name)
            }
            point[name] = value
        }
        var steps: [DescentResult.Step] = []
        steps.reserveCapacity(count + 1)
        // The graph is built once; each later step runs it again at the moved values (same numbers
        // as a rebuild, without reading the loss's definitions again).
        var graph = try autograd(loss, in: environment, overrides: point, isInterrupted: isInterrupted)
        let leaves = names.map { graph.leaf(named: $0) }
        for index in 0...count {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            if index > 0 {
                let moved = zip(leaves, names).compactMap { leaf, name in leaf.map { (id: $0, value: point[name]!) } }
                try graph.reevaluate(setting: moved, isInterrupted: isInterrupted)
            }
            let gradients = names.map { graph.gradient(of: $0) }
            let lossValue = graph.nodes.last?.value ?? 0
            guard lossValue.isFinite else {
                throw CalculusError(.math, "the loss is no longer finite at step \(index) (the rate \(NumberFormatting.shortest(rate)) may be too large)")
            }
            steps.append(DescentResult.Step(index: index, values: names.map { point[$0]! }, gradients: gradients, loss: lossValue))
            if index < count {
                for (name, gradient) in zip(names, gradients) { point[name]! -= rate * gradient }
            }
        }
        // Only a finished descent moves the names (a failed or interrupted one changes nothing).
        for name in names { try environment.bind(name, to: .number(point[name]!)) }
        return DescentResult(loss: loss, names: names, rate: rate, steps: steps)
    }
}
