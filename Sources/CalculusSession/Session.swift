import CalculusLanguage
#if canImport(Glibc)
import Glibc
#endif
import SymbolicEngine
import AutogradEngine

/// A notebook session: the environment that cells share, and the running of a cell statement by
/// statement. A statement that fails changes nothing: bindings from earlier statements of the same
/// cell stay, and the failing one and those after it do not run.
///
/// Calls recurse as deep as expressions nest: run them on a thread with `OSThread.largeStackSize`.
public final class Session {
    public private(set) var environment = Environment()
    /// While `explore` moves the point of a tangent line or a Taylor polynomial, their pictures keep
    /// one view, over the whole span of the point's slider: the line moves along a curve that stays put.
    var pictureSpan: ClosedRange<Double>?

    /// The longest cell run, in UTF-8 bytes. A notebook cell is a few lines and a pasted table of
    /// data a megabyte; 16 MB is a hostile or broken client, refused before any of it is parsed.
    public static let maximumCellBytes = 16 << 20

    public init() {}

    /// Runs `cell`, handing each statement's result to `emit` as soon as it is ready.
    public func execute(
        _ cell: String, isInterrupted: @escaping @Sendable () -> Bool = { false },
        emit: (StatementResult) -> Void
    ) throws(CellError) {
        let size = cell.utf8.count
        guard size <= Self.maximumCellBytes else {
            throw CellError(
                error: CalculusError(.limit, "the cell has \(size) bytes; a cell may have at most \(Self.maximumCellBytes)"),
                statementRange: nil)
        }
        var parser = Parser(cell, boundNames: environment.boundNames)
        while true {
            let statement: Statement
            do {
                guard let next = try parser.nextStatement() else { return }
                statement = next
            } catch {
                throw CellError(error: error, statementRange: nil)
            }
            if isInterrupted() {
                throw CellError(error: CalculusError.interruptedByUser, statementRange: statement.range)
            }
            do {
                // Statements change the environment only in their last step, after every check has
                // passed, so a failing statement leaves it as it was without a copy.
                let result = try run(statement, in: &environment, isInterrupted: isInterrupted)
                switch statement.kind {
                case .bind(let name, _), .define(let name, _, _): parser.boundNames.insert(name)
                default: break
                }
                if let result { emit(result) }
            } catch {
                throw CellError(error: locate(error, in: statement, cell: cell), statementRange: statement.range)
            }
        }
    }

    /// Runs a cell and collects its results (for the command line and tests).
    public func run(_ cell: String) throws(CellError) -> [StatementResult] {
        var results: [StatementResult] = []
        try execute(cell) { results.append($0) }
        return results
    }

    func evaluator(_ environment: Environment, _ isInterrupted: @escaping @Sendable () -> Bool) -> NumericEvaluator {
        NumericEvaluator(
            environment: environment, differentiator: SymbolicDifferentiator(isInterrupted: isInterrupted),
            isInterrupted: isInterrupted)
    }

    func run(
        _ statement: Statement, in environment: inout Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> StatementResult? {
        switch statement.kind {
        case .bind(let name, let expression):
            try environment.bind(name, to: expression) { self.evaluator($0, isInterrupted) }
            return nil
        case .define(let name, let parameters, let body):
            try environment.define(name, parameters: parameters, body: body)
            return nil
        case .evaluate(.derivative(let body, let variable, let order), let assignments):
            return .derivative(try derivative(
                of: body, variable: variable, order: order, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .evaluate(.derivativeBySubexpression(let body, let held, let order), let assignments):
            return .derivative(try derivative(
                of: body, bySubexpression: held, order: order, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .evaluate(let expression, let assignments):
            return .value(try evaluate(expression, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .print(let items):
            var pieces: [String] = []
            for item in items {
                switch item {
                case .text(let text): pieces.append(text)
                case .expression(let expression):
                    let result = try evaluate(expression, at: [], in: environment, isInterrupted: isInterrupted)
                    pieces.append(ExpressionPrinter.unicode.print(result.resultExpression))
                }
            }
            return .printed(pieces.joined(separator: " ") + "\n")
        case .simplify(let expression):
            let resolved = try resolve(expression, in: environment, isInterrupted: isInterrupted)
            let simplified = try Simplifier(isInterrupted: isInterrupted).simplifyUnlessInterrupted(resolved)
            return .rewrite(RewriteResult(kind: .simplify, input: expression, output: simplified))
        case .expand(let expression):
            let resolved = try resolve(expression, in: environment, isInterrupted: isInterrupted)
            let expanded = try Expander(isInterrupted: isInterrupted).expand(resolved)
            return .rewrite(RewriteResult(kind: .expand, input: expression, output: expanded))
        case .derivativeTable(let variable, let order, let items):
            var rows: [DerivativeTable.Row] = []
            for item in items {
                let resolved = try resolve(item, in: environment, isInterrupted: isInterrupted)
                let derivation = try SymbolicDifferentiator(isInterrupted: isInterrupted)
                    .derivation(of: resolved, variable: variable, order: order)
                let first = derivation.steps.first
                rows.append(DerivativeTable.Row(
                    expression: item, chain: order == 1 ? first?.chain : nil,
                    chainProduct: order == 1 ? (first?.result ?? derivation.result) : derivation.result,
                    result: derivation.result))
            }
            return .derivativeTable(DerivativeTable(variable: variable, order: order, rows: rows))
        case .checkAnswer(.derivative(let body, let variable, let order), let answer):
            let derivative = try derivative(
                of: body, variable: variable, order: order, at: [], in: environment, isInterrupted: isInterrupted)
            let resolvedAnswer = try resolve(answer, in: environment, isInterrupted: isInterrupted)
            let verdict = try AnswerChecker().compare(
                answer: resolvedAnswer, expected: derivative.derivation.result,
                evaluator: evaluator(environment, isInterrupted))
            return .answerCheck(AnswerCheck(
                derivative: .derivative(body, variable: variable, order: order), answer: answer,
                expected: derivative.derivation.result, isCorrect: verdict.isEqual, method: verdict.method,
                counterexample: verdict.counterexample))
        case .gradient(let expression, let names):
            let graph = try autograd(expression, in: environment, isInterrupted: isInterrupted)
            return .gradient(GradientResult(kind: .grad, expression: expression, graph: graph, names: names))
        case .backward(let expression), .graph(let expression):
            let graph = try autograd(expression, in: environment, isInterrupted: isInterrupted)
            let kind: GradientResult.Kind = if case .backward = statement.kind { .backward } else { .graph }
            let leaves = graph.nodes.filter(\.isLeaf).map(\.label)
            return .gradient(GradientResult(kind: kind, expression: expression, graph: graph, names: leaves))
        case .checkAt(.derivative(let body, let variable, let order), let assignments):
            return .derivativeCheck(try checkDerivative(
                body, variable: variable, order: order, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .checkHere(.derivative(let body, let variable, let order)):
            return .derivativeCheck(try checkDerivative(
                body, variable: variable, order: order, at: [], in: environment, isInterrupted: isInterrupted))
        case .chain(let output, let variable):
            return .chain(try chain(output, variable: variable, in: environment, isInterrupted: isInterrupted))
        case .valueTable(let expressions, let range):
            return .valueTable(try valueTable(expressions, range, in: environment, isInterrupted: isInterrupted))
        case .plot(let expressions, let range):
            return .plot(try plot(expressions, range, in: environment, isInterrupted: isInterrupted))
        case .layers(let count, let body, let assignments):
            return .layers(try layers(count: count, body, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .descend(let loss, let names, let rate, let steps):
            return .descent(try descend(loss, names: names, rate: rate, steps: steps, in: &environment, isInterrupted: isInterrupted))
        case .list(let literal, let assignments):
            return .list(try list(literal, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .tangent(let body, let assignments):
            return .tangent(try tangent(body, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .taylor(let body, let assignments, let order):
            return .taylor(try taylor(body, at: assignments, order: order, in: environment, isInterrupted: isInterrupted))
        case .implicit(let dependent, let independent, let left, let right, let assignments):
            return .implicit(try implicit(
                dependent: dependent, independent: independent, left: left, right: right, at: assignments, in: environment,
                isInterrupted: isInterrupted))
        case .derivativeMatrix(let kind, let expressions, let names, let assignments):
            return .matrix(try derivativeMatrix(
                kind, expressions, withRespectTo: names, at: assignments, in: environment, isInterrupted: isInterrupted))
        case .explore(let inner, let sliders):
            return .explore(try explore(inner, sliders: sliders, in: environment, isInterrupted: isInterrupted))
        case .checkAnswer, .checkAt, .checkHere:
            throw CalculusError(.syntax, "check takes a derivative by a name: check d/dx E at x = a, check dL/dz, or check d/dx E = A")
        }
    }

    /// The numbers of `at x = 2, w = x + 1`: each value may use the ones before it.
    func values(of assignments: [Assignment], with evaluator: NumericEvaluator) throws(CalculusError) -> [String: Double] {
        var given: [String: Double] = [:]
        for assignment in assignments { given[assignment.name] = try evaluator.with(given).evaluate(assignment.value) }
        return given
    }

    /// The most rows a value table may have.
    public static let maximumTableRows = 100_000

    func valueTable(
        _ expressions: [Expression], _ range: RangeSpecification, in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ValueTable {
        let base = evaluator(environment, isInterrupted)
        let from = try base.evaluate(range.from)
        let to = try base.evaluate(range.to)
        let step = try range.step.map { (step) throws(CalculusError) in try base.evaluate(step) } ?? ((to - from) / 10)
        guard step > 0 || (from == to) else {
            throw CalculusError(.math, "the step must be positive (from \(NumberFormatting.shortest(from)) to \(NumberFormatting.shortest(to)))")
        }
        let count = from == to ? 1 : Int(((to - from) / step + 1e-9).rounded(.down)) + 1
        guard count >= 1 else { throw CalculusError(.math, "the range \(NumberFormatting.shortest(from))..\(NumberFormatting.shortest(to)) is empty") }
        guard count <= Self.maximumTableRows else {
            throw CalculusError(.limit, "the table would have \(count) rows; at most \(Self.maximumTableRows)")
        }
        // Only derivatives need writing out first; the evaluator calls functions itself.
        let resolved = try expressions.map { (expression) throws(CalculusError) in
            try environment.checkCalls(in: expression)
            return expression.containsDerivative ? try resolve(expression, in: environment, isInterrupted: isInterrupted) : expression
        }
        var rows: [(x: Double, values: [Double?])] = []
        rows.reserveCapacity(count)
        for index in 0..<count {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            // Multiply rather than add, so that 0.1 steps do not drift.
            // Rounded to 12 significant digits, so that 3 × 0.1 is 0.3, not 0.30000000000000004.
            let exact = from + Double(index) * step
            let scale = exact == 0 ? 1 : Glibc.pow(10, 11 - Glibc.floor(Glibc.log10(Swift.abs(exact))))
            let x = (exact * scale).rounded() / scale
            let at = base.with([range.variable: x])
            var values: [Double?] = []
            for expression in resolved {
                do {
                    values.append(try at.evaluate(expression))
                } catch where error.kind == .math {
                    values.append(nil)
                }
            }
            rows.append((x, values))
        }
        return ValueTable(variable: range.variable, expressions: expressions, rows: rows)
    }

    /// The computation graph of `expression` at the session's values (plus `overrides`), after backward.
    public func autograd(
        _ expression: Expression, in environment: Environment, overrides: [String: Double] = [:],
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> ComputationGraph {
        try environment.checkCalls(in: expression)
        let builder = GraphBuilder(
            environment: environment, overrides: overrides,
            resolve: { (inner) throws(CalculusError) in
                inner.containsDerivative ? try self.resolve(inner, in: environment, isInterrupted: isInterrupted) : inner
            },
            isInterrupted: isInterrupted)
        return try builder.build(expression)
    }

    /// `check d/dx E at x = a`: the symbolic derivative's value, autograd's, and a central difference.
    func checkDerivative(
        _ body: Expression, variable: String, order: Int, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> DerivativeCheck {
        guard order == 1 else {
            throw CalculusError(.syntax, "check … at compares first derivatives (autograd gives first derivatives)")
        }
        let symbolic = try derivative(of: body, variable: variable, order: 1, at: assignments, in: environment,
                                      isInterrupted: isInterrupted)
        guard let symbolicValue = symbolic.value else {
            throw CalculusError(.name, "give every name a value to check at a point, as in at \(variable) = 1")
        }
        let base = evaluator(environment, isInterrupted)
        var point = try values(of: assignments, with: base)
        // A defined name (`check dL/dz`) is checked at the value its definition has now, held there
        // as autograd holds that node.
        let current = environment.isDefinition(variable) ? try? base.with(point).evaluate(.variable(variable)) : nil
        guard let x = point[variable] ?? environment.value(of: variable) ?? current else {
            throw CalculusError(.name, "\(variable) has no value; give it, as in at \(variable) = 1", symbol: variable)
        }
        point[variable] = x
        let graph = try autograd(body, in: environment, overrides: point, isInterrupted: isInterrupted)
        let autogradValue = graph.gradient(of: variable)
        let h = 1e-5 * Swift.max(1, Swift.abs(x))
        let resolved = try resolve(body, in: environment, holding: [variable], isInterrupted: isInterrupted)
        let above = try base.with(point.merging([variable: x + h]) { $1 }).evaluate(resolved)
        let below = try base.with(point.merging([variable: x - h]) { $1 }).evaluate(resolved)
        let difference = (above - below) / (2 * h)
        let values = [symbolicValue, autogradValue, difference]
        var largest = 0.0
        for a in values { for b in values { largest = Swift.max(largest, Swift.abs(a - b) / Swift.max(1e-300, Swift.abs(a), Swift.abs(b))) } }
        return DerivativeCheck(
            derivative: .derivative(body, variable: variable, order: 1), point: point, symbolic: symbolicValue,
            autograd: autogradValue, finiteDifference: difference, largestDisagreement: largest)
    }

    /// Definitions written out (values kept as variables, names in `held` kept as they are), then
    /// every `d/dx` and `f'` inside replaced by its derivative.
    public func resolve(
        _ expression: Expression, in environment: Environment, holding held: Set<String> = [],
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> Expression {
        try environment.checkCalls(in: expression)
        let expanded = try environment.expand(expression, keepingValues: true, holding: held)
        guard expanded.containsDerivative else { return expanded }
        let differentiator = SymbolicDifferentiator(isInterrupted: isInterrupted)
        return try expanded.transformed { (node) throws(CalculusError) -> Expression? in
            switch node {
            case .derivative(let body, let variable, let order):
                try checkDefined(body, variable: variable, in: environment)
                let inner = try resolve(body, in: environment, holding: held.union([variable]), isInterrupted: isInterrupted)
                return try differentiator.differentiate(inner, variable: variable, order: order)
            case .derivativeBySubexpression(let body, let subexpression, let order):
                let inner = try resolve(body, in: environment, holding: held, isInterrupted: isInterrupted)
                let variable = try resolve(subexpression, in: environment, holding: held, isInterrupted: isInterrupted)
                return try differentiator.differentiate(inner, bySubexpression: variable, order: order)
            case .prime(let name, let order, let arguments):
                guard let function = environment.functions[name], function.parameters.count == 1, arguments.count == 1 else {
                    throw CalculusError(
                        .syntax, "\(name)\(String(repeating: "'", count: order)) needs a function of one variable; use ∂/∂x for partial derivatives",
                        symbol: name)
                }
                let body = try resolve(function.body, in: environment, isInterrupted: isInterrupted)
                let derivative = try differentiator.differentiate(body, variable: function.parameters[0], order: order)
                let argument = try resolve(arguments[0], in: environment, isInterrupted: isInterrupted)
                return try Simplifier(isInterrupted: isInterrupted)
                    .simplifyUnlessInterrupted(derivative.substituting([function.parameters[0]: argument]))
            default:
                return nil
            }
        }
    }

    /// `d/dx E` (with `at` values when given): the derivation, and its value where every name has one.
    /// With respect to a defined name (`dy/du` with `u = 3x + 1`), that name is held as the variable:
    /// definitions are written out down to it, and its own inputs are held fixed, as backpropagation
    /// holds them at that node.
    public func derivative(
        of body: Expression, variable: String, order: Int, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> DerivativeResult {
        try checkDefined(body, variable: variable, in: environment)
        let statement = Expression.derivative(body, variable: variable, order: order)
        if order == 1, case .variable(let output) = body,
            let chain = try namedChain(of: output, variable: variable, in: environment, isInterrupted: isInterrupted)
        {
            // Written out in the inputs while that stays small (`6(3x + 1)`); past that the answer
            // is the chain's own, in the learner's names: a thousand links written out run to
            // millions of terms.
            var derivation = Derivation(expression: body, variable: variable, order: 1, result: chain.total, steps: [])
            var writtenOut: Expression?
            if chain.names.count <= Self.namesWrittenOut,
                case let resolved = try resolve(body, in: environment, holding: [variable], isInterrupted: isInterrupted),
                resolved.nodeCount(upTo: Self.nodesWrittenOut + 1) <= Self.nodesWrittenOut
            {
                let flat = try SymbolicDifferentiator(isInterrupted: isInterrupted).derivation(of: resolved, variable: variable, order: 1)
                derivation.result = flat.result
                writtenOut = flat.result
            }
            var result = try valued(derivation, statement: statement, at: assignments, in: environment, isInterrupted: isInterrupted)
            result.chain = try chainValues(chain, writtenOut: writtenOut, at: assignments, in: environment, isInterrupted: isInterrupted)
            return result
        }
        let resolved = try resolve(body, in: environment, holding: [variable], isInterrupted: isInterrupted)
        let derivation = try SymbolicDifferentiator(isInterrupted: isInterrupted)
            .derivation(of: resolved, variable: variable, order: order)
        return try valued(derivation, statement: statement, at: assignments, in: environment, isInterrupted: isInterrupted)
    }

    /// `dq/dx` of a name nobody defined is a slip (a typo, or a definition not run yet), not the 0 of
    /// a constant: say so.
    private func checkDefined(_ body: Expression, variable: String, in environment: Environment) throws(CalculusError) {
        guard case .variable(let name) = body, name != variable, environment.bindings[name] == nil else { return }
        throw CalculusError(
            .name, "\(name) is not defined, so d\(name)/d\(variable) has nothing to differentiate: define it first (\(name) = …)"
                + "\(environment.suggestion(for: name)), or write d/d\(variable) before an expression", symbol: name)
    }

    /// A chain through names is written out in its inputs when it has at most this many names and
    /// its output written out at most this many nodes: beyond, the product rule nested a thousand
    /// deep gives an answer of millions of terms, where the chain's own is a few thousand.
    static let namesWrittenOut = 40
    static let nodesWrittenOut = 4_000

    /// The chain of named quantities from `output` down to `variable` (nil when none stands between).
    public func namedChain(
        of output: String, variable: String, in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> NamedChain? {
        guard environment.isDefinition(output) else { return nil }
        let names = Set(environment.bindings.keys)
        return try NamedChain.build(
            output: output, variable: variable,
            definition: { (name) throws(CalculusError) -> Expression? in
                guard name != variable, environment.isDefinition(name), let binding = environment.bindings[name] else { return nil }
                // A definition that takes a derivative is written out whole: its names are inside a d/dx.
                if binding.expression.containsDerivative {
                    return try self.resolve(binding.expression, in: environment, isInterrupted: isInterrupted)
                }
                return try environment.expand(binding.expression, keepingValues: true, holding: names)
            },
            isInterrupted: isInterrupted)
    }

    /// The chain's numbers at the session's values and the `at` values.
    func chainValues(
        _ chain: NamedChain, writtenOut: Expression?, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ChainResult {
        var base = evaluator(environment, isInterrupted)
        base = base.with(try values(of: assignments, with: base))
        let linkValues = chain.links.map { try? base.evaluate($0.local) }
        let pathValues = chain.paths.map { path in
            path.links.reduce(1.0 as Double?) { product, link in product.flatMap { p in linkValues[link].map { p * $0 } } }
        }
        // The total by the same sums the chain writes, in numbers: each name's total derivative once.
        var totals: [String: Double?] = [chain.variable: 1]
        for name in chain.names.reversed().dropFirst() {
            var sum: Double? = 0
            for index in chain.linksByQuantity[name] ?? [] {
                let term = linkValues[index].flatMap { local in (totals[chain.links[index].input] ?? nil).map { local * $0 } }
                sum = sum.flatMap { s in term.map { s + $0 } }
            }
            totals[name] = sum
        }
        return ChainResult(
            chain: chain, nameValues: chain.names.map { try? base.evaluate(.variable($0)) }, linkValues: linkValues, pathValues: pathValues, value: totals[chain.output] ?? nil, writtenOut: writtenOut)
    }

    /// `chain L wrt w`.
    func chain(
        _ output: Expression, variable: String, in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ChainResult {
        guard case .variable(let name) = output, environment.isDefinition(name) else {
            throw CalculusError(
                .syntax, "chain follows a name you defined, as in u = 3x + 1; y = u^2; chain y wrt x")
        }
        guard let chain = try namedChain(of: name, variable: variable, in: environment, isInterrupted: isInterrupted) else {
            let definition = ExpressionPrinter.unicode.print(environment.bindings[name]!.expression)
            throw CalculusError(
                .math, "no named quantity stands between \(name) = \(definition) and \(variable): d\(name)/d\(variable) shows its steps")
        }
        return try chainValues(chain, writtenOut: nil, at: [], in: environment, isInterrupted: isInterrupted)
    }

    /// `dz/d(w*x + b)`: the subexpression held as the variable wherever the written-out body has it.
    public func derivative(
        of body: Expression, bySubexpression held: Expression, order: Int, at assignments: [Assignment],
        in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> DerivativeResult {
        let resolved = try resolve(body, in: environment, isInterrupted: isInterrupted)
        let variable = try resolve(held, in: environment, isInterrupted: isInterrupted)
        var description: String?
        if case .variable(let name) = body { description = "\(name) = \(ExpressionPrinter.unicode.print(resolved))" }
        let derivation = try SymbolicDifferentiator(isInterrupted: isInterrupted)
            .derivation(of: resolved, bySubexpression: variable, order: order, description: description)
        return try valued(
            derivation, statement: .derivativeBySubexpression(body, subexpression: held, order: order), at: assignments,
            in: environment, isInterrupted: isInterrupted)
    }

    /// A derivation with its value at the `at` values, or at the session's values when every name
    /// its answer uses (through definitions) has one.
    func valued(
        _ derivation: Derivation, statement: Expression, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> DerivativeResult {
        var base = evaluator(environment, isInterrupted)
        let given = try values(of: assignments, with: base)
        base = base.with(given)
        let known = environment.values.merging(given) { $1 }
        if known.isEmpty {
            // No name has a value: only an answer that reads no name has one (and its names need not
            // be listed, which for each entry of a large Hessian cost more than taking the derivative).
            let readsAName = derivation.result.contains { if case .variable = $0 { true } else { false } }
            let value = readsAName ? nil : try? trustedValue(of: derivation.result, with: base, in: environment)
            return DerivativeResult(statement: statement, derivation: derivation, assignments: assignments, value: value)
        }
        // The names the answer reads, through any definition it is written in (`2u` reads x).
        var inputs = derivation.result.freeVariables
        if inputs.contains(where: environment.isDefinition) {
            inputs = try environment.expand(derivation.result, keepingValues: true, holding: Set(given.keys)).freeVariables
        }
        var value: Double?
        if inputs.allSatisfy({ known[$0] != nil }) {
            // Asked for with `at`, a fault is the answer; otherwise the value is only a courtesy.
            value = assignments.isEmpty
                ? try? trustedValue(of: derivation.result, with: base, in: environment)
                : try trustedValue(of: derivation.result, with: base, in: environment)
        } else if !assignments.isEmpty {
            let missing = inputs.first { known[$0] == nil } ?? ""
            throw CalculusError(.name, "\(missing) has no value; give it too, as in at \(missing) = 1", symbol: missing)
        }
        return DerivativeResult(statement: statement, derivation: derivation, assignments: assignments, value: value)
    }

    /// Evaluates an expression at the current bindings plus `assignments`. When every name has a
    /// value the outcome is a number; otherwise the expression with the known values put in.
    public func evaluate(
        _ expression: Expression, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> ValueResult {
        var base = evaluator(environment, isInterrupted)
        let given = try values(of: assignments, with: base)
        base = base.with(given)
        try environment.checkCalls(in: expression)
        // Numbers first: when every name has a value, evaluate directly (no writing-out of definitions,
        // which can be exponential for nested functions); fall back to symbols when a name has none.
        if !expression.containsDerivative {
            do {
                return ValueResult(
                    statement: expression, assignments: assignments,
                    outcome: .number(try trustedValue(of: expression, with: base, in: environment)))
            } catch where error.kind == .name && error.message.contains("has no value") {
                // Some name is free: show the expression with the known values put in.
            }
        }
        // A derivative with respect to a defined name answers in that name (`dL/dz` is `2(z - 1)`):
        // written out once more, the value reads every definition.
        var expanded = try resolve(expression, in: environment, isInterrupted: isInterrupted)
        if expanded.freeVariables.contains(where: environment.isDefinition) { expanded = try environment.expand(expanded) }
        let known = environment.values.merging(given) { $1 }
        let missing = expanded.freeVariables.filter { known[$0] == nil }
        if missing.isEmpty {
            return ValueResult(
                statement: expression, assignments: assignments,
                outcome: .number(try trustedValue(of: expanded, with: base, in: environment)))
        }
        let substituted = try Simplifier(isInterrupted: isInterrupted)
            .simplifyUnlessInterrupted(expanded.substituting(known.mapValues(Expression.number)))
        return ValueResult(statement: expression, assignments: assignments, outcome: .expression(substituted))
    }

    /// A printed value, right to the digits it shows: the double evaluation, unless it lost digits (a
    /// sum that cancelled, a sine near a multiple of π); then the expression written out in numbers is evaluated with
    /// MPFR at rising precision until the double it rounds to is settled (LANGUAGE.md, "Numbers you
    /// can trust"). Names given with `at` keep those values.
    func trustedValue(
        of expression: Expression, with evaluator: NumericEvaluator, in environment: Environment
    ) throws(CalculusError) -> Double {
        let fresh = evaluator.with([:])
        let value = try fresh.evaluate(expression)
        guard fresh.lostDigits,
            let written = try? environment.expand(expression, keepingValues: true, holding: Set(evaluator.overrides.keys))
        else { return value }
        let numbers = environment.values.merging(evaluator.overrides) { $1 }.mapValues(Expression.number)
        return PreciseEvaluator.value(of: written.substituting(numbers)) ?? value
    }

    /// Gives an error without a place the place of the name it is about, inside its statement.
    private func locate(_ error: CalculusError, in statement: Statement, cell: String) -> CalculusError {
        guard error.range == nil else { return error }
        var located = error
        if let symbol = error.symbol {
            for token in Lexer.tokenize(cell)
            where token.range.start >= statement.range.start && token.range.end <= statement.range.end {
                if case .identifier(let name) = token.kind, name == symbol || Builtin.named(name)?.rawValue == symbol {
                    located.range = token.range
                    return located
                }
            }
        }
        located.range = statement.range
        return located
    }
}
