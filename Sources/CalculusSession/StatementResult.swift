import CalculusLanguage

/// What one statement produced, before rendering. Renderers turn these into mime bundles;
/// nothing here knows about mime types or Jupyter.
public enum StatementResult: Sendable, Equatable {
    /// A value or an expression: `1 + 1 = 2`, `y = 3x + 1`, `x² + 1 at x = 2 = 5`.
    case value(ValueResult)
    /// Text for the cell's standard output (`print`).
    case printed(String)
}

public struct ValueResult: Sendable, Equatable {
    /// The statement as the language prints it (canonical spacing and symbols).
    public var statement: Expression
    /// The values given with `at` / `where`.
    public var assignments: [Assignment]
    public var outcome: Outcome

    public enum Outcome: Sendable, Equatable {
        case number(Double)
        /// Names without values stay symbolic.
        case expression(Expression)
    }

    public init(statement: Expression, assignments: [Assignment], outcome: Outcome) {
        self.statement = statement
        self.assignments = assignments
        self.outcome = outcome
    }

    /// The result as an expression, whichever the outcome.
    public var resultExpression: Expression {
        switch outcome {
        case .number(let value): .number(value)
        case .expression(let expression): expression
        }
    }
}

/// A statement that failed, with the cell it came from (for the caret) and what ran before it.
public struct CellError: Error, Sendable, Equatable {
    public var error: CalculusError
    /// The failing statement's place in the cell, when the error itself has no finer one.
    public var statementRange: SourceRange?

    public init(error: CalculusError, statementRange: SourceRange?) {
        self.error = error
        self.statementRange = statementRange
    }
}
