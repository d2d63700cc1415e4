import Foundation

/// Takes derivatives for the evaluator; the symbolic engine provides it, so that the language
/// core can evaluate `d/dx E at x = 2` without depending on that engine.
public protocol Differentiator: Sendable {
    func differentiate(_ expression: Expression, variable: String, order: Int) throws(CalculusError) -> Expression
    /// The derivative with respect to a subexpression held as the variable (`dz/d(w*x + b)`).
    func differentiate(_ expression: Expression, bySubexpression held: Expression, order: Int) throws(CalculusError) -> Expression
}

/// Evaluates expressions in doubles. A domain fault (`ln(-1)`, `1/0`, `acos(2)`, overflow) is a
/// `MathError`, never a silent NaN or infinity; a name without a value is a `NameError`.
public struct NumericEvaluator: Sendable {
    public let environment: Environment
    /// Values that take precedence over the environment's (`at x = 2`, a table's running variable).
    public var overrides: [String: Double]
    public var differentiator: Differentiator?
    public var isInterrupted: @Sendable () -> Bool
    /// How many nodes one evaluation may visit before it is a `LimitError` (guards exponential
    /// function nests such as `f2(x) = f1(f1(x))`, `f3(x) = f2(f2(x))`, …).
    public var stepLimit: Int

    private let state = State()

    private final class State: @unchecked Sendable {
        var steps = 0
        var cache: [String: Double] = [:]
        var evaluating: Set<String> = []
    }

    public init(
        environment: Environment, overrides: [String: Double] = [:], differentiator: Differentiator? = nil,
        isInterrupted: @escaping @Sendable () -> Bool = { false }, stepLimit: Int = 50_000_000
    ) {
        self.environment = environment
        self.overrides = overrides
        self.differentiator = differentiator
        self.isInterrupted = isInterrupted
        self.stepLimit = stepLimit
    }

    /// The same evaluator with more overriding values (and a fresh cache).
    public func with(_ more: [String: Double]) -> NumericEvaluator {
        var copy = NumericEvaluator(
            environment: environment, overrides: overrides.merging(more) { $1 }, differentiator: differentiator,
            isInterrupted: isInterrupted, stepLimit: stepLimit)
        copy.stepLimit = stepLimit
        return copy
    }

    public func evaluate(_ expression: Expression) throws(CalculusError) -> Double {
        try evaluate(expression, locals: [:])
    }

    private func tick() throws(CalculusError) {
        state.steps += 1
        if state.steps & 1023 == 0 {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            if state.steps > stepLimit {
                throw CalculusError(.limit, "evaluation took more than \(stepLimit) steps")
            }
        }
    }

    private func evaluate(_ expression: Expression, locals: [String: Double]) throws(CalculusError) -> Double {
        try tick()
        switch expression {
        case .number(let value):
            return value
        case .constant(let constant):
            return constant.value
        case .variable(let name):
            if let value = locals[name] ?? overrides[name] { return value }
            return try value(of: name)
        case .negate(let operand):
            return -(try evaluate(operand, locals: locals))
        case .binary(let op, let left, let right):
            let a = try evaluate(left, locals: locals)
            let b = try evaluate(right, locals: locals)
            return try Self.apply(op, a, b)
        case .builtin(let function, let argument):
            return try function.evaluate(try evaluate(argument, locals: locals))
        case .call(let name, let arguments):
            guard let function = environment.functions[name] else {
                throw CalculusError(.name, "unknown function \(name)\(environment.suggestion(for: name))", symbol: name)
            }
            guard function.parameters.count == arguments.count else {
                throw CalculusError(.syntax, "\(name) takes \(function.parameters.count) arguments, not \(arguments.count)", symbol: name)
            }
            var inner: [String: Double] = [:]
            for (parameter, argument) in zip(function.parameters, arguments) {
                inner[parameter] = try evaluate(argument, locals: locals)
            }
            // Parameters shadow everything; other names in the body mean the session's.
            return try evaluate(function.body, locals: inner)
        case .derivative(let body, let variable, let order):
            guard let differentiator else {
                throw CalculusError(.name, "derivatives are not available in this evaluator")
            }
            let expanded = try environment.expand(
                body.substituting(locals.mapValues(Expression.number).filter { $0.key != variable }), holding: [variable])
            let derivative = try differentiator.differentiate(expanded, variable: variable, order: order)
            return try evaluate(derivative, locals: locals)
        case .derivativeBySubexpression(let body, let held, let order):
            guard let differentiator else {
                throw CalculusError(.name, "derivatives are not available in this evaluator")
            }
            let numbers = locals.mapValues(Expression.number)
            let derivative = try differentiator.differentiate(
                try environment.expand(body.substituting(numbers)), bySubexpression: try environment.expand(held.substituting(numbers)),
                order: order)
            return try evaluate(derivative, locals: locals)
        case .prime(let name, let order, let arguments):
            guard let differentiator, let function = environment.functions[name] else {
                throw CalculusError(.name, "unknown function \(name)\(environment.suggestion(for: name))", symbol: name)
            }
            guard function.parameters.count == 1, arguments.count == 1 else {
                throw CalculusError(.syntax, "\(name)\(String(repeating: "'", count: order)) needs a function of one variable; use ∂/∂x for partial derivatives", symbol: name)
            }
            let parameter = function.parameters[0]
            let body = try environment.expand(function.body)
            let derivative = try differentiator.differentiate(body, variable: parameter, order: order)
            let argument = try evaluate(arguments[0], locals: locals)
            return try evaluate(derivative, locals: [parameter: argument])
        }
    }

    private func value(of name: String) throws(CalculusError) -> Double {
        if let cached = state.cache[name] { return cached }
        guard let binding = environment.bindings[name] else {
            if environment.functions[name] != nil {
                throw CalculusError(.name, "\(name) is a function: call it, as in \(name)(2)", symbol: name)
            }
            let hint = environment.suggestion(for: name)
            throw CalculusError(
                .name, "\(name) has no value\(hint.isEmpty ? "; bind it (\(name) = 2) or give it with at \(name) = 2" : hint)",
                symbol: name)
        }
        if let value = binding.value { return value }
        guard state.evaluating.insert(name).inserted else {
            throw CalculusError(.name, "\(name) is defined in terms of itself", symbol: name)
        }
        defer { state.evaluating.remove(name) }
        let value = try evaluate(binding.expression, locals: [:])
        state.cache[name] = value
        return value
    }

    /// `x^y` with no checks, for local derivatives whose domain was checked by the value itself.
    public static func rawPower(_ x: Double, _ y: Double) -> Double { Foundation.pow(x, y) }
    public static func rawLogarithm(_ x: Double) -> Double { Foundation.log(x) }

    /// One arithmetic operation with its faults named.
    public static func apply(_ op: BinaryOperator, _ a: Double, _ b: Double) throws(CalculusError) -> Double {
        let result: Double
        switch op {
        case .add: result = a + b
        case .subtract: result = a - b
        case .multiply: result = a * b
        case .divide:
            guard b != 0 else { throw CalculusError(.math, "division by zero") }
            result = a / b
        case .power:
            if a == 0 && b < 0 {
                throw CalculusError(.math, "division by zero: 0 to the power \(NumberFormatting.shortest(b))")
            }
            if a < 0 && b != b.rounded() {
                throw CalculusError(
                    .math, "(\(NumberFormatting.shortest(a)))^\(NumberFormatting.shortest(b)) is not a real number")
            }
            result = Foundation.pow(a, b)
        }
        guard result.isFinite else {
            throw CalculusError(.math, "the result overflows a double (it is larger than 1.8e308)")
        }
        return result
    }
}
