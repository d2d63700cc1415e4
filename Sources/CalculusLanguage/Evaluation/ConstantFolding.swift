extension Expression {
    /// Folds every subexpression made only of numbers into its number (`2*3 + x` → `6 + x`), and drops
    /// the identities `0 + a`, `a·1`, `a^1`. A subexpression whose evaluation faults is left as written.
    /// This is the tidying the language core needs; the symbolic engine's simplifier does the rest.
    public func foldingConstants() -> Expression {
        switch self {
        case .number, .constant, .variable: return self
        case .negate(let operand):
            let folded = operand.foldingConstants()
            if case .number(let value) = folded { return .number(-value) }
            if case .negate(let inner) = folded { return inner }
            return .negate(folded)
        case .binary(let op, let left, let right):
            let a = left.foldingConstants()
            let b = right.foldingConstants()
            if case .number(let x) = a, case .number(let y) = b, let value = try? NumericEvaluator.apply(op, x, y) {
                return .number(value)
            }
            switch (op, a, b) {
            case (.add, .number(0), _): return b
            case (.add, _, .number(0)), (.subtract, _, .number(0)): return a
            case (.multiply, .number(1), _): return b
            case (.multiply, _, .number(1)), (.divide, _, .number(1)), (.power, _, .number(1)): return a
            default: return .binary(op, a, b)
            }
        case .builtin(let function, let argument):
            let folded = argument.foldingConstants()
            if case .number(let x) = folded, let value = try? function.evaluate(x) { return .number(value) }
            return .builtin(function, folded)
        case .call(let name, let arguments):
            return .call(name, arguments.map { $0.foldingConstants() })
        case .prime(let name, let order, let arguments):
            return .prime(name, order: order, arguments.map { $0.foldingConstants() })
        case .derivative(let body, let variable, let order):
            return .derivative(body.foldingConstants(), variable: variable, order: order)
        }
    }
}
