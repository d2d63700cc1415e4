import CalculusLanguage

/// Sums and terms written as a reader writes them, for results the engine assembles from parts
/// (a Taylor polynomial, a tangent line, a side of an implicitly differentiated equation):
/// `1 - x²/2 + x⁴/24`, `-sin(1)·(x - 1)²/2`, `2y·dy/dx`.
public enum Terms {
    /// `x - a`, `x + 1` for a = -1, `x` for a = 0.
    public static func offset(_ variable: String, from point: Expression) -> Expression {
        switch point {
        case .number(0): .variable(variable)
        case .number(let value) where value < 0: .binary(.add, .variable(variable), .number(-value))
        default: .binary(.subtract, .variable(variable), point)
        }
    }

    /// `c·(x - a)ᵏ` written as a reader writes it: `x³/6`, `-sin(1)·(x - 1)²/2`.
    public static func term(_ coefficient: Expression, times power: Expression?) -> Expression {
        guard let power else { return coefficient }
        switch coefficient {
        case .number(0): return .number(0)
        case .number(1): return power
        case .number(-1): return .negate(power)
        case .number: return .binary(.multiply, coefficient, power)
        case .binary(.divide, .number(let p), .number(let q)):
            let numerator: Expression = p == 1 ? power : p == -1 ? .negate(power) : .binary(.multiply, .number(p), power)
            return .binary(.divide, numerator, .number(q))
        default:
            return Simplifier().simplify(.binary(.multiply, coefficient, power))
        }
    }

    /// Terms added left to right, a zero left out and a negative one subtracted: `1 - x²/2 + x⁴/24`.
    public static func sum(_ terms: [Expression]) -> Expression {
        var total: Expression?
        for term in terms where term != .number(0) {
            guard let sum = total else {
                total = term
                continue
            }
            if let magnitude = negated(term) {
                total = .binary(.subtract, sum, magnitude)
            } else {
                total = .binary(.add, sum, term)
            }
        }
        return total ?? .number(0)
    }

    /// The term without its leading minus sign, or nil when it has none.
    static func negated(_ term: Expression) -> Expression? {
        switch term {
        case .negate(let operand): return operand
        case .number(let value) where value < 0: return .number(-value)
        case .binary(.multiply, let left, let right):
            return negated(left).map { $0 == .number(1) ? right : .binary(.multiply, $0, right) }
        case .binary(.divide, let left, let right):
            return negated(left).map { .binary(.divide, $0, right) }
        default: return nil
        }
    }
}
