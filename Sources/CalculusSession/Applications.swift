import CalculusLanguage
import SymbolicEngine

/// `tangent E at x = a`: the line, from the value and the derivative at the point.
public struct TangentResult: Sendable, Equatable {
    public var expression: Expression
    public var variable: String
    public var assignments: [Assignment]
    /// The point as it is known exactly (`1`, `π/2`) and as a number.
    public var point: Expression
    public var pointValue: Double
    /// f(a) simplified (`sin(1)`), and its value when every name has one.
    public var valueAtPoint: Expression
    public var value: Double?
    /// f′ with its steps.
    public var derivative: DerivativeResult
    /// f′(a) simplified (`cos(1)`), and its value.
    public var slopeAtPoint: Expression
    public var slope: Double?
    /// `f(a) + f′(a)·(x − a)`, exact.
    public var line: Expression
    /// `slope·x + intercept` in numbers, when they are known.
    public var numericLine: Expression?
    public var intercept: Double?
    /// `E` and the line near the point, when every name has a value.
    public var plot: PlotData?
}

/// `taylor E at x = a order n`.
public struct TaylorResult: Sendable, Equatable {
    public var expansion: TaylorExpansion
    public var assignments: [Assignment]
    public var pointValue: Double
    /// f⁽ᵏ⁾(a) as numbers, when every name has a value.
    public var values: [Double]?
    /// The coefficients as the polynomial writes them: exact, or the value where the exact form is
    /// long (`sinh(tanh(3))·…` of forty terms reads worse than its number).
    public var coefficients: [Expression]
    public var polynomial: Expression
    /// The orders drawn beside `E` in the picture.
    public var plottedOrders: [Int]
    /// The polynomials of `plottedOrders`, then `E`, when every name has a value.
    public var plot: PlotData?
}

/// `dy/dx from LHS = RHS`.
public struct ImplicitResult: Sendable, Equatable {
    public var derivation: ImplicitDerivation
    public var assignments: [Assignment]
    /// The slope at the `at` point.
    public var value: Double?
}

/// `gradient`, `hessian` and `jacobian`: one derivative per entry, each with its steps.
public struct MatrixResult: Sendable, Equatable {
    public var kind: DerivativeMatrixKind
    /// The expression (for `jacobian`, each of them) as typed.
    public var expressions: [Expression]
    public var variables: [String]
    /// Row by row; a gradient is one row. Below a Hessian's diagonal, each entry is the one across
    /// it (`entries[j][i]`): second partial derivatives commute, so each is derived once.
    public var entries: [[DerivativeResult]]
    public var assignments: [Assignment]

    /// The entries' results as the list the language reads back.
    public var list: ListLiteral {
        let rows = entries.map { $0.map(\.derivation.result) }
        return kind == .gradient ? .vector(rows[0]) : .matrix(rows)
    }

    /// The entries' values, when every entry has one.
    public var values: ListLiteral? {
        var rows: [[Expression]] = []
        for row in entries {
            var numbers: [Expression] = []
            for entry in row {
                guard let value = entry.value else { return nil }
                numbers.append(.number(value))
            }
            rows.append(numbers)
        }
        return kind == .gradient ? .vector(rows[0]) : .matrix(rows)
    }
}

/// `[a, b]`, `[[a, b], [c, d]] at x = 1`: each entry evaluated as a statement of its own would be.
public struct ListResult: Sendable, Equatable {
    public var statement: ListLiteral
    public var assignments: [Assignment]
    public var result: ListLiteral
    /// Whether every entry came out a number.
    public var isNumeric: Bool
}

extension Session {
    /// The most entries of a gradient, Hessian, Jacobian or list (a Hessian by 20 names).
    public static let maximumMatrixEntries = 400

    /// What `tangent` and `taylor` start from: the point (the first `at` name, its value, and its exact
    /// form: the number as typed when it uses no names, else its value), every value, and the
    /// expression with its definitions written out.
    struct AboutAPoint {
        var variable: String
        var exact: Expression
        var value: Double
        var given: [String: Double]
        /// The session's values and the `at` values.
        var evaluator: NumericEvaluator
        var known: [String: Double]
        var resolved: Expression
        /// Whether every name has a value: then the numbers and the picture can be given.
        var isNumeric: Bool
    }

    private func about(
        _ body: Expression, at assignments: [Assignment], in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> AboutAPoint {
        let base = evaluator(environment, isInterrupted)
        let given = try values(of: assignments, with: base)
        let first = assignments[0]
        let value = given[first.name]!
        guard value.isFinite else { throw CalculusError(.math, "the point \(first.name) = \(NumberFormatting.shortest(value)) is not a number") }
        let exact = first.value.freeVariables.isEmpty && !first.value.containsDerivative ? first.value : .number(value)
        let resolved = try resolve(body, in: environment, holding: [first.name], isInterrupted: isInterrupted)
        let known = environment.values.merging(given) { $1 }
        return AboutAPoint(
            variable: first.name, exact: exact, value: value, given: given, evaluator: base.with(given), known: known,
            resolved: resolved, isNumeric: resolved.freeVariables.allSatisfy { known[$0] != nil })
    }

    func tangent(
        _ body: Expression, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> TangentResult {
        let point = try about(body, at: assignments, in: environment, isInterrupted: isInterrupted)
        let (variable, exact, a, given, base, known, resolved, numeric) =
            (point.variable, point.exact, point.value, point.given, point.evaluator, point.known, point.resolved, point.isNumeric)
        // The value first: a point outside the domain is said as such, not as a fault of the derivative.
        let value = numeric
            ? try checkDefined(resolved, at: a, variable: variable, order: 0, with: base, in: environment, for: "there is no tangent line there") : nil
        let derivative: DerivativeResult
        do throws(CalculusError) {
            derivative = try self.derivative(
                of: body, variable: variable, order: 1, at: assignments, in: environment, isInterrupted: isInterrupted)
        } catch where error.kind == .math {
            throw CalculusError(
                .math, "\(variable) = \(NumberFormatting.shortest(a)): the function has no derivative there (\(error.message)), "
                    + "so it has no tangent line there")
        }
        let simplifier = Simplifier(isInterrupted: isInterrupted)
        // A tangent line is about numbers at a point: names with values are put in (`sin(2)`, not `sin(k)`).
        let numbers = Self.numbers(known, except: variable).merging([variable: exact]) { $1 }
        let valueAtPoint = try simplifier.simplifyUnlessInterrupted(resolved.substituting(numbers))
        let slopeAtPoint = try simplifier.simplifyUnlessInterrupted(derivative.derivation.result.substituting(numbers))
        let line = Terms.sum([
            valueAtPoint, Terms.term(slopeAtPoint, times: Terms.offset(variable, from: exact)),
        ])
        var result = TangentResult(
            expression: body, variable: variable, assignments: assignments, point: exact, pointValue: a,
            valueAtPoint: valueAtPoint, value: nil, derivative: derivative, slopeAtPoint: slopeAtPoint, slope: derivative.value,
            line: line)
        guard let value, let slope = derivative.value else { return result }
        guard slope.isFinite else {
            throw CalculusError(.math, "\(variable) = \(NumberFormatting.shortest(a)): the slope there is not finite, so there is no tangent line")
        }
        let intercept = value - slope * a
        result.value = value
        result.intercept = intercept
        result.numericLine = Terms.sum([
            Terms.term(.number(slope), times: .variable(variable)), .number(intercept),
        ])
        let others = given.filter { $0.key != variable }.mapValues(Expression.number)
        if var drawn = try? picture(of: body.substituting(others), variable: variable, around: a, halfWidth: 2, in: environment, isInterrupted: isInterrupted) {
            // A straight line needs its two ends only.
            let ends = [drawn.from, drawn.to].map { PlotData.Point(x: $0, y: value + slope * ($0 - a)) }
            drawn.curves.append(PlotData.Curve(expression: result.numericLine!, segments: [ends]))
            result.plot = drawn
        }
        return result
    }

    func taylor(
        _ body: Expression, at assignments: [Assignment], order: Int, in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> TaylorResult {
        let point = try about(body, at: assignments, in: environment, isInterrupted: isInterrupted)
        let (variable, exact, a, given, base, known, resolved, numeric) =
            (point.variable, point.exact, point.value, point.given, point.evaluator, point.known, point.resolved, point.isNumeric)
        // The function itself first: a point outside the domain is said before any differentiating.
        if numeric {
            try checkDefined(resolved, at: a, variable: variable, order: 0, with: base, in: environment, for: "there is no Taylor polynomial about it")
        }
        // As for a tangent line, names with values are put in: the polynomial is in the variable alone.
        var expansion = try TaylorExpansion.expand(
            resolved.substituting(Self.numbers(known, except: variable)), variable: variable, point: exact, order: order,
            isInterrupted: isInterrupted)
        expansion.expression = body
        var values: [Double]?
        if numeric {
            var numbers: [Double] = []
            if expansion.derivatives.isEmpty {
                // From series arithmetic the values are exact fractions already: only divided out.
                for value in expansion.valuesAtPoint { numbers.append(try base.evaluate(value)) }
            } else {
                // Each derivative evaluated at the point, which also finds a point outside the domain of
                // a higher derivative.
                for (k, derivative) in expansion.derivatives.enumerated() {
                    numbers.append(try checkDefined(
                        derivative, at: a, variable: variable, order: k, with: base, in: environment,
                        for: "there is no Taylor polynomial about it"))
                }
            }
            values = numbers
        }
        var coefficients = expansion.coefficients
        if let values {
            var factorial = 1.0
            for k in coefficients.indices {
                if k > 0 { factorial *= Double(k) }
                if coefficients[k].nodeCount(upTo: Self.exactCoefficientNodes + 1) > Self.exactCoefficientNodes {
                    coefficients[k] = .number(values[k] / factorial)
                }
            }
        }
        let orders = Self.plottedOrders(order)
        var plot: PlotData?
        if numeric {
            let others = given.filter { $0.key != variable }.mapValues(Expression.number)
            if let values, var drawn = try? picture(
                of: body.substituting(others), variable: variable, around: a, halfWidth: 3, in: environment, isInterrupted: isInterrupted)
            {
                // The polynomials from their coefficients (Horner's rule in x - a), at the function's samples.
                var factorial = 1.0
                let numbers = values.indices.map { k -> Double in
                    if k > 0 { factorial *= Double(k) }
                    return values[k] / factorial
                }
                let xs = (0..<drawn.sampleCount).map { drawn.from + (drawn.to - drawn.from) * Double($0) / Double(drawn.sampleCount - 1) }
                let polynomials = orders.map { order in
                    PlotData.Curve(
                        expression: expansion.polynomial(upTo: order, coefficients: coefficients),
                        segments: [xs.map { x in
                            PlotData.Point(x: x, y: numbers[0...order].reversed().reduce(0) { $0 * (x - a) + $1 })
                        }])
                }
                drawn.curves = polynomials + drawn.curves
                plot = drawn
            }
        }
        return TaylorResult(
            expansion: expansion, assignments: assignments, pointValue: a, values: values, coefficients: coefficients,
            polynomial: expansion.polynomial(coefficients: coefficients), plottedOrders: orders, plot: plot)
    }

    /// A Taylor coefficient whose exact form has more nodes than this is written as its value.
    static let exactCoefficientNodes = 24

    /// The values as numbers to put in, all but `variable`'s.
    static func numbers(_ values: [String: Double], except variable: String) -> [String: Expression] {
        values.filter { $0.key != variable }.mapValues(Expression.number)
    }

    /// Samples of the curve in the pictures of `tangent` and `taylor`: over the chart's 640 pixels a
    /// smooth curve needs no more.
    static let applicationPlotSamples = 121

    /// `E` near the point, as `plot` samples it (gaps where undefined, breaks at poles).
    func picture(
        of body: Expression, variable: String, around a: Double, halfWidth: Double, in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> PlotData {
        let (from, to) = pictureSpan.map { ($0.lowerBound - halfWidth, $0.upperBound + halfWidth) } ?? (a - halfWidth, a + halfWidth)
        let step = (to - from) / Double(Self.applicationPlotSamples - 1)
        return try plot(
            [body], RangeSpecification(variable: variable, from: .number(from), to: .number(to), step: .number(step)),
            in: environment, isInterrupted: isInterrupted)
    }

    /// Up to four orders to draw: the first, two between, and the last.
    static func plottedOrders(_ order: Int) -> [Int] {
        var orders: [Int] = []
        for share in [0.0, 1.0 / 3, 2.0 / 3, 1.0] {
            let k = Swift.max(1, Int((Double(order) * share).rounded()))
            if !orders.contains(k) { orders.append(k) }
        }
        return orders
    }

    /// f⁽ᵏ⁾(a) as a number, or an error that says the point is outside the domain (so `purpose`: "there is no tangent line there").
    @discardableResult
    private func checkDefined(
        _ derivative: Expression, at a: Double, variable: String, order: Int, with base: NumericEvaluator,
        in environment: Environment, for purpose: String
    ) throws(CalculusError) -> Double {
        let what = order == 0 ? "the function" : "its derivative of order \(order)"
        let point = "\(variable) = \(NumberFormatting.shortest(a))"
        let value: Double
        do throws(CalculusError) {
            value = try trustedValue(of: derivative, with: base.with([variable: a]), in: environment)
        } catch where error.kind == .math {
            throw CalculusError(.math, "\(point) is outside the domain: \(what) has no value there (\(error.message)), so \(purpose)")
        }
        guard value.isFinite else {
            throw CalculusError(.math, "\(point) is outside the domain: \(what) is not finite there, so \(purpose)")
        }
        return value
    }

    func implicit(
        dependent: String, independent: String, left: Expression, right: Expression, at assignments: [Assignment],
        in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ImplicitResult {
        let held: Set<String> = [dependent, independent]
        let leftResolved = try resolve(left, in: environment, holding: held, isInterrupted: isInterrupted)
        let rightResolved = try resolve(right, in: environment, holding: held, isInterrupted: isInterrupted)
        let derivation = try ImplicitDerivation.derive(
            left: leftResolved, right: rightResolved, dependent: dependent, independent: independent,
            isInterrupted: isInterrupted)
        guard !assignments.isEmpty else {
            return ImplicitResult(derivation: derivation, assignments: [], value: nil)
        }
        var base = evaluator(environment, isInterrupted)
        let given = try values(of: assignments, with: base)
        for name in [independent, dependent] where given[name] == nil {
            throw CalculusError(
                .name, "the slope of a curve is at a point: give \(name) too, as in at \(independent) = 3, \(dependent) = 4", symbol: name)
        }
        base = base.with(given)
        let point = "(\(NumberFormatting.shortest(given[independent]!)), \(NumberFormatting.shortest(given[dependent]!)))"
        let leftValue = try base.evaluate(leftResolved)
        let rightValue = try base.evaluate(rightResolved)
        let tolerance = 1e-9 * Swift.max(1, Swift.abs(leftValue), Swift.abs(rightValue))
        guard Swift.abs(leftValue - rightValue) <= tolerance else {
            let equation = "\(ExpressionPrinter.unicode.print(left)) = \(ExpressionPrinter.unicode.print(right))"
            throw CalculusError(
                .math, "\(point) is not on the curve \(equation): there the left side is \(NumberFormatting.shortest(leftValue)) "
                    + "and the right side \(NumberFormatting.shortest(rightValue))")
        }
        let coefficient = try base.evaluate(derivation.coefficient)
        guard coefficient != 0 else {
            throw CalculusError(
                .math, "the tangent to the curve at \(point) is vertical (the d\(dependent)/d\(independent) terms vanish there), "
                    + "so d\(dependent)/d\(independent) has no value")
        }
        let value = try trustedValue(of: derivation.result, with: base, in: environment)
        return ImplicitResult(derivation: derivation, assignments: assignments, value: value)
    }

    func derivativeMatrix(
        _ kind: DerivativeMatrixKind, _ expressions: [Expression], withRespectTo names: [String]?, at assignments: [Assignment],
        in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> MatrixResult {
        var variables = names ?? []
        if names == nil {
            for expression in expressions {
                let written = try resolve(expression, in: environment, isInterrupted: isInterrupted)
                for name in written.freeVariables where !variables.contains(name) { variables.append(name) }
            }
            guard !variables.isEmpty else {
                throw CalculusError(.math, "\(expressions.map(ExpressionPrinter.unicode.print).joined(separator: ", ")) has no variables to differentiate by")
            }
        }
        let count = variables.count * (kind == .gradient ? 1 : kind == .hessian ? variables.count : expressions.count)
        guard count <= Self.maximumMatrixEntries else {
            throw CalculusError(.limit, "the \(kind.rawValue) would have \(count) entries; at most \(Self.maximumMatrixEntries)")
        }
        let held = Set(variables)
        let cache = DerivativeCache()
        func entry(_ body: Expression, _ variable: String, statement: Expression) throws(CalculusError) -> DerivativeResult {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            let derivation = try SymbolicDifferentiator(isInterrupted: isInterrupted).derivation(
                of: body, variable: variable, order: 1, sharing: cache)
            return try valued(derivation, statement: statement, at: assignments, in: environment, isInterrupted: isInterrupted)
        }
        var rows: [[DerivativeResult]] = []
        switch kind {
        case .gradient, .hessian:
            let resolved = try resolve(expressions[0], in: environment, holding: held, isInterrupted: isInterrupted)
            var gradient: [DerivativeResult] = []
            for variable in variables {
                gradient.append(try entry(resolved, variable, statement: .derivative(expressions[0], variable: variable, order: 1)))
            }
            if kind == .gradient {
                rows = [gradient]
            } else {
                for (i, (first, partial)) in zip(variables, gradient).enumerated() {
                    var row: [DerivativeResult] = []
                    for (j, second) in variables.enumerated() {
                        if j < i {
                            row.append(rows[j][i])
                            continue
                        }
                        let statement = Expression.derivative(
                            .derivative(expressions[0], variable: first, order: 1), variable: second, order: 1)
                        row.append(try entry(partial.derivation.result, second, statement: statement))
                    }
                    rows.append(row)
                }
            }
        case .jacobian:
            for expression in expressions {
                let resolved = try resolve(expression, in: environment, holding: held, isInterrupted: isInterrupted)
                var row: [DerivativeResult] = []
                for variable in variables {
                    row.append(try entry(resolved, variable, statement: .derivative(expression, variable: variable, order: 1)))
                }
                rows.append(row)
            }
        }
        return MatrixResult(kind: kind, expressions: expressions, variables: variables, entries: rows, assignments: assignments)
    }

    func list(
        _ literal: ListLiteral, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ListResult {
        let count = literal.rows.reduce(0) { $0 + $1.count }
        guard count <= Self.maximumMatrixEntries else {
            throw CalculusError(.limit, "the list has \(count) entries; at most \(Self.maximumMatrixEntries)")
        }
        var isNumeric = true
        let result = try literal.map { (entry) throws(CalculusError) -> Expression in
            switch try evaluate(entry, at: assignments, in: environment, isInterrupted: isInterrupted).outcome {
            case .number(let value): return .number(value)
            case .expression(let expression):
                isNumeric = false
                return expression
            }
        }
        return ListResult(statement: literal, assignments: assignments, result: result, isNumeric: isNumeric)
    }
}
