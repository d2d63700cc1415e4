import CalculusLanguage

/// The Taylor polynomial of an expression about a point, from its derivatives: each order's
/// derivative, its exact value at the point, and the coefficient f⁽ᵏ⁾(a)/k!, exact where it is
/// (`x³/6`, `443861162x¹⁹/1856156927625`, `-sin(1)/2`).
public struct TaylorExpansion: Hashable, Sendable {
    public var expression: Expression
    public var variable: String
    /// The point `a`, exactly as it is known (`1`, `π/2`).
    public var point: Expression
    public var order: Int
    /// f⁽ᵏ⁾(x) for k = 0…order; empty when the coefficients came from series arithmetic
    /// (`TaylorSeries`), which needs no derivative written out.
    public var derivatives: [Expression]
    /// f⁽ᵏ⁾(a), simplified (`cos(1)`, `16`).
    public var valuesAtPoint: [Expression]
    /// f⁽ᵏ⁾(a)/k!.
    public var coefficients: [Expression]

    /// Expands `expression` to `order` about `variable = point`.
    public static func expand(
        _ expression: Expression, variable: String, point: Expression, order: Int,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> TaylorExpansion {
        if let exact = seriesExpansion(expression, variable: variable, point: point, order: order) { return exact }
        let simplifier = Simplifier(isInterrupted: isInterrupted)
        let differentiator = SymbolicDifferentiator(isInterrupted: isInterrupted)
        var derivatives = [try simplifier.simplifyUnlessInterrupted(expression)]
        for _ in 0..<order {
            derivatives.append(try differentiator.differentiate(derivatives[derivatives.count - 1], variable: variable, order: 1))
        }
        var values: [Expression] = []
        var coefficients: [Expression] = []
        var factorial = 1
        for (k, derivative) in derivatives.enumerated() {
            if k > 0 { factorial *= k }
            let value = exactConstants(try simplifier.simplifyUnlessInterrupted(derivative.substituting([variable: point])))
            values.append(value)
            coefficients.append(try coefficient(value, factorial: factorial, simplifier: simplifier))
        }
        return TaylorExpansion(
            expression: expression, variable: variable, point: point, order: order, derivatives: derivatives,
            valuesAtPoint: values, coefficients: coefficients)
    }

    /// The expansion from `TaylorSeries`, where every coefficient is an exact fraction.
    static func seriesExpansion(_ expression: Expression, variable: String, point: Expression, order: Int) -> TaylorExpansion? {
        guard let series = TaylorSeries.coefficients(of: expression, variable: variable, point: point, order: order) else { return nil }
        var values: [Expression] = []
        var coefficients: [Expression] = []
        var factorial = TaylorSeries.Fraction.one
        for (k, coefficient) in series.enumerated() {
            do throws(TaylorSeries.Overflow) {
                if k > 0 { factorial = try factorial * TaylorSeries.Fraction(Int128(k)) }
                guard let value = (try coefficient * factorial).expression, let exact = coefficient.expression else { return nil }
                values.append(value)
                coefficients.append(exact)
            } catch {
                return nil
            }
        }
        return TaylorExpansion(
            expression: expression, variable: variable, point: point, order: order, derivatives: [],
            valuesAtPoint: values, coefficients: coefficients)
    }

    /// The polynomial up to `order` (at most the expansion's), lowest order first, zero terms left out;
    /// with `coefficients` in place of the exact ones when given.
    public func polynomial(upTo order: Int? = nil, coefficients: [Expression]? = nil) -> Expression {
        let coefficients = coefficients ?? self.coefficients
        let last = min(order ?? self.order, self.order)
        let base = Terms.offset(variable, from: point)
        var terms: [Expression] = []
        for k in 0...last {
            let power: Expression? = k == 0 ? nil : k == 1 ? base : .binary(.power, base, .number(Double(k)))
            terms.append(Terms.term(coefficients[k], times: power))
        }
        return Terms.sum(terms)
    }

    /// f⁽ᵏ⁾(a)/k!: a fraction in lowest terms when f⁽ᵏ⁾(a) is a whole number, else simplified.
    static func coefficient(_ value: Expression, factorial: Int, simplifier: Simplifier) throws(CalculusError) -> Expression {
        if case .number(let number) = value, let whole = Int(exactly: number), Swift.abs(whole) < 1 << 53 {
            var (a, b) = (Swift.abs(whole), factorial)
            while b != 0 { (a, b) = (b, a % b) }
            let divisor = Swift.max(a, 1)
            let (p, q) = (whole / divisor, factorial / divisor)
            return q == 1 ? .number(Double(p)) : .binary(.divide, .number(Double(p)), .number(Double(q)))
        }
        if case .number(let number) = value { return .number(number / Double(factorial)) }
        return try simplifier.simplifyUnlessInterrupted(.binary(.divide, value, .number(Double(factorial))))
    }

    /// `e^1` read as `e`, as a reader writes it.
    static func exactConstants(_ expression: Expression) -> Expression {
        expression.transformed { node -> Expression? in
            if case .builtin(.exp, .number(1)) = node { return .constant(.e) }
            return nil
        }
    }
}
