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
        var lostDigits = false
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

    /// One overriding value changed in place, with the cache and counts of a fresh evaluator: for
    /// sampling a curve point by point, where building an evaluator per point was most of the time.
    public mutating func setValue(_ value: Double, of name: String) {
        overrides[name] = value
        state.cache.removeAll(keepingCapacity: true)
        state.evaluating.removeAll(keepingCapacity: true)
        state.steps = 0
        state.lostDigits = false
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
            if let stable = try stableValue(of: expression, locals: locals) { return stable }
            let a = try evaluate(left, locals: locals)
            let b = try evaluate(right, locals: locals)
            if op == .divide, b == 0, right.contains(where: { if case .builtin(.sqrt, _) = $0 { true } else { false } }) {
                throw CalculusError(.math, "the derivative of sqrt is unbounded at 0: sqrt has a vertical tangent there", symbol: "sqrt")
            }
            let result = try Self.apply(op, a, b)
            if op == .add || op == .subtract { noteCancellation(result, a, b) }
            return result
        case .builtin(let function, let argument):
            if let stable = try stableValue(of: expression, locals: locals) { return stable }
            let u = try evaluate(argument, locals: locals)
            let value = try function.evaluate(u)
            noteAmplification(function, u, value)
            return value
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

    // MARK: Numbers you can trust

    /// Whether this evaluation lost digits: a sum or difference cancelled most of them (`1 - cos(x)`
    /// near 0), or a trigonometric function magnified its argument's rounding (`sin(u)` near a
    /// multiple of π, with u large). Its double result cannot vouch for the digits it would print,
    /// and a precise evaluation should decide them. One comparison per operation: ordinary cells pay
    /// nothing else.
    public var lostDigits: Bool { state.lostDigits }

    /// Flags a sum whose result is more than 2^20 (about a million) times smaller than its larger
    /// operand: a third or more of a double's 53 bits are gone.
    @inline(__always)
    private func noteCancellation(_ result: Double, _ a: Double, _ b: Double) {
        let larger = Swift.max(Swift.abs(a), Swift.abs(b))
        if Swift.abs(result) * 1_048_576 < larger { state.lostDigits = true }
    }

    /// Flags sin, cos, tan and their reciprocals where the result is more than about a thousand times
    /// more sensitive than its argument (a relative error in u grows by |u·f′(u)/f(u)|): near a zero
    /// or a pole, with |u| over 1,024 times the smaller of |f(u)| and 1/|f(u)|.
    @inline(__always)
    private func noteAmplification(_ function: Builtin, _ u: Double, _ value: Double) {
        switch function {
        case .sin, .cos, .tan, .sec, .csc, .cot:
            let magnitude = Swift.abs(value)
            if Swift.abs(u) > 1024 * Swift.min(magnitude, 1 / magnitude) { state.lostDigits = true }
        default:
            break
        }
    }

    /// The value of a shape whose textbook form cancels or overflows in floating point, computed the
    /// stable way (the steps still show the textbook form): `1 - σ(u)` is `σ(-u)`, `1 - tanh(u)²` is
    /// `1/cosh(u)²`, `ln(σ(u))` is `-softplus(-u)`, `ln(1 + E)` is `log1p(E)`, `ln(1 + e^u)` is
    /// `softplus(u)`, `e^E - 1` is `expm1(E)`; and `u/abs(u)`, abs′, has no value at 0. Nil for any
    /// other shape.
    private func stableValue(of expression: Expression, locals: [String: Double]) throws(CalculusError) -> Double? {
        switch expression {
        case .binary(.subtract, .number(1), .builtin(.sigmoid, let u)):
            return try Builtin.sigmoid.evaluate(-(try evaluate(u, locals: locals)))
        case .binary(.subtract, .number(1), .binary(.power, .builtin(.tanh, let u), .number(2))):
            // sech²(u) = 4e^(-2|u|)/(1 + e^(-2|u|))², which neither overflows nor cancels.
            let t = Foundation.exp(-2 * Swift.abs(try evaluate(u, locals: locals)))
            return 4 * t / ((1 + t) * (1 + t))
        case .builtin(.ln, .builtin(.sigmoid, let u)):
            return -(try Builtin.softplus.evaluate(-(try evaluate(u, locals: locals))))
        case .builtin(.ln, .binary(.add, .number(1), .builtin(.exp, let u))),
            .builtin(.ln, .binary(.add, .builtin(.exp, let u), .number(1))):
            return try Builtin.softplus.evaluate(try evaluate(u, locals: locals))
        case .builtin(.ln, .binary(.add, .number(1), let e)), .builtin(.ln, .binary(.add, let e, .number(1))):
            let value = try evaluate(e, locals: locals)
            guard value > -1 else {
                throw CalculusError(.math, "ln is defined only for positive numbers, not \(NumberFormatting.shortest(1 + value))", symbol: "ln")
            }
            return Foundation.log1p(value)
        case .binary(.subtract, .builtin(.exp, let e), .number(1)):
            let value = Foundation.expm1(try evaluate(e, locals: locals))
            guard value.isFinite else { throw CalculusError(.math, "the result overflows a double (it is larger than 1.8e308)") }
            return value
        case .binary(.divide, let u, .builtin(.abs, let v)) where u == v:
            let value = try evaluate(u, locals: locals)
            guard value != 0 else { throw CalculusError(.math, "abs is not differentiable at 0", symbol: "abs") }
            return value > 0 ? 1 : -1
        default:
            return nil
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
