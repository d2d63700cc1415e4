import CalculusLanguage

/// Implicit differentiation of an equation `left = right` in which `dependent` (y) is a function of
/// `independent` (x): each side differentiated with y = y(x), so that the chain rule turns a term in
/// y into its derivative by y times dy/dx; then the dy/dx terms collected on one side and solved for.
public struct ImplicitDerivation: Hashable, Sendable {
    public struct Side: Hashable, Sendable {
        public var expression: Expression
        /// ∂/∂x with y held fixed.
        public var partialIndependent: Derivation
        /// ∂/∂y: the factor the chain rule multiplies by dy/dx.
        public var partialDependent: Derivation
        /// d/dx of the side with y = y(x): `∂/∂x + ∂/∂y·dy/dx` (`2x + 2y·dy/dx`).
        public var total: Expression
    }

    public var dependent: String
    public var independent: String
    public var left: Side
    public var right: Side
    /// After collecting the dy/dx terms on the left: `coefficient·dy/dx = rest`.
    public var coefficient: Expression
    public var rest: Expression
    /// dy/dx = rest/coefficient, simplified.
    public var result: Expression

    /// `dy/dx` as an expression, the way the language writes it.
    public var derivativeSymbol: Expression { .derivative(.variable(dependent), variable: independent, order: 1) }

    public static func derive(
        left: Expression, right: Expression, dependent: String, independent: String,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> ImplicitDerivation {
        let symbol = Expression.derivative(.variable(dependent), variable: independent, order: 1)
        guard (left.freeVariables + right.freeVariables).contains(dependent) else {
            throw CalculusError(
                .math, "the equation has no \(dependent), so it does not define \(dependent) as a function of \(independent): "
                    + "d\(dependent)/d\(independent) from needs an equation in both, as in x^2 + \(dependent)^2 = 25", symbol: dependent)
        }
        let differentiator = SymbolicDifferentiator(isInterrupted: isInterrupted)
        func side(_ expression: Expression) throws(CalculusError) -> Side {
            let byIndependent = try differentiator.derivation(of: expression, variable: independent, order: 1)
            let byDependent = try differentiator.derivation(of: expression, variable: dependent, order: 1)
            let chainTerm = Terms.term(byDependent.result, times: symbol)
            return Side(
                expression: expression, partialIndependent: byIndependent, partialDependent: byDependent,
                total: Terms.sum([byIndependent.result, chainTerm]))
        }
        let leftSide = try side(left)
        let rightSide = try side(right)
        let simplifier = Simplifier(isInterrupted: isInterrupted)
        let coefficient = try simplifier.simplifyUnlessInterrupted(
            .binary(.subtract, leftSide.partialDependent.result, rightSide.partialDependent.result))
        let rest = try simplifier.simplifyUnlessInterrupted(
            .binary(.subtract, rightSide.partialIndependent.result, leftSide.partialIndependent.result))
        guard coefficient != .number(0) else {
            throw CalculusError(
                .math, "\(dependent) cancels out of the differentiated equation (its d\(dependent)/d\(independent) terms add to 0), "
                    + "so the equation does not determine d\(dependent)/d\(independent)", symbol: dependent)
        }
        let result = try simplifier.simplifyUnlessInterrupted(.binary(.divide, rest, coefficient))
        return ImplicitDerivation(
            dependent: dependent, independent: independent, left: leftSide, right: rightSide, coefficient: coefficient,
            rest: rest, result: result)
    }
}
