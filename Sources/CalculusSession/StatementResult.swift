import CalculusLanguage
import SymbolicEngine
import AutogradEngine

/// What one statement produced, before rendering. Renderers turn these into mime bundles;
/// nothing here knows about mime types or Jupyter.
public enum StatementResult: Sendable, Equatable {
    /// A value or an expression: `1 + 1 = 2`, `y = 3x + 1`, `x² + 1 at x = 2 = 5`.
    case value(ValueResult)
    /// Text for the cell's standard output (`print`).
    case printed(String)
    /// `d/dx E`, with its derivation.
    case derivative(DerivativeResult)
    /// `simplify E`, `expand E`.
    case rewrite(RewriteResult)
    /// `table d/dx [E1, E2, …]`.
    case derivativeTable(DerivativeTable)
    /// `check d/dx E = A`.
    case answerCheck(AnswerCheck)
    /// `grad E wrt …`, `backward E`, `graph E`.
    case gradient(GradientResult)
    /// `check d/dx E at x = a`: symbolic, autograd and finite difference side by side.
    case derivativeCheck(DerivativeCheck)
    /// `table E1, E2 for x in a..b step s`.
    case valueTable(ValueTable)
    /// `plot E1, E2 for x in a..b`.
    case plot(PlotData)
    /// `layers N E at u = a`.
    case layers(LayersResult)
    /// `descend loss wrt w rate r for N steps`.
    case descent(DescentResult)
    /// `chain L wrt w`: the names as a graph, each edge its local derivative, every path's product.
    case chain(ChainResult)
    /// `[a, b]`, `[[a, b], [c, d]]`.
    case list(ListResult)
    /// `tangent E at x = a`.
    case tangent(TangentResult)
    /// `taylor E at x = a order n`.
    case taylor(TaylorResult)
    /// `dy/dx from LHS = RHS`.
    case implicit(ImplicitResult)
    /// `gradient`, `hessian`, `jacobian`.
    case matrix(MatrixResult)
    /// `explore STATEMENT with a in lo..hi`.
    indirect case explore(ExploreResult)
}

/// A value table: one row per value of the running variable, one column per expression.
/// A cell is nil where the expression is undefined (outside its domain, at a pole).
public struct ValueTable: Sendable, Equatable {
    public var variable: String
    public var expressions: [Expression]
    public var rows: [(x: Double, values: [Double?])]

    public static func == (a: ValueTable, b: ValueTable) -> Bool {
        a.variable == b.variable && a.expressions == b.expressions && a.rows.count == b.rows.count
            && zip(a.rows, b.rows).allSatisfy { $0.x == $1.x && $0.values == $1.values }
    }
}

public struct GradientResult: Sendable, Equatable {
    public enum Kind: String, Sendable { case grad, backward, graph }
    public var kind: Kind
    public var expression: Expression
    public var graph: ComputationGraph
    /// The names asked for with `wrt` (for `backward` and `graph`: every value-bound leaf).
    public var names: [String]

    public var value: Double { graph.nodes.last?.value ?? 0 }
    public var gradients: [(name: String, value: Double)] { names.map { ($0, graph.gradient(of: $0)) } }

    public static func == (a: GradientResult, b: GradientResult) -> Bool {
        a.kind == b.kind && a.expression == b.expression && a.graph == b.graph && a.names == b.names
    }
}

public struct DerivativeCheck: Sendable, Equatable {
    public var derivative: Expression
    public var point: [String: Double]
    public var symbolic: Double
    public var autograd: Double
    public var finiteDifference: Double
    /// The largest relative disagreement among the three.
    public var largestDisagreement: Double
}

public struct DerivativeResult: Sendable, Equatable {
    /// The derivative as typed (`d/dx loss`), for showing the statement back.
    public var statement: Expression
    /// The derivation of the expression with its definitions written out.
    public var derivation: Derivation
    public var assignments: [Assignment]
    /// The derivative's value at the `at` values, or at the session's values when every name has one.
    public var value: Double?
    /// Through the learner's own names (`dy/dx` with `y = u²`, `u = 3x + 1`): the chain of local
    /// derivatives whose steps are shown; nil when no named quantity stands between.
    public var chain: ChainResult?

    public init(
        statement: Expression, derivation: Derivation, assignments: [Assignment], value: Double?, chain: ChainResult? = nil
    ) {
        self.statement = statement
        self.derivation = derivation
        self.assignments = assignments
        self.value = value
        self.chain = chain
    }
}

/// `chain L wrt w`, and the steps of `dL/dw` through names: the chain with its numbers at the
/// session's values (nil where some name has none).
public struct ChainResult: Sendable, Equatable {
    public var chain: NamedChain
    /// Each name's value now, in the order of `chain.names`.
    public var nameValues: [Double?]
    /// The local derivative of each link at the current values, in the order of `chain.links`.
    public var linkValues: [Double?]
    /// Each listed path's product, in the order of `chain.paths`.
    public var pathValues: [Double?]
    /// The total derivative's value.
    public var value: Double?
    /// The answer written out in the inputs, when it was small enough to write (`6(3x + 1)`).
    public var writtenOut: Expression?
}

public struct RewriteResult: Sendable, Equatable {
    public enum Kind: String, Sendable { case simplify, expand }
    public var kind: Kind
    public var input: Expression
    public var output: Expression
}

/// The chain-rule table: one row per expression.
public struct DerivativeTable: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var expression: Expression
        /// The chain-rule parts when the expression is a composition f(g(x)); nil otherwise.
        public var chain: DerivativeStep.ChainParts?
        /// `f′(g(x))·g′(x)` as the chain rule writes it, before simplifying.
        public var chainProduct: Expression
        public var result: Expression
    }
    public var variable: String
    public var order: Int
    public var rows: [Row]
}

/// "Check your answer": is the user's `answer` the derivative?
public struct AnswerCheck: Sendable, Equatable {
    public var derivative: Expression
    public var answer: Expression
    public var expected: Expression
    public var isCorrect: Bool
    /// How it was decided: "identical after simplifying" or "equal at N sample points".
    public var method: String
    /// A point where the answer and the derivative differ, with both values there.
    public var counterexample: (point: [String: Double], answer: Double, expected: Double)?

    public static func == (a: AnswerCheck, b: AnswerCheck) -> Bool {
        a.derivative == b.derivative && a.answer == b.answer && a.expected == b.expected && a.isCorrect == b.isCorrect
            && a.method == b.method && a.counterexample?.point == b.counterexample?.point
    }
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
