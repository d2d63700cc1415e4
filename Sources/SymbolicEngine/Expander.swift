import CalculusLanguage

/// `expand E`: multiplies products out over sums and whole powers of sums, then collects like terms.
public struct Expander: Sendable {
    /// More terms than this is a `LimitError` (`(x + y + z)^40` would otherwise fill memory).
    public var maximumTerms: Int
    public var isInterrupted: @Sendable () -> Bool

    public init(maximumTerms: Int = 20_000, isInterrupted: @escaping @Sendable () -> Bool = { false }) {
        self.maximumTerms = maximumTerms
        self.isInterrupted = isInterrupted
    }

    private var simplifier: Simplifier { Simplifier(isInterrupted: isInterrupted) }

    public func expand(_ expression: Expression) throws(CalculusError) -> Expression {
        let terms = try expandedTerms(expression)
        let sum = terms.dropFirst().reduce(terms.first ?? .number(0)) { .binary(.add, $0, $1) }
        return try simplifier.simplifyUnlessInterrupted(sum)
    }

    /// The expression as a list of terms whose sum it is.
    private func expandedTerms(_ expression: Expression) throws(CalculusError) -> [Expression] {
        switch expression {
        case .binary(.add, let a, let b):
            return try expandedTerms(a) + expandedTerms(b)
        case .binary(.subtract, let a, let b):
            return try expandedTerms(a) + expandedTerms(b).map { .negate($0) }
        case .negate(let a):
            return try expandedTerms(a).map { .negate($0) }
        case .binary(.multiply, let a, let b):
            return try multiply(expandedTerms(a), expandedTerms(b))
        case .binary(.divide, let a, let b):
            let denominator = try expand(b)
            return try expandedTerms(a).map { .binary(.divide, $0, denominator) }
        case .binary(.power, let base, .number(let n)) where n == n.rounded() && n >= 2 && n <= 1000:
            let baseTerms = try expandedTerms(base)
            guard baseTerms.count > 1 else { return [.binary(.power, baseTerms.first ?? base, .number(n))] }
            var result = baseTerms
            for _ in 1..<Int(n) { result = try multiply(result, baseTerms) }
            return result
        case .builtin(let function, let argument):
            return [.builtin(function, try expand(argument))]
        default:
            return [expression]
        }
    }

    private func multiply(_ left: [Expression], _ right: [Expression]) throws(CalculusError) -> [Expression] {
        guard left.count * right.count <= maximumTerms else {
            throw CalculusError(.limit, "expanding gives more than \(maximumTerms) terms")
        }
        var product: [Expression] = []
        product.reserveCapacity(left.count * right.count)
        for a in left { for b in right { product.append(.binary(.multiply, a, b)) } }
        // Collect as we go, so that powers of sums stay as small as their distinct terms.
        let collected = try simplifier.simplifyUnlessInterrupted(product.dropFirst().reduce(product[0]) { .binary(.add, $0, $1) })
        return terms(of: collected)
    }

    private func terms(of sum: Expression) -> [Expression] {
        switch sum {
        case .binary(.add, let a, let b): terms(of: a) + [b]
        case .binary(.subtract, let a, let b): terms(of: a) + [.negate(b)]
        default: [sum]
        }
    }
}
