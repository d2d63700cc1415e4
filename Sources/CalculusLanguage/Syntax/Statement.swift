/// One statement of a cell, with its place and its own source text.
public struct Statement: Hashable, Sendable {
    public var kind: Kind
    public var range: SourceRange
    /// The statement as typed (used to show it back with its result).
    public var source: String

    public enum Kind: Hashable, Sendable {
        /// `E`, `E at x = 2, w = 3`, `d/dx E at x = 2`.
        case evaluate(Expression, at: [Assignment])
        /// `y = 3x + 1`, `x = 2`.
        case bind(name: String, Expression)
        /// `f(x) = sin(x^2)`, `L(w, b) = …`.
        case define(name: String, parameters: [String], body: Expression)
        /// `print E, "text", …`.
        case print([PrintItem])
        case simplify(Expression)
        case expand(Expression)
        /// `grad E wrt w, x`.
        case gradient(Expression, withRespectTo: [String])
        case backward(Expression)
        case graph(Expression)
        /// `check d/dx E at x = a`.
        case checkAt(Expression, at: [Assignment])
        /// `check d/dx E = A`.
        case checkAnswer(Expression, answer: Expression)
        /// `table d/dx [E1, E2, …]`.
        case derivativeTable(variable: String, order: Int, [Expression])
        /// `table E1, E2 for x in a..b step s`.
        case valueTable([Expression], RangeSpecification)
        /// `plot E1, E2 for x in a..b`.
        case plot([Expression], RangeSpecification)
        /// `layers 20 sigmoid(u) at u = 0.5`: E applied to its own output `count` times, starting
        /// from the first `at` value, with each layer's local derivative and their running product.
        case layers(count: Int, Expression, at: [Assignment])
        /// `descend loss wrt w, b rate 0.1 for 50 steps`: gradient descent on value-bound names.
        case descend(Expression, withRespectTo: [String], rate: Expression, steps: Int)
        /// `chain L wrt w`: the chain rule through the user's named quantities, as a picture.
        case chain(Expression, withRespectTo: String)
        /// `check dL/dz`: symbolic, autograd and finite difference at the session's current values.
        case checkHere(Expression)
        /// `[2x·y, x² + cos(y)]`, `[[1, 2], [3, 4]] at x = 1`: a vector or matrix, as the kernel prints them.
        case list(ListLiteral, at: [Assignment])
        /// `tangent E at x = a` (later assignments give other names values).
        case tangent(Expression, at: [Assignment])
        /// `taylor E at x = a order n`.
        case taylor(Expression, at: [Assignment], order: Int)
        /// `dy/dx from LHS = RHS at x = 3, y = 4`: `dependent` is a function of `independent`.
        case implicit(dependent: String, independent: String, left: Expression, right: Expression, at: [Assignment])
        /// `gradient E wrt x, y`, `∇E`, `hessian E wrt …`, `jacobian [E1, E2] wrt …`; without `wrt`
        /// (nil), every free name in order of appearance.
        case derivativeMatrix(DerivativeMatrixKind, [Expression], withRespectTo: [String]?, at: [Assignment])
        /// `explore tangent sin(x) at x = a with a in -3..3`: the statement under a slider per name,
        /// each slider a range as `for x in a..b step s` writes one.
        indirect case explore(Statement, sliders: [RangeSpecification])
    }

    /// Whether the statement can run again and again under sliders: it shows something and changes
    /// nothing (a binding, a definition, `print` and `descend` are not).
    public var isExplorable: Bool {
        switch kind {
        case .bind, .define, .print, .descend, .explore: false
        default: true
        }
    }
}

public enum DerivativeMatrixKind: String, Hashable, Sendable {
    case gradient, hessian, jacobian
}

/// A list literal: a vector `[a, b]` or a matrix `[[a, b], [c, d]]` (rows of equal length).
public enum ListLiteral: Hashable, Sendable {
    case vector([Expression])
    case matrix([[Expression]])

    public var rows: [[Expression]] {
        switch self {
        case .vector(let entries): [entries]
        case .matrix(let rows): rows
        }
    }

    public func map(_ transform: (Expression) throws(CalculusError) -> Expression) throws(CalculusError) -> ListLiteral {
        switch self {
        case .vector(let entries):
            var mapped: [Expression] = []
            for entry in entries { mapped.append(try transform(entry)) }
            return .vector(mapped)
        case .matrix(let rows):
            var mapped: [[Expression]] = []
            for row in rows {
                var newRow: [Expression] = []
                for entry in row { newRow.append(try transform(entry)) }
                mapped.append(newRow)
            }
            return .matrix(mapped)
        }
    }
}

public struct Assignment: Hashable, Sendable {
    public var name: String
    public var value: Expression

    public init(name: String, value: Expression) {
        self.name = name
        self.value = value
    }
}

public enum PrintItem: Hashable, Sendable {
    case text(String)
    case expression(Expression)
}

/// `for x in a..b step s` (and a slider of `explore`: `a in -3..3 step 0.1`).
public struct RangeSpecification: Hashable, Sendable {
    public var variable: String
    public var from: Expression
    public var to: Expression
    public var step: Expression?

    public init(variable: String, from: Expression, to: Expression, step: Expression?) {
        self.variable = variable
        self.from = from
        self.to = to
        self.step = step
    }
}

/// Words with a fixed meaning. Expression keywords end an expression and cannot be names;
/// statement keywords only mean something at the start of a statement.
public enum Keywords {
    public static let expression: Set<String> = ["at", "where", "for", "in", "step", "wrt", "from", "with"]
    public static let statement: [String] = [
        "print", "simplify", "expand", "grad", "backward", "graph", "check", "table", "plot", "layers", "descend", "chain",
        "tangent", "taylor", "gradient", "hessian", "jacobian", "explore",
    ]
    /// Names with a fixed meaning that also may not be rebound (besides the built-ins).
    public static let reservedNames: Set<String> = ["diff"]
}
