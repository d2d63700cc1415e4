import CalculusLanguage

#if canImport(Glibc)
import Glibc
#endif

extension Expression {
    /// Shared nodes for the two numbers written most often: writing `.number(1)` allocates a node
    /// each time (every case of an indirect enum is boxed), and a derivative writes thousands.
    static let zero = Expression.number(0)
    static let one = Expression.number(1)
}

/// Rewrites expressions the way a good textbook writes answers, in one bottom-up pass (so it always
/// ends): constants folded, identities gone (`0 + a`, `1·a`, `a¹`, `a⁰`), like terms and like powers
/// collected (`x·x` → `x²`), the numeric factor first, signs pulled to the front, quotients over one
/// bar, and numeric factors of a sum kept outside it (`6(3x + 1)`): a product is never multiplied
/// out, so products of many factors do not swell. Sums keep the order their terms first appeared in,
/// so `1 - sigmoid(z)` stays as a reader expects.
public struct Simplifier: Sendable {
    /// Checked once per term of a sum and factor of a product. When it turns true, `simplify` hands
    /// back what is left unsimplified (still equal, never wrong), so that a caller that is about to
    /// throw `interrupted` is not kept waiting by the simplification of a huge expression.
    let isInterrupted: @Sendable () -> Bool
    /// Built-in arguments simplified lately, when this simplifier keeps them (see `RecentArguments`).
    let recentArguments: RecentArguments?

    /// `recentArguments`: kept for one computation on one thread (a derivation, or the entries of
    /// one Hessian through their `DerivativeCache`).
    public init(isInterrupted: @escaping @Sendable () -> Bool = { false }, remembering recentArguments: RecentArguments? = nil) {
        self.isInterrupted = isInterrupted
        self.recentArguments = recentArguments
    }

    /// The last few built-in arguments simplified, by node. A derivative repeats the very same
    /// argument node in factor after factor (`σ(u)·(1 - σ(u))·(σ(u) - 1)` holds one `u` three
    /// times, and each factor's derivative holds it again): simplifying a ten-term `u` once per
    /// occurrence was over a third of a Hessian's time. Found by identity, so a look-up is a few
    /// compares; equal trees stored apart are simply simplified again.
    public final class RecentArguments: @unchecked Sendable {
        public init() {}

        // Held in the object itself: a derivation makes one, and a second allocation for an array
        // slowed the smallest derivations by a tenth.
        private var slots: InlineArray<4, (argument: Expression, simplified: Expression)?> = .init(repeating: nil)
        private var next = 0

        func simplified(_ argument: Expression) -> Expression? {
            for index in slots.indices {
                if let slot = slots[index], slot.argument.isSameNode(as: argument) { return slot.simplified }
            }
            return nil
        }

        func remember(_ argument: Expression, simplified: Expression) {
            slots[next] = (argument, simplified)
            next = (next + 1) % slots.count
        }
    }

    public func simplify(_ expression: Expression) -> Expression {
        switch expression {
        case .number, .constant, .variable:
            return expression
        case .negate(let operand):
            var product = product(of: simplify(operand))
            product.coefficient = -product.coefficient
            return product.expression
        case .binary(.add, _, _), .binary(.subtract, _, _):
            // A long sum is a deep left-leaning tree: walk its terms in a loop, not by recursion.
            let terms = Self.terms(of: expression)
            var sum = SumForm()
            sum.reserveCapacity(terms.count)
            for (negative, term) in terms {
                if isInterrupted() { return expression }
                sum.add(simplify(term), negated: negative)
            }
            return sum.expression
        case .binary(.multiply, _, _):
            var product = simplifiedFactors(of: expression)
            if isInterrupted() { return expression }
            product.normalize()
            return product.expression
        case .binary(.divide, let left, let right):
            let denominator = product(of: simplify(right))
            guard let inverse = denominator.inverse else {
                return .binary(.divide, simplify(left), simplify(right))
            }
            return product(of: simplify(left)).multiplied(by: inverse).expression
        case .binary(.power, let base, let exponent):
            return power(simplify(base), simplify(exponent))
        case .builtin(let function, let argument):
            guard let recentArguments else { return builtin(function, simplify(argument)) }
            if let known = recentArguments.simplified(argument) { return builtin(function, known) }
            let simplified = simplify(argument)
            // What an interrupted simplification hands back is unfinished: not kept.
            if !isInterrupted() { recentArguments.remember(argument, simplified: simplified) }
            return builtin(function, simplified)
        case .call(let name, let arguments):
            return .call(name, arguments.map(simplify))
        case .prime(let name, let order, let arguments):
            return .prime(name, order: order, arguments.map(simplify))
        case .derivative(let body, let variable, let order):
            return .derivative(simplify(body), variable: variable, order: order)
        case .derivativeBySubexpression(let body, let held, let order):
            return .derivativeBySubexpression(simplify(body), subexpression: simplify(held), order: order)
        }
    }

    /// Simplified, or `interrupted` when the flag turned true meanwhile (the simplifier then hands
    /// back unfinished work, which must not be shown as an answer).
    public func simplifyUnlessInterrupted(_ expression: Expression) throws(CalculusError) -> Expression {
        let simplified = simplify(expression)
        if isInterrupted() { throw CalculusError.interruptedByUser }
        return simplified
    }

    /// The product of a chain of `*`, each factor simplified and merged in; not yet normalized.
    /// Stops early when interrupted (the caller checks the flag).
    func simplifiedFactors(of expression: Expression) -> ProductForm {
        var product = ProductForm(coefficient: .one, factors: [])
        for factor in Self.factors(of: expression) {
            if isInterrupted() { break }
            product.multiply(by: self.product(of: simplify(factor)))
        }
        return product
    }

    /// The terms of a chain of `+` and `-`, each with its sign, in order.
    static func terms(of expression: Expression) -> [(negative: Bool, term: Expression)] {
        // Most sums met have a few terms: room for them at once, instead of growing 1, 2, 4.
        var terms: [(negative: Bool, term: Expression)] = []
        terms.reserveCapacity(4)
        appendTerms(of: expression, negative: false, to: &terms, depth: 0)
        return terms
    }

    /// By recursion (no stack array to allocate for a sum of two terms) down to 1,000 levels, where
    /// a long sum's left-leaning tree goes on an explicit stack.
    private static func appendTerms(
        of expression: Expression, negative: Bool, to terms: inout [(negative: Bool, term: Expression)], depth: Int
    ) {
        guard depth < 1_000 else {
            var pending: [(Bool, Expression)] = [(negative, expression)]
            while let (negative, node) = pending.popLast() {
                switch node {
                case .binary(.add, let a, let b): pending.append((negative, b)); pending.append((negative, a))
                case .binary(.subtract, let a, let b): pending.append((!negative, b)); pending.append((negative, a))
                default: terms.append((negative, node))
                }
            }
            return
        }
        switch expression {
        case .binary(.add, let a, let b):
            appendTerms(of: a, negative: negative, to: &terms, depth: depth + 1)
            appendTerms(of: b, negative: negative, to: &terms, depth: depth + 1)
        case .binary(.subtract, let a, let b):
            appendTerms(of: a, negative: negative, to: &terms, depth: depth + 1)
            appendTerms(of: b, negative: !negative, to: &terms, depth: depth + 1)
        default:
            terms.append((negative, expression))
        }
    }

    /// The factors of a chain of `*`, in order.
    static func factors(of expression: Expression) -> [Expression] {
        var factors: [Expression] = []
        factors.reserveCapacity(4)
        appendFactors(of: expression, to: &factors, depth: 0)
        return factors
    }

    /// As `appendTerms`: recursion to 1,000 levels, then an explicit stack.
    private static func appendFactors(of expression: Expression, to factors: inout [Expression], depth: Int) {
        guard depth < 1_000 else {
            var pending = [expression]
            while let node = pending.popLast() {
                if case .binary(.multiply, let a, let b) = node {
                    pending.append(b)
                    pending.append(a)
                } else {
                    factors.append(node)
                }
            }
            return
        }
        if case .binary(.multiply, let a, let b) = expression {
            appendFactors(of: a, to: &factors, depth: depth + 1)
            appendFactors(of: b, to: &factors, depth: depth + 1)
        } else {
            factors.append(expression)
        }
    }

    /// The product of two expressions that are already simplified, and its form: only the top level
    /// is merged, so a chain of thousands of layers costs no more per layer than its new factor.
    /// `knownForm`, when the caller has it, is `b`'s product form (so `b` is not read back).
    func multiplySimplified(_ a: Expression, _ b: Expression, knownForm: ProductForm?) -> (Expression, ProductForm) {
        let form = product(of: a).multipliedNormalized(by: knownForm ?? product(of: b))
        return (form.expression, form)
    }

    // MARK: Powers and functions

    func power(_ base: Expression, _ exponent: Expression) -> Expression {
        if case .number(0) = exponent { return .number(1) }
        if case .number(1) = exponent { return base }
        if case .number(1) = base { return .number(1) }
        if case .number(0) = base, let n = exponent.numberValue, n > 0 { return .number(0) }
        if case .constant(.e) = base { return .builtin(.exp, exponent) }
        let exponentCoefficient = Self.coefficient(of: exponent)
        if case .rational(let n, 1)? = exponentCoefficient {
            switch base {
            case .binary(.multiply, _, _), .binary(.divide, _, _), .negate, .number:
                if let raised = product(of: base).raised(to: n) { return raised.expression }
            case .binary(.power, let innerBase, let innerExponent):
                return power(innerBase, simplify(.binary(.multiply, innerExponent, exponent)))
            default:
                break
            }
        }
        if let b = base.numberValue, let x = exponent.numberValue {
            let value = Glibc.pow(b, x)
            if value.isFinite, value == value.rounded(), abs(value) < 1e15 { return .number(value) }
        }
        return .binary(.power, base, exponent)
    }

    func builtin(_ function: Builtin, _ argument: Expression) -> Expression {
        if let value = argument.numberValue ?? Self.coefficient(of: argument)?.doubleValue,
            let result = try? function.evaluate(value), (result * 4).rounded() == result * 4, abs(result) < 1e12
        {
            return .number(result)
        }
        if let exact = Self.trigonometricValue(function, argument) { return .number(exact) }
        switch (function, argument) {
        case (.ln, .builtin(.exp, let inner)): return inner
        case (.exp, .builtin(.ln, let inner)): return inner
        case (.abs, .builtin(.abs, _)): return argument
        default: return .builtin(function, argument)
        }
    }

    /// sin, cos, tan, sec, csc and cot at a whole multiple of π/2 (`sin(π)` is 0, not the double
    /// 1.2e-16 that a Taylor polynomial about π would carry as a coefficient); nil at a pole or elsewhere.
    static func trigonometricValue(_ function: Builtin, _ argument: Expression) -> Double? {
        switch function {
        case .sin, .cos, .tan, .sec, .csc, .cot: break
        default: return nil
        }
        guard let turns = piMultiple(of: argument), case .rational(let p, let q) = turns * .rational(2, 1), q == 1 else { return nil }
        let quarter = ((p % 4) + 4) % 4
        let sine: Double = [0, 1, 0, -1][quarter]
        let cosine: Double = [1, 0, -1, 0][quarter]
        switch function {
        case .sin: return sine
        case .cos: return cosine
        case .tan: return cosine == 0 ? nil : sine / cosine
        case .sec: return cosine == 0 ? nil : 1 / cosine
        case .csc: return sine == 0 ? nil : 1 / sine
        default: return sine == 0 ? nil : cosine / sine
        }
    }

    /// k when the expression is k·π for an exact fraction k (`π`, `2π`, `π/2`, `-3π/2`).
    static func piMultiple(of expression: Expression) -> Coefficient? {
        switch expression {
        case .constant(.pi): return .one
        case .negate(let inner): return piMultiple(of: inner).map { -$0 }
        case .binary(.multiply, let a, .constant(.pi)), .binary(.multiply, .constant(.pi), let a): return coefficient(of: a)
        case .binary(.divide, let a, let b):
            guard let k = piMultiple(of: a), let q = coefficient(of: b), let inverse = q.reciprocal else { return nil }
            return k * inverse
        default: return nil
        }
    }

    /// The number an expression stands for when it is only a number or an exact fraction (`1/3`).
    static func coefficient(of expression: Expression) -> Coefficient? {
        switch expression {
        case .number(let value): return Coefficient(value)
        case .negate(let inner): return coefficient(of: inner).map { -$0 }
        case .binary(.divide, let a, let b):
            guard let p = coefficient(of: a), let q = coefficient(of: b), let inverse = q.reciprocal else { return nil }
            return p * inverse
        default: return nil
        }
    }

    // MARK: Products

    struct Factor: Hashable {
        var base: Expression
        var exponent: Expression
    }

    /// The product rule's simplified sum Σᵢ cᵢ·∏ⱼ≠ᵢ fⱼ when the factors' bases are distinct and
    /// every fᵢ′ is a number cᵢ (linear factors, as in (x + 1)(x + 2)…(x + n)): term i is
    /// `coefficients[i]` times every factor of `ordered` but those of owner i. No two terms are alike
    /// (term i alone lacks owner i's factors), so the sum is written as `SumForm.expression` would
    /// write those terms, but without a factor list per term: a plain term (coefficient 1) shares
    /// the partial products it begins with with the plain term before it, which lacked another
    /// owner's factors from the first of them on. Nil where a term would not read back as written
    /// or would have fewer than two factors; the caller then goes the general way.
    static func sumLeavingEachOwnerOut(
        _ ordered: [(factor: Factor, owner: Int)], coefficients: [Coefficient]
    ) -> Expression? {
        guard coefficients.allSatisfy(ProductForm.readsBack), ordered.allSatisfy({ ProductForm.readsBack($0.factor) }),
            coefficients.indices.allSatisfy({ owner in ordered.count(where: { $0.owner == owner }) < ordered.count - 1 })
        else { return nil }
        var sum: Expression?
        var partials: [Expression] = []  // the partial products of the last plain term
        var lastPlainOwner: Int?
        for (owner, coefficient) in coefficients.enumerated() {
            let negative = sum != nil && coefficient.isNegative
            let magnitude = negative ? -coefficient : coefficient
            let written: Expression
            if magnitude.isOne {
                let shared = lastPlainOwner.map { last in ordered.firstIndex { $0.owner == last || $0.owner == owner } ?? ordered.count } ?? 0
                partials.removeSubrange(shared...)
                var product = partials.last
                for (factor, factorOwner) in ordered[shared...] where factorOwner != owner {
                    let next = Factor.expression(factor)
                    product = product.map { .binary(.multiply, $0, next) } ?? next
                    partials.append(product!)
                }
                written = product!
                lastPlainOwner = owner
            } else {
                written = ProductForm(coefficient: magnitude, factors: ordered.compactMap { $0.owner == owner ? nil : $0.factor }).expression
            }
            sum = sum.map { .binary(negative ? .subtract : .add, $0, written) } ?? written
        }
        return sum
    }

    /// `coefficient × ∏ baseᵉˣᵖᵒⁿᵉⁿᵗ`, factors merged by base and kept in canonical order.
    struct ProductForm {
        var coefficient: Coefficient
        var factors: [Factor]

        var inverse: ProductForm? {
            guard let reciprocal = coefficient.reciprocal else { return nil }
            return ProductForm(
                coefficient: reciprocal,
                factors: factors.map { Factor(base: $0.base, exponent: Simplifier().simplify(.negate($0.exponent))) })
        }

        func raised(to n: Int) -> ProductForm? {
            guard let raisedCoefficient = coefficient.power(n) else { return nil }
            return ProductForm(
                coefficient: raisedCoefficient,
                factors: factors.map {
                    Factor(base: $0.base, exponent: Simplifier().simplify(.binary(.multiply, $0.exponent, .number(Double(n)))))
                })
        }

        func multiplied(by other: ProductForm) -> ProductForm {
            var result = self
            result.multiply(by: other)
            result.normalize()
            return result
        }

        /// True when `product(of: expression)` gives this (normalized) form back exactly, so that
        /// a caller holding both may skip reading the expression back. Not so for a number base,
        /// a factor under the bar or a whole double as coefficient, which writing out changes.
        var readsBackUnchanged: Bool {
            Self.readsBack(coefficient) && factors.allSatisfy(Self.readsBack)
        }

        static func readsBack(_ coefficient: Coefficient) -> Bool {
            !coefficient.isZero && !coefficient.isWholeDouble && coefficient.doubleValue.isFinite
        }

        static func readsBack(_ factor: Factor) -> Bool {
            if case .number = factor.base { return false }
            return !factor.isUnderTheBar
        }

        /// `multiplied(by:)` for two normalized forms: each factor of the shorter goes into its
        /// place in the longer by binary search (a few comparisons) instead of being compared
        /// with every factor and then sorted again with the rest. The order is total on distinct
        /// bases and ignores exponents, so a factor with the same base sits right at that place.
        func multipliedNormalized(by other: ProductForm) -> ProductForm {
            let selfIsShorter = factors.count < other.factors.count
            let short = selfIsShorter ? factors : other.factors
            var merged = selfIsShorter ? other.factors : factors
            for factor in short {
                let key = Simplifier.SortKey(factor)
                var low = 0
                var high = merged.count
                while low < high {
                    let middle = (low + high) / 2
                    let middleKey = Simplifier.SortKey(merged[middle])
                    if Simplifier.precedes(middleKey, merged[middle], key, factor) { low = middle + 1 } else { high = middle }
                }
                if let index = [low, low - 1].first(where: { merged.indices.contains($0) && merged[$0].base == factor.base }) {
                    let (first, second) = selfIsShorter ? (factor.exponent, merged[index].exponent) : (merged[index].exponent, factor.exponent)
                    merged[index].exponent = Simplifier().simplify(.binary(.add, first, second))
                } else {
                    merged.insert(factor, at: low)
                }
            }
            merged.removeAll { if case .number(0) = $0.exponent { true } else { false } }
            let result = ProductForm(coefficient: coefficient * other.coefficient, factors: merged)
            assert(String(describing: result) == String(describing: multiplied(by: other)), "the sorted merge differs from merge and sort")
            return result
        }

        /// All the forms' factors in canonical order, each with the position of the form it came
        /// from, and whether no base occurs in two forms (each form's own bases are distinct
        /// already). The order is total on distinct bases, so equal bases end up side by side: one
        /// pass over neighbours tells, where comparing every pair of bases took n² comparisons.
        static func orderedFactors(of forms: [ProductForm]) -> (ordered: [(factor: Factor, owner: Int)], basesAreDistinct: Bool) {
            let all = forms.indices.flatMap { owner in forms[owner].factors.map { (factor: $0, owner: owner) } }
            let ordered = canonicalPositions(of: all.map(\.factor)).map { all[$0] }
            let basesAreDistinct = !zip(ordered, ordered.dropFirst()).contains { $0.factor.base == $1.factor.base }
            assert(basesAreDistinct == {
                var seen: [Expression] = []
                for form in forms {
                    if form.factors.contains(where: { seen.contains($0.base) }) { return false }
                    seen.append(contentsOf: form.factors.map(\.base))
                }
                return true
            }(), "equal bases are not side by side in canonical order")
            return (ordered, basesAreDistinct)
        }

        /// Merges `other` in; call `normalize()` once after the last merge.
        mutating func multiply(by other: ProductForm) {
            coefficient = coefficient * other.coefficient
            // Search the longer list once per factor of the shorter (a chain rule's g′ can hold
            // hundreds of factors). Bases are unique on both sides and `normalize` orders the
            // result, so either way it is the same product; a shared base's exponents add as
            // self's + other's.
            let selfIsShorter = factors.count < other.factors.count
            let short = selfIsShorter ? factors : other.factors
            var merged = selfIsShorter ? other.factors : factors
            factors = []  // so that `merged` owns its storage and grows in place
            for factor in short {
                if let index = merged.firstIndex(where: { $0.base == factor.base }) {
                    let (first, second) = selfIsShorter ? (factor.exponent, merged[index].exponent) : (merged[index].exponent, factor.exponent)
                    merged[index].exponent = Simplifier().simplify(.binary(.add, first, second))
                } else {
                    merged.append(factor)
                }
            }
            factors = merged
        }

        /// Drops factors raised to 0 and puts the rest in canonical order.
        mutating func normalize() {
            factors.removeAll { if case .number(0) = $0.exponent { true } else { false } }
            guard factors.count > 1 else { return }
            factors = Self.canonicalPositions(of: factors).map { factors[$0] }
        }

        /// The positions of `factors` in canonical order (a total order on distinct bases, so any
        /// part of a canonically ordered list is canonically ordered too).
        static func canonicalPositions(of factors: [Factor]) -> [Int] {
            // Compute each factor's cheap sort keys once, then sort.
            let keys = factors.map(SortKey.init)
            return factors.indices.sorted { a, b in Simplifier.precedes(keys[a], factors[a], keys[b], factors[b]) }
        }

        /// Numeric factor first, then constants, variables, and the rest from small to large;
        /// factors with negative exponents go under the bar.
        var expression: Expression {
            if coefficient.isZero { return .zero }
            // A number alone, and one plain factor alone, as the general way below writes them.
            if factors.isEmpty { return coefficient.expression }
            if factors.count == 1, coefficient.isOne, !factors[0].isUnderTheBar { return Factor.expression(factors[0]) }
            var over: [Expression] = []
            var under: [Expression] = []
            over.reserveCapacity(factors.count)
            for factor in factors {
                if factor.isUnderTheBar, let exponent = Simplifier.coefficient(of: factor.exponent) {
                    under.append(Simplifier.factorExpression(factor.base, (-exponent).expression))
                } else {
                    over.append(Simplifier.factorExpression(factor.base, factor.exponent))
                }
            }
            let negative = coefficient.isNegative
            let (numeratorCoefficient, denominatorCoefficient): (Coefficient, Coefficient) =
                switch coefficient.magnitude {
                case .rational(let p, let q): (.rational(p, 1), .rational(q, 1))
                case .real(let value): (.real(value), .one)
                }
            if !denominatorCoefficient.isOne { under.insert(denominatorCoefficient.expression, at: 0) }
            var numerator: Expression
            if !numeratorCoefficient.isOne || over.isEmpty {
                numerator = numeratorCoefficient.expression
                if negative { numerator = .number(-numeratorCoefficient.doubleValue) }
                for factor in over { numerator = .binary(.multiply, numerator, factor) }
            } else {
                numerator = negative ? .negate(over[0]) : over[0]
                for factor in over.dropFirst() { numerator = .binary(.multiply, numerator, factor) }
            }
            guard let first = under.first else { return numerator }
            let denominator = under.dropFirst().reduce(first) { .binary(.multiply, $0, $1) }
            return .binary(.divide, numerator, denominator)
        }
    }

    static func factorExpression(_ base: Expression, _ exponent: Expression) -> Expression {
        if case .number(1) = exponent { return base }
        if case .constant(.e) = base { return .builtin(.exp, exponent) }
        return .binary(.power, base, exponent)
    }

    func product(of expression: Expression) -> ProductForm {
        switch expression {
        case .number(let value):
            return ProductForm(coefficient: Coefficient(value), factors: [])
        case .negate(let operand):
            var form = product(of: operand)
            form.coefficient = -form.coefficient
            return form
        case .binary(.multiply, _, _):
            var form = ProductForm(coefficient: .one, factors: [])
            for factor in Self.factors(of: expression) { form.multiply(by: product(of: factor)) }
            form.normalize()
            return form
        case .binary(.divide, let a, let b):
            if let inverse = product(of: b).inverse { return product(of: a).multiplied(by: inverse) }
        case .binary(.power, let base, let exponent):
            return ProductForm(coefficient: .one, factors: [Factor(base: base, exponent: exponent)])
        case .builtin(.exp, let exponent):
            return ProductForm(coefficient: .one, factors: [Factor(base: .constant(.e), exponent: exponent)])
        default:
            break
        }
        return ProductForm(coefficient: .one, factors: [Factor(base: expression, exponent: .one)])
    }

    static let factorOrder: [Builtin] = [.sin, .cos, .sec, .csc, .tan, .cot]
        + Builtin.allCases.filter { ![.sin, .cos, .sec, .csc, .tan, .cot].contains($0) }

    static func rank(_ factor: Factor) -> Int {
        switch factor.base {
        case .number: 0
        case .constant(.pi): 1
        case .variable: 2
        default: 3
        }
    }

    /// A factor's cheap sort keys, computed once per factor rather than once per comparison.
    struct SortKey {
        var rank: Int
        /// Nodes of the base, counted up to a bound (so that ordering deep factors stays cheap).
        var size: Int

        init(_ factor: Factor) {
            rank = Simplifier.rank(factor)
            size = factor.base.nodeCount(upTo: 48)
        }
    }

    /// The canonical order of factors, given their keys: by rank, then smaller first (variables,
    /// all of one node, then by name).
    static func precedes(_ aKey: SortKey, _ a: Factor, _ bKey: SortKey, _ b: Factor) -> Bool {
        if aKey.rank != bKey.rank { return aKey.rank < bKey.rank }
        if aKey.size != bKey.size { return aKey.size < bKey.size }
        return sameSizeOrder(a, b)
    }

    /// `precedes` for two factors of the same rank and size.
    static func sameSizeOrder(_ a: Factor, _ b: Factor) -> Bool {
        if case .variable(let x) = a.base, case .variable(let y) = b.base, x != y { return x < y }
        // Same size: built-ins in the order books write them: `sin(x)·cos(x)`, `sec(x)·tan(x)`, `csc(x)·cot(x)`.
        if case .builtin(let f, _) = a.base, case .builtin(let g, _) = b.base, f != g {
            return Self.factorOrder.firstIndex(of: f)! < Self.factorOrder.firstIndex(of: g)!
        }
        if let decided = a.base.firstStructuralDifference(from: b.base) { return decided }
        return a.exponent.structurallyPrecedes(b.exponent)
    }

    // MARK: Sums

    /// Terms in the order they first appeared; like terms (same factors) share one coefficient.
    struct SumForm {
        var terms: [(factors: [Factor], coefficient: Coefficient)] = []
        /// Where each term's factors stand in `terms`, so collecting is linear in the number of terms.
        /// Made only on the first lookup past `smallSum` terms: most sums a simplification meets have
        /// two or three, where comparing factor lists beats hashing them and making a table at all.
        private var positions: [[Factor]: Int] = [:]
        private static let smallSum = 8

        init() {}

        init(_ expression: Expression) {
            switch expression {
            case .binary(.add, _, _), .binary(.subtract, _, _):
                for (negative, term) in Simplifier.terms(of: expression) { add(term, negated: negative) }
            default:
                add(read: Simplifier().product(of: expression))
            }
        }

        /// Adds `expression`, or its negation, as `add(SumForm(expression))` or `add(SumForm(expression).negated)`
        /// would, without making a form for a term that is not itself a sum.
        mutating func add(_ expression: Expression, negated: Bool) {
            switch expression {
            case .binary(.add, _, _), .binary(.subtract, _, _):
                let form = SumForm(expression)
                add(negated ? form.negated : form)
            default:
                var form = Simplifier().product(of: expression)
                if negated { form.coefficient = -form.coefficient }
                add(read: form)
            }
        }

        /// Adds a product read from an expression: itself, or when it is a number times a sum, that
        /// sum's terms scaled (multiplied out so that they can collect with the others).
        private mutating func add(read form: ProductForm) {
            if form.factors.count == 1, case .number(1) = form.factors[0].exponent {
                switch form.factors[0].base {
                case .binary(.add, _, _), .binary(.subtract, _, _):
                    add(SumForm(form.factors[0].base).scaled(by: form.coefficient))
                    return
                default: break
                }
            }
            add(term: (form.factors, form.coefficient))
        }

        /// Adds a product as `add(SumForm(form.expression))` would, without writing the product out
        /// and reading it back factor by factor (which compares every pair of factors again). Where
        /// writing out could change how the product is stored (a number base, a factor under the
        /// bar, a whole double as coefficient), it does go the long way.
        mutating func add(product form: ProductForm) {
            guard form.readsBackUnchanged else {
                add(SumForm(form.expression))
                return
            }
            assert({ var direct = SumForm(); direct.add(read: form); return SumForm(form.expression).sameTerms(as: direct.terms) }(),
                   "the product \(form.expression) reads back differently")
            add(read: form)
        }

        private mutating func add(term: (factors: [Factor], coefficient: Coefficient)) {
            if terms.count < Self.smallSum {
                if let position = terms.firstIndex(where: { $0.factors == term.factors }) {
                    terms[position].coefficient = terms[position].coefficient + term.coefficient
                } else {
                    terms.append(term)
                }
                return
            }
            // Past `smallSum` terms the table is made on the first lookup.
            if positions.isEmpty {
                for (position, known) in terms.enumerated() { positions[known.factors] = position }
            }
            // One lookup, which also makes the entry when it is new (hashing a term's factors walks
            // all of them, so it is done once).
            let newPosition = terms.count
            var position = newPosition
            func read(_ stored: inout Int) { position = stored }
            read(&positions[term.factors, default: newPosition])
            if position == newPosition {
                terms.append(term)
            } else {
                terms[position].coefficient = terms[position].coefficient + term.coefficient
            }
        }

        /// Room for `count` terms without growing the table on the way.
        mutating func reserveCapacity(_ count: Int) {
            terms.reserveCapacity(count)
            if count >= Self.smallSum { positions.reserveCapacity(count) }
        }

        /// Same terms, in the same order, with the same coefficients (written out, so that a NaN
        /// inside, which equals nothing, still matches itself).
        func sameTerms(as other: [(factors: [Factor], coefficient: Coefficient)]) -> Bool {
            String(describing: terms) == String(describing: other)
        }

        var negated: SumForm { scaled(by: .minusOne) }

        func scaled(by factor: Coefficient) -> SumForm {
            var result = self
            for index in result.terms.indices { result.terms[index].coefficient = result.terms[index].coefficient * factor }
            return result
        }

        func adding(_ other: SumForm) -> SumForm {
            var result = self
            result.add(other)
            return result
        }

        mutating func add(_ other: SumForm) {
            for term in other.terms { add(term: term) }
        }

        var expression: Expression {
            var sum: Expression?
            for term in terms where !term.coefficient.isZero {
                guard let before = sum else {
                    sum = ProductForm(coefficient: term.coefficient, factors: term.factors).expression
                    continue
                }
                let negative = term.coefficient.isNegative
                let written = ProductForm(coefficient: negative ? -term.coefficient : term.coefficient, factors: term.factors).expression
                sum = .binary(negative ? .subtract : .add, before, written)
            }
            return sum ?? .zero
        }
    }
}

extension Simplifier.Factor {
    static func expression(_ factor: Simplifier.Factor) -> Expression {
        Simplifier.factorExpression(factor.base, factor.exponent)
    }

    /// Whether writing the product out puts this factor under the bar: its exponent is a negative
    /// number or fraction. (A plain number, the usual exponent, is told without reading a coefficient.)
    var isUnderTheBar: Bool {
        if case .number(let value) = exponent { return value < 0 }
        return Simplifier.coefficient(of: exponent)?.isNegative == true
    }
}
