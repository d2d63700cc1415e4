import CalculusLanguage

/// A notebook session: the environment that cells share, and the running of a cell statement by
/// statement. A statement that fails changes nothing: bindings from earlier statements of the same
/// cell stay, and the failing one and those after it do not run.
///
/// Calls recurse as deep as expressions nest: run them on a thread with `OSThread.largeStackSize`.
public final class Session {
    public private(set) var environment = Environment()

    public init() {}

    /// Runs `cell`, handing each statement's result to `emit` as soon as it is ready.
    public func execute(
        _ cell: String, isInterrupted: @escaping @Sendable () -> Bool = { false },
        emit: (StatementResult) -> Void
    ) throws(CellError) {
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
                throw CellError(error: CalculusError(.interrupted, "interrupted by the user"), statementRange: statement.range)
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

    private func evaluator(_ environment: Environment, _ isInterrupted: @escaping @Sendable () -> Bool) -> NumericEvaluator {
        NumericEvaluator(environment: environment, isInterrupted: isInterrupted)
    }

    private func run(
        _ statement: Statement, in environment: inout Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> StatementResult? {
        switch statement.kind {
        case .bind(let name, let expression):
            try environment.bind(name, to: expression, evaluator: evaluator(environment, isInterrupted))
            return nil
        case .define(let name, let parameters, let body):
            try environment.define(name, parameters: parameters, body: body)
            return nil
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
        case .simplify, .expand, .gradient, .backward, .graph, .checkAt, .checkAnswer, .derivativeTable,
            .valueTable, .plot:
            throw CalculusError(
                .name, "'\(statement.source.split(separator: " ").first ?? "")' needs an engine that is not in this build yet")
        }
    }

    /// Evaluates an expression at the current bindings plus `assignments`. When every name has a
    /// value the outcome is a number; otherwise the expression with the known values put in.
    public func evaluate(
        _ expression: Expression, at assignments: [Assignment], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> ValueResult {
        try environment.checkCalls(in: expression)
        if expression.containsDerivative {
            throw CalculusError(.name, "derivatives need the symbolic engine, which is not in this build yet")
        }
        var base = evaluator(environment, isInterrupted)
        var given: [String: Double] = [:]
        for assignment in assignments {
            given[assignment.name] = try base.with(given).evaluate(assignment.value)
        }
        base = base.with(given)
        let expanded = try environment.expand(expression, keepingValues: true)
        let known = environment.values.merging(given) { $1 }
        let missing = expanded.freeVariables.filter { known[$0] == nil }
        if missing.isEmpty {
            return ValueResult(statement: expression, assignments: assignments, outcome: .number(try base.evaluate(expanded)))
        }
        let substituted = expanded.substituting(known.mapValues(Expression.number)).foldingConstants()
        return ValueResult(statement: expression, assignments: assignments, outcome: .expression(substituted))
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
