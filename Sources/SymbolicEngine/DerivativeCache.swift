import CalculusLanguage

/// Derivatives already taken, with their steps, by expression and variable: what one derivation
/// found, the next reuses. A Hessian's entries differentiate the same factors by the same variable
/// row after row (`σ(u)`, `1 - σ(u)` in every entry of a sigmoid unit's loss); taken once, each
/// entry's steps are still whole. One cache serves one computation on one thread.
public final class DerivativeCache {
    struct Key: Hashable {
        var expression: Expression
        var variable: String
    }

    var taken: [Key: (DerivativeStep, Expression)] = [:]
    /// How many derivatives were found here rather than taken again.
    public internal(set) var hits = 0
    /// The entries' simplifications share their recent built-in arguments too: the next entry's
    /// `σ(u)` is very often the same `u`.
    let simplifiedArguments = Simplifier.RecentArguments()

    public init() {
        taken.reserveCapacity(256)
    }

    /// The derivative of `expression` by `variable`: found here, or taken by `derive` and kept.
    func derivative(
        of expression: Expression, by variable: String, taking derive: () throws(CalculusError) -> (DerivativeStep, Expression)
    ) throws(CalculusError) -> (DerivativeStep, Expression) {
        let key = Key(expression: expression, variable: variable)
        if let known = taken[key] {
            hits += 1
            return known
        }
        let derivative = try derive()
        taken[key] = derivative
        return derivative
    }

    /// Products, quotients, powers and functions are what the entries repeat; a sum's derivative is its terms',
    /// found here in turn, and a name or a number is quicker to differentiate than to look up (each
    /// look-up hashes the whole subtree).
    static func isWorthKeeping(_ expression: Expression) -> Bool {
        switch expression {
        case .binary(.multiply, _, _), .binary(.divide, _, _), .binary(.power, _, _), .builtin: true
        default: false
        }
    }
}
