import CalculusLanguage

/// One step of a derivation, recorded while differentiating: the rule, what it differentiates, what
/// it gives, and the steps it needed. Chain-rule steps also name their parts.
public struct DerivativeStep: Hashable, Sendable {
    public var rule: Rule
    /// The expression this step differentiates (or, for `simplify`, the expression it rewrites).
    public var expression: Expression
    /// Its derivative as the rule gives it (for `simplify`, the rewritten form).
    public var result: Expression
    public var substeps: [DerivativeStep]
    public var chain: ChainParts?
    /// The variable of differentiation.
    public var variable: String

    public enum Rule: String, Hashable, Sendable {
        case constant, sum, constantMultiple = "constant multiple", power, product, quotient, chain
        case exp, log, trig, inverseTrig = "inverse trig", hyperbolic, sigmoid, relu, abs, softplus
        case generalPower = "general power", simplify
    }

    /// The parts of a chain-rule step `d/dx f(g(x)) = f′(g(x))·g′(x)`.
    public struct ChainParts: Hashable, Sendable {
        /// `f(u)`, written with the placeholder `u`.
        public var outer: Expression
        /// `u = g(x)`.
        public var inner: Expression
        /// `f′(u)`.
        public var outerDerivative: Expression
        /// `f′(g(x))`: the outer derivative read at the inner function.
        public var outerAtInner: Expression
        /// `g′(x)`.
        public var innerDerivative: Expression
        /// The placeholder's name (`u`, or another letter when the expression uses `u`).
        public var placeholder: String
    }

    /// A one-line statement of the rule in general form, for readers.
    public var ruleStatement: String {
        switch rule {
        case .constant: "the derivative of a constant is 0"
        case .sum: "(f ± g)′ = f′ ± g′"
        case .constantMultiple: "(c·f)′ = c·f′"
        case .power: "d/dx xⁿ = n·xⁿ⁻¹"
        case .product: "(f·g)′ = f′·g + f·g′"
        case .quotient: "(f/g)′ = (f′·g - f·g′)/g²"
        case .chain: "d/dx f(g(x)) = f′(g(x))·g′(x)"
        case .exp: "d/dx eˣ = eˣ, d/dx aˣ = aˣ·ln(a)"
        case .log: "d/dx ln(x) = 1/x"
        case .trig: "d/dx sin(x) = cos(x), d/dx cos(x) = -sin(x), d/dx tan(x) = sec(x)²"
        case .inverseTrig: "d/dx asin(x) = 1/sqrt(1 - x²), d/dx atan(x) = 1/(1 + x²)"
        case .hyperbolic: "d/dx sinh(x) = cosh(x), d/dx cosh(x) = sinh(x), d/dx tanh(x) = 1 - tanh(x)²"
        case .sigmoid: "d/dx σ(x) = σ(x)·(1 - σ(x))"
        case .relu: "d/dx relu(x) = heaviside(x): 1 for x > 0, else 0"
        case .abs: "d/dx abs(x) = x/abs(x)"
        case .softplus: "d/dx softplus(x) = sigmoid(x)"
        case .generalPower: "y = f^g: ln(y) = g·ln(f), so y′ = f^g·(g′·ln(f) + g·f′/f)"
        case .simplify: "rewrite in simplest form"
        }
    }
}

/// A derivative with its derivation.
public struct Derivation: Hashable, Sendable {
    public var expression: Expression
    public var variable: String
    public var order: Int
    public var result: Expression
    /// For order n, the steps of each order in turn: differentiation, then simplification.
    public var steps: [DerivativeStep]
    /// For a derivative with respect to a subexpression (`dz/d(w*x + b)`): the subexpression, which
    /// the steps write as the placeholder `variable`; `result` has it written back in.
    public var heldSubexpression: Expression?

    public init(
        expression: Expression, variable: String, order: Int, result: Expression, steps: [DerivativeStep],
        heldSubexpression: Expression? = nil
    ) {
        self.expression = expression
        self.variable = variable
        self.order = order
        self.result = result
        self.steps = steps
        self.heldSubexpression = heldSubexpression
    }
}
