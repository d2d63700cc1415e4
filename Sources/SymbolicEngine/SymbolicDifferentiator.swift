import CalculusLanguage
import Threads

/// Symbolic differentiation that records its steps as it goes (never reconstructed afterwards).
/// Each operation's rule is here once; each built-in's derivative comes from the built-ins table.
public struct SymbolicDifferentiator: Differentiator, Sendable {
    public var isInterrupted: @Sendable () -> Bool
    /// Results larger than this many nodes end in a `LimitError` rather than exhausting memory.
    public var maximumResultSize: Int

    public init(isInterrupted: @escaping @Sendable () -> Bool = { false }, maximumResultSize: Int = 2_000_000) {
        self.isInterrupted = isInterrupted
        self.maximumResultSize = maximumResultSize
    }

    public func differentiate(_ expression: Expression, variable: String, order: Int) throws(CalculusError) -> Expression {
        try derivation(of: expression, variable: variable, order: order).result
    }

    /// The derivative of order `order` with every step, each order followed by its simplification.
    /// The most layers of function inside function (`sin(cos(tan(…)))`) differentiated symbolically.
    /// Each layer's chain step carries the whole derivative below it, so time grows with the cube of
    /// the depth (about 0.2 s at 100 layers); deeper compositions are a `LimitError`, not a hang.
    public static let maximumCompositionDepth = 120

    /// `cache`, when given, holds what earlier derivations found and keeps what this one finds: the
    /// entries of a Hessian differentiate the same factors by the same variable again and again.
    public func derivation(
        of expression: Expression, variable: String, order: Int, sharing cache: DerivativeCache? = nil
    ) throws(CalculusError) -> Derivation {
        let depth = Self.compositionDepth(of: expression)
        if depth > Self.maximumCompositionDepth {
            throw CalculusError(
                .limit,
                "the expression nests \(depth) functions inside each other; symbolic derivatives stop at \(Self.maximumCompositionDepth)")
        }
        var current = expression
        var steps: [DerivativeStep] = []
        steps.reserveCapacity(2 * min(order, 16))  // each order's step and its simplification
        let simplifier = Simplifier(isInterrupted: isInterrupted, remembering: cache?.simplifiedArguments ?? Simplifier.RecentArguments())
        do throws(CalculusError) {
            for _ in 0..<order {
                var run = Run(variable: variable, isInterrupted: isInterrupted, simplifier: simplifier, cache: cache)
                let (step, simplified) = try run.derive(current)
                // The simplifier gives up early when interrupted; its (unsimplified) answer is not kept.
                if isInterrupted() { throw CalculusError.interruptedByUser }
                steps.append(step)
                if step.result != simplified {
                    steps.append(DerivativeStep(
                        rule: .simplify, expression: step.result, result: simplified, substeps: [], chain: nil, variable: variable))
                }
                if simplified.nodeCount > maximumResultSize {
                    throw CalculusError(.limit, "the derivative has more than \(maximumResultSize) terms")
                }
                current = simplified
            }
        } catch {
            // The steps of earlier orders can hold hundreds of megabytes: free them off this thread
            // so that the error (an interrupt above all) is reported at once.
            OSThread.releaseInBackground((steps, current))
            throw error
        }
        return Derivation(expression: expression, variable: variable, order: order, result: current, steps: steps)
    }

    public func differentiate(_ expression: Expression, bySubexpression held: Expression, order: Int) throws(CalculusError) -> Expression {
        try derivation(of: expression, bySubexpression: held, order: order).result
    }

    /// The derivative with respect to a subexpression (`dz/d(w*x + b)`, the texts' `dz/d(wx+b)`): every
    /// place the expression has it, as written or the same once simplified (so `b + x·w` is found for
    /// `w*x + b`), becomes a placeholder variable; the rest of the expression is held fixed. The steps
    /// speak of the placeholder; the answer has the subexpression written back in.
    /// `description` names the expression in an error (`z = σ(w·x + b)` rather than its written-out form).
    public func derivation(
        of expression: Expression, bySubexpression held: Expression, order: Int, description: String? = nil
    ) throws(CalculusError) -> Derivation {
        if case .variable(let name) = held { return try derivation(of: expression, variable: name, order: order) }
        guard !held.freeVariables.isEmpty else {
            throw CalculusError(
                .syntax, "\(ExpressionPrinter.unicode.print(held)) is a constant: differentiate with respect to a name or an expression with one")
        }
        let simplifier = Simplifier(isInterrupted: isInterrupted)
        let target = simplifier.simplify(held)
        let size = held.nodeCount
        let used = Set(expression.freeVariables).union(held.freeVariables)
        let placeholder = ["u", "v", "t", "s", "q", "ξ"].first { !used.contains($0) } ?? "ξ"
        var found = false
        let replaced = expression.transformed { node -> Expression? in
            // Only a subtree of about the subexpression's size can simplify to it: simplifying every
            // subtree of a large expression would cost its size squared.
            guard node == held || (node.nodeCount(upTo: 4 * size + 8) <= 4 * size + 4 && simplifier.simplify(node) == target)
            else { return nil }
            found = true
            return .variable(placeholder)
        }
        guard found else {
            throw CalculusError(
                .math, "\(ExpressionPrinter.unicode.print(held)) does not appear in \(description ?? ExpressionPrinter.unicode.print(expression)), "
                    + "so it cannot be held as the variable")
        }
        var derivation = try derivation(of: replaced, variable: placeholder, order: order)
        derivation.expression = expression
        derivation.result = simplifier.simplify(derivation.result.substituting([placeholder: held]))
        derivation.heldSubexpression = held
        return derivation
    }

    /// Layers of functions and powers on the deepest path (sums and products do not count).
    static func compositionDepth(of expression: Expression) -> Int {
        var deepest = 0
        var pending: [(Expression, Int)] = [(expression, 0)]
        while let (node, layers) = pending.popLast() {
            deepest = max(deepest, layers)
            switch node {
            case .number, .constant, .variable: break
            case .negate(let operand): pending.append((operand, layers))
            case .binary(.power, let base, let exponent): pending.append((base, layers + 1)); pending.append((exponent, layers + 1))
            case .binary(.divide, let a, let b): pending.append((a, layers)); pending.append((b, layers + 1))
            case .binary(_, let a, let b): pending.append((a, layers)); pending.append((b, layers))
            case .builtin(_, let argument): pending.append((argument, layers + 1))
            case .call(_, let arguments), .prime(_, _, let arguments): pending.append(contentsOf: arguments.map { ($0, layers + 1) })
            case .derivative(let body, _, _): pending.append((body, layers + 1))
            case .derivativeBySubexpression(let body, let held, _): pending.append((body, layers + 1)); pending.append((held, layers))
            }
        }
        return deepest
    }

    /// One differentiation pass over one expression.
    struct Run {
        let variable: String
        let isInterrupted: @Sendable () -> Bool
        let simplifier: Simplifier
        var visited = 0
        /// The last chain rule's answer with its product form. In `f(g(h(x)))` each layer's answer
        /// is the next layer's g′(x): reading its factors back from the expression compared every
        /// pair of them again, layer after layer.
        var lastChainProduct: (answer: Expression, form: Simplifier.ProductForm)?
        let cache: DerivativeCache?

        init(variable: String, isInterrupted: @escaping @Sendable () -> Bool, simplifier: Simplifier, cache: DerivativeCache? = nil) {
            self.variable = variable
            self.isInterrupted = isInterrupted
            self.simplifier = simplifier
            self.cache = cache
        }

        private func step(
            _ rule: DerivativeStep.Rule, _ expression: Expression, _ result: Expression, _ substeps: [DerivativeStep] = [],
            chain: DerivativeStep.ChainParts? = nil
        ) -> DerivativeStep {
            DerivativeStep(rule: rule, expression: expression, result: result, substeps: substeps, chain: chain, variable: variable)
        }

        private func dependsOnVariable(_ expression: Expression) -> Bool {
            expression.contains { node in
                if case .variable(let name) = node { name == variable } else { false }
            }
        }

        /// The step that differentiates `expression`, and its result simplified: from the cache when an
        /// earlier derivation took it already.
        mutating func derive(_ expression: Expression) throws(CalculusError) -> (DerivativeStep, Expression) {
            guard let cache, DerivativeCache.isWorthKeeping(expression) else { return try deriveAfresh(expression) }
            return try cache.derivative(of: expression, by: variable) { () throws(CalculusError) in try deriveAfresh(expression) }
        }

        private mutating func deriveAfresh(_ expression: Expression) throws(CalculusError) -> (DerivativeStep, Expression) {
            visited += 1
            if visited & 255 == 0, isInterrupted() { throw CalculusError.interruptedByUser }
            guard dependsOnVariable(expression) else {
                // A derivative or a function call inside is written out first (one walk for both).
                let needsWritingOut = expression.contains { node in
                    switch node {
                    case .derivative, .derivativeBySubexpression, .prime, .call: true
                    default: false
                    }
                }
                if needsWritingOut {
                    return try deriveSpecial(expression)
                }
                return (step(.constant, expression, .zero), .zero)
            }
            switch expression {
            case .variable:
                return (step(.power, expression, .one), .one)
            case .negate(let operand):
                let (inner, derivative) = try derive(operand)
                let raw = Expression.negate(derivative)
                return (step(.constantMultiple, expression, raw, [inner]), simplifier.simplify(raw))
            case .binary(.add, _, _), .binary(.subtract, _, _):
                return try deriveSum(expression)
            case .binary(.multiply, _, _):
                return try deriveProduct(expression)
            case .binary(.divide, let numerator, let denominator):
                if !dependsOnVariable(denominator) {
                    let (inner, derivative) = try derive(numerator)
                    let raw = Expression.binary(.divide, derivative, denominator)
                    return (step(.constantMultiple, expression, raw, [inner]), simplifier.simplify(raw))
                }
                let (top, topDerivative) = try derive(numerator)
                let (bottom, bottomDerivative) = try derive(denominator)
                let raw = Expression.binary(
                    .divide,
                    .binary(.subtract, .binary(.multiply, topDerivative, denominator), .binary(.multiply, numerator, bottomDerivative)),
                    .binary(.power, denominator, .number(2)))
                return (step(.quotient, expression, raw, [top, bottom]), simplifier.simplify(raw))
            case .binary(.power, let base, let exponent):
                return try derivePower(expression, base, exponent)
            case .builtin(let function, let argument):
                let rule = DerivativeStep.Rule(rawValue: function.ruleName) ?? .constant
                let placeholder = placeholderName(for: expression)
                return try applyOuter(
                    expression, argument, rule: rule, outer: .builtin(function, .variable(placeholder)),
                    outerDerivative: function.derivative(at: .variable(placeholder)), placeholder: placeholder)
            case .call, .prime, .derivative, .derivativeBySubexpression:
                return try deriveSpecial(expression)
            case .number, .constant:
                return (step(.constant, expression, .zero), .zero)
            }
        }

        /// A nested derivative is taken first; user functions must have been written out before.
        private mutating func deriveSpecial(_ expression: Expression) throws(CalculusError) -> (DerivativeStep, Expression) {
            switch expression {
            case .derivative, .derivativeBySubexpression:
                return try derive(try writtenOut(expression)!)
            case .call(let name, _), .prime(let name, _, _):
                throw CalculusError(.name, "unknown function \(name)", symbol: name)
            default:
                // Contains a derivative or call somewhere inside: write those out, then differentiate.
                let written = try expression.transformed { (node) throws(CalculusError) -> Expression? in
                    if let derivative = try writtenOut(node) { return derivative }
                    switch node {
                    case .call(let name, _), .prime(let name, _, _):
                        throw CalculusError(.name, "unknown function \(name)", symbol: name)
                    default:
                        return nil
                    }
                }
                return try derive(written)
            }
        }

        /// A derivative inside the expression, taken; nil for any other node.
        private func writtenOut(_ node: Expression) throws(CalculusError) -> Expression? {
            let differentiator = SymbolicDifferentiator(isInterrupted: isInterrupted)
            switch node {
            case .derivative(let body, let innerVariable, let order):
                return try differentiator.differentiate(body, variable: innerVariable, order: order)
            case .derivativeBySubexpression(let body, let held, let order):
                return try differentiator.derivation(of: body, bySubexpression: held, order: order).result
            default:
                return nil
            }
        }

        private func placeholderName(for expression: Expression) -> String {
            let used = Set(expression.freeVariables)
            return ["u", "v", "t", "s", "ξ"].first { !used.contains($0) && $0 != variable } ?? "u"
        }

        /// `f(g(x))`: the direct rule when `g(x)` is the variable itself, else the chain rule.
        private mutating func applyOuter(
            _ expression: Expression, _ inner: Expression, rule: DerivativeStep.Rule, outer: Expression,
            outerDerivative: Expression, placeholder: String
        ) throws(CalculusError) -> (DerivativeStep, Expression) {
            let readableOuterDerivative = simplifier.simplify(outerDerivative)
            if case .variable(let name) = inner, name == variable {
                let raw = readableOuterDerivative.substituting([placeholder: inner])
                return (step(rule, expression, raw), simplifier.simplify(raw))
            }
            let outerStep = DerivativeStep(
                rule: rule, expression: outer, result: readableOuterDerivative, substeps: [], chain: nil, variable: placeholder)
            let atInner = simplifier.simplify(readableOuterDerivative.substituting([placeholder: inner]))
            let (innerStep, innerDerivative) = try derive(inner)
            let raw = Expression.binary(.multiply, atInner, innerDerivative)
            let parts = DerivativeStep.ChainParts(
                outer: outer, inner: inner, outerDerivative: readableOuterDerivative, outerAtInner: atInner,
                innerDerivative: innerDerivative, placeholder: placeholder)
            var knownForm: Simplifier.ProductForm?
            if let last = lastChainProduct, last.answer.isSameNode(as: innerDerivative) {
                knownForm = last.form
                assert(String(describing: last.form) == String(describing: simplifier.product(of: innerDerivative)))
            }
            let (answer, form) = simplifier.multiplySimplified(atInner, innerDerivative, knownForm: knownForm)
            lastChainProduct = form.readsBackUnchanged ? (answer, form) : nil
            return (step(.chain, expression, raw, [outerStep, innerStep], chain: parts), answer)
        }

        private mutating func derivePower(
            _ expression: Expression, _ base: Expression, _ exponent: Expression
        ) throws(CalculusError) -> (DerivativeStep, Expression) {
            let placeholder = placeholderName(for: expression)
            let u = Expression.variable(placeholder)
            switch (dependsOnVariable(base), dependsOnVariable(exponent)) {
            case (true, false):
                // d/du uⁿ = n·uⁿ⁻¹
                let lowered = simplifier.simplify(.binary(.subtract, exponent, .number(1)))
                return try applyOuter(
                    expression, base, rule: .power, outer: .binary(.power, u, exponent),
                    outerDerivative: .binary(.multiply, exponent, .binary(.power, u, lowered)), placeholder: placeholder)
            case (false, true):
                // d/du aᵘ = aᵘ·ln(a)
                return try applyOuter(
                    expression, exponent, rule: .exp, outer: .binary(.power, base, u),
                    outerDerivative: .binary(.multiply, .binary(.power, base, u), .builtin(.ln, base)), placeholder: placeholder)
            default:
                // Logarithmic differentiation: y = f^g, ln(y) = g·ln(f), y′ = y·(g·ln(f))′.
                let logarithm = Expression.binary(.multiply, exponent, .builtin(.ln, base))
                let (inner, derivative) = try derive(logarithm)
                var substeps = [inner]
                if inner.result != derivative { substeps.append(step(.simplify, inner.result, derivative)) }
                let raw = Expression.binary(.multiply, expression, derivative)
                return (step(.generalPower, expression, raw, substeps), simplifier.simplify(raw))
            }
        }

        private mutating func deriveSum(_ expression: Expression) throws(CalculusError) -> (DerivativeStep, Expression) {
            // The whole chain of + and - is one sum step (walked in a loop: long sums are deep trees).
            let terms = Simplifier.terms(of: expression)
            var substeps: [DerivativeStep] = []
            substeps.reserveCapacity(terms.count)
            var raw: Expression?
            // Each term's derivative comes back simplified: collect like terms across them without
            // simplifying every term a second time (what `simplify(raw)` would do).
            var simplified = Simplifier.SumForm()
            for (negative, term) in terms {
                let (termStep, derivative) = try derive(term)
                substeps.append(termStep)
                if let sum = raw {
                    raw = .binary(negative ? .subtract : .add, sum, derivative)
                } else {
                    raw = negative ? .negate(derivative) : derivative
                }
                simplified.add(derivative, negated: negative)
            }
            let result = raw ?? .zero
            return (step(.sum, expression, result, substeps), simplified.expression)
        }

        private mutating func deriveProduct(_ expression: Expression) throws(CalculusError) -> (DerivativeStep, Expression) {
            let factors = Simplifier.factors(of: expression)
            let constants = factors.filter { !dependsOnVariable($0) }
            let variables = factors.filter(dependsOnVariable)
            let constant: Expression? = constants.isEmpty ? nil : constants.dropFirst().reduce(constants[0]) { .binary(.multiply, $0, $1) }
            func scaled(_ value: Expression) -> Expression {
                constant.map { .binary(.multiply, $0, value) } ?? value
            }
            if variables.count == 1 {
                let (inner, derivative) = try derive(variables[0])
                let raw = scaled(derivative)
                return (step(.constantMultiple, expression, raw, [inner]), simplifier.simplify(raw))
            }
            guard let constant else { return try productRule(variables, of: expression) }
            // c·f₁⋯fₙ: the product rule's step is the derivative of f₁⋯fₙ, kept in the cache as any
            // other (so `0.3·f·g` and `-0.6·f·g` share it), then scaled.
            let productOfVariables = variables.dropFirst().reduce(variables[0]) { .binary(.multiply, $0, $1) }
            let (inner, simplifiedSum) = if let cache {
                try cache.derivative(of: productOfVariables, by: variable) { () throws(CalculusError) in
                    try productRule(variables, of: productOfVariables)
                }
            } else {
                try productRule(variables, of: productOfVariables)
            }
            var scaledSum = simplifier.simplifiedFactors(of: constant)
            scaledSum.multiply(by: simplifier.product(of: simplifiedSum))
            scaledSum.normalize()
            return (step(.constantMultiple, expression, scaled(inner.result), [inner]), scaledSum.expression)
        }

        /// (f₁·f₂·…·fₙ)′ for two or more factors that all depend on the variable.
        private mutating func productRule(
            _ variables: [Expression], of expression: Expression
        ) throws(CalculusError) -> (DerivativeStep, Expression) {
            // (f₁·f₂·…·fₙ)′ = Σᵢ f₁⋯fᵢ′⋯fₙ
            var substeps: [DerivativeStep] = []
            var terms: [Expression] = []
            substeps.reserveCapacity(variables.count)
            terms.reserveCapacity(variables.count)
            // Each term is simplified as `simplify` would simplify it, but every fⱼ is simplified
            // once instead of once per term: n factors cost n simplifications, not n².
            let factorForms = variables.map { simplifier.product(of: simplifier.simplify($0)) }
            // When no two factors share a base (the usual case), the product of all factors but one
            // is their factor lists side by side: merging them one at a time compared every pair of
            // factors again for every term (n³ comparisons for n factors). Then all factors are in
            // canonical order once, with the factor each came from; leaving one factor's out keeps
            // the rest in order.
            let (ordered, basesAreDistinct) = Simplifier.ProductForm.orderedFactors(of: factorForms)
            // Term i is written as the rule reads, fᵢ′ in fᵢ's place: f₁⋯fᵢ₋₁·fᵢ′·fᵢ₊₁⋯fₙ. Then
            // every term begins with the one before's leading factors, f₁⋯fᵢ₋₁, built once.
            var leading: Expression?
            var derivativeForms: [Simplifier.ProductForm] = []
            derivativeForms.reserveCapacity(variables.count)
            for index in variables.indices {
                let (inner, derivative) = try derive(variables[index])
                substeps.append(inner)
                var term = leading.map { .binary(.multiply, $0, derivative) } ?? derivative
                for other in variables.indices.dropFirst(index + 1) { term = .binary(.multiply, term, variables[other]) }
                leading = leading.map { .binary(.multiply, $0, variables[index]) } ?? variables[index]
                terms.append(term)
                derivativeForms.append(simplifier.simplifiedFactors(of: derivative))
            }
            let simplifiedSum: Expression
            if basesAreDistinct, derivativeForms.allSatisfy({ $0.factors.isEmpty }),
                let written = Simplifier.sumLeavingEachOwnerOut(
                    ordered, coefficients: variables.indices.map { Self.coefficient(ofTerm: $0, derivativeForms, factorForms) })
            {
                simplifiedSum = written
            } else {
                simplifiedSum = simplifiedSumOfTerms(derivativeForms, factorForms, ordered, basesAreDistinct: basesAreDistinct)
            }
            assert(simplifiedSum == simplifiedSumOfTerms(derivativeForms, factorForms, ordered, basesAreDistinct: basesAreDistinct),
                   "the product rule's sum written directly differs from adding its terms")
            let sum = terms.dropFirst().reduce(terms[0]) { .binary(.add, $0, $1) }
            return (step(.product, expression, sum, substeps), simplifiedSum)
        }

        /// The coefficient of the product rule's term i: fᵢ′'s times every other factor's, in the
        /// order merging the factors one by one takes them (so that real coefficients round alike).
        private static func coefficient(
            ofTerm index: Int, _ derivativeForms: [Simplifier.ProductForm], _ factorForms: [Simplifier.ProductForm]
        ) -> Coefficient {
            factorForms.indices.reduce(derivativeForms[index].coefficient) { $1 == index ? $0 : $0 * factorForms[$1].coefficient }
        }

        /// The product rule's terms fᵢ′·∏ⱼ≠ᵢ fⱼ, each simplified as `simplify` would simplify it, added
        /// up, given each fᵢ′ and fⱼ simplified as a product (and, when no two factors share a base,
        /// all their factors in canonical order with the factor each came from).
        private func simplifiedSumOfTerms(
            _ derivativeForms: [Simplifier.ProductForm], _ factorForms: [Simplifier.ProductForm],
            _ ordered: [(factor: Simplifier.Factor, owner: Int)], basesAreDistinct: Bool
        ) -> Expression {
            var sum = Simplifier.SumForm()
            sum.reserveCapacity(factorForms.count)
            for index in factorForms.indices {
                var product = derivativeForms[index]
                if basesAreDistinct {
                    product.coefficient = Self.coefficient(ofTerm: index, derivativeForms, factorForms)
                    // All but fᵢ's factors, already in canonical order: only fᵢ′'s merge in.
                    let others = ordered.compactMap { $0.owner == index ? nil : $0.factor }
                    if product.factors.isEmpty {
                        product.factors = others
                    } else {
                        product.multiply(by: Simplifier.ProductForm(coefficient: .one, factors: others))
                        product.normalize()
                    }
                } else {
                    for other in factorForms.indices where other != index { product.multiply(by: factorForms[other]) }
                    product.normalize()
                }
                sum.add(product: product)
            }
            return sum.expression
        }
    }
}
