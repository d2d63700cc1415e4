import Foundation

/// The built-in functions, each defined once, SymPy-style: its names, its numeric value with its
/// domain, its derivative rule `f′(u)`, the step rule it belongs to, how LaTeX writes it and its
/// documentation (which inspection and completion show). Adding a function touches only this file.
public enum Builtin: String, Hashable, Sendable, CaseIterable {
    case sin, cos, tan, sec, csc, cot
    case asin, acos, atan
    case sinh, cosh, tanh
    case exp, ln, sqrt, abs
    case sigmoid, relu, softplus
    /// Helpers that derivatives need: `sign(u)` and the unit step `heaviside(u)` (0 at 0).
    case sign, heaviside

    /// Every spelling the parser accepts, canonical name first.
    public var names: [String] {
        switch self {
        case .ln: ["ln", "log"]
        case .sigmoid: ["sigmoid", "σ"]
        default: [rawValue]
        }
    }

    private static let byName: [String: Builtin] = {
        var table: [String: Builtin] = [:]
        for builtin in Builtin.allCases { for name in builtin.names { table[name] = builtin } }
        return table
    }()

    public static func named(_ name: String) -> Builtin? { byName[name] }
    public static var allNames: [String] { allCases.flatMap(\.names) }

    /// The step rule a derivative of this function is filed under.
    public var ruleName: String {
        switch self {
        case .sin, .cos, .tan, .sec, .csc, .cot: "trig"
        case .asin, .acos, .atan: "inverse trig"
        case .sinh, .cosh, .tanh: "hyperbolic"
        case .exp: "exp"
        case .ln: "log"
        case .sqrt: "power"
        case .abs: "abs"
        case .sigmoid: "sigmoid"
        case .relu: "relu"
        case .softplus: "softplus"
        case .sign, .heaviside: "constant"
        }
    }

    /// `f′(u)` for this `f`, written in terms of the argument `u`.
    public func derivative(at u: Expression) -> Expression {
        let one = Expression.number(1)
        let two = Expression.number(2)
        switch self {
        case .sin: return .builtin(.cos, u)
        case .cos: return -.builtin(.sin, u)
        case .tan: return .power(.builtin(.sec, u), two)
        case .sec: return .builtin(.sec, u) * .builtin(.tan, u)
        case .csc: return -(.builtin(.csc, u) * .builtin(.cot, u))
        case .cot: return -.power(.builtin(.csc, u), two)
        case .asin: return one / .builtin(.sqrt, one - .power(u, two))
        case .acos: return -(one / .builtin(.sqrt, one - .power(u, two)))
        case .atan: return one / (one + .power(u, two))
        case .sinh: return .builtin(.cosh, u)
        case .cosh: return .builtin(.sinh, u)
        case .tanh: return one - .power(.builtin(.tanh, u), two)
        case .exp: return .builtin(.exp, u)
        case .ln: return one / u
        case .sqrt: return one / (two * .builtin(.sqrt, u))
        case .abs: return u / .builtin(.abs, u)
        case .sigmoid: return .builtin(.sigmoid, u) * (one - .builtin(.sigmoid, u))
        case .relu: return .builtin(.heaviside, u)
        case .softplus: return .builtin(.sigmoid, u)
        case .sign, .heaviside: return .number(0)
        }
    }

    /// The numeric value, or a `MathError` outside the domain. Never returns NaN or infinity.
    public func evaluate(_ u: Double) throws(CalculusError) -> Double {
        func fault(_ message: String) -> CalculusError { CalculusError(.math, message, symbol: rawValue) }
        let value: Double
        switch self {
        case .sin: value = Foundation.sin(u)
        case .cos: value = Foundation.cos(u)
        case .tan:
            let c = Foundation.cos(u)
            guard c != 0 else { throw fault("tan is undefined where cos is 0") }
            value = Foundation.sin(u) / c
        case .sec:
            let c = Foundation.cos(u)
            guard c != 0 else { throw fault("sec is undefined where cos is 0") }
            value = 1 / c
        case .csc:
            let s = Foundation.sin(u)
            guard s != 0 else { throw fault("csc(\(NumberFormatting.shortest(u))) divides by zero: sin is 0 there") }
            value = 1 / s
        case .cot:
            let s = Foundation.sin(u)
            guard s != 0 else { throw fault("cot(\(NumberFormatting.shortest(u))) divides by zero: sin is 0 there") }
            value = Foundation.cos(u) / s
        case .asin:
            guard Swift.abs(u) <= 1 else { throw fault("asin is defined only on [-1, 1], not at \(NumberFormatting.shortest(u))") }
            value = Foundation.asin(u)
        case .acos:
            guard Swift.abs(u) <= 1 else { throw fault("acos is defined only on [-1, 1], not at \(NumberFormatting.shortest(u))") }
            value = Foundation.acos(u)
        case .atan: value = Foundation.atan(u)
        case .sinh: value = Foundation.sinh(u)
        case .cosh: value = Foundation.cosh(u)
        case .tanh: value = Foundation.tanh(u)
        case .exp: value = Foundation.exp(u)
        case .ln:
            guard u > 0 else { throw fault("ln is defined only for positive numbers, not \(NumberFormatting.shortest(u))") }
            value = Foundation.log(u)
        case .sqrt:
            guard u >= 0 else { throw fault("sqrt is defined only for numbers ≥ 0, not \(NumberFormatting.shortest(u))") }
            value = Foundation.sqrt(u)
        case .abs: value = Swift.abs(u)
        case .sigmoid:
            // Written so that neither branch overflows.
            value = u >= 0 ? 1 / (1 + Foundation.exp(-u)) : Foundation.exp(u) / (1 + Foundation.exp(u))
        case .relu: value = Swift.max(0, u)
        case .softplus: value = Swift.max(u, 0) + Foundation.log1p(Foundation.exp(-Swift.abs(u)))
        case .sign: value = u > 0 ? 1 : (u < 0 ? -1 : 0)
        case .heaviside: value = u > 0 ? 1 : 0
        }
        guard value.isFinite else { throw fault("\(rawValue)(\(NumberFormatting.shortest(u))) overflows a double") }
        return value
    }

    /// The LaTeX for the function's name, applied as `name\left(u\right)`.
    public var latexName: String {
        switch self {
        case .sin, .cos, .tan, .sec, .csc, .cot, .sinh, .cosh, .tanh, .exp, .ln: "\\\(rawValue)"
        case .asin: "\\arcsin"
        case .acos: "\\arccos"
        case .atan: "\\arctan"
        case .sigmoid: "\\sigma"
        case .sqrt, .abs: rawValue  // printed with their own notation
        case .relu, .softplus, .sign, .heaviside: "\\operatorname{\(rawValue)}"
        }
    }

    /// One line on what the function is.
    public var summary: String {
        switch self {
        case .sin: "sine"
        case .cos: "cosine"
        case .tan: "tangent, sin(u)/cos(u)"
        case .sec: "secant, 1/cos(u)"
        case .csc: "cosecant, 1/sin(u)"
        case .cot: "cotangent, cos(u)/sin(u)"
        case .asin: "inverse sine, defined on [-1, 1]"
        case .acos: "inverse cosine, defined on [-1, 1]"
        case .atan: "inverse tangent"
        case .sinh: "hyperbolic sine, (e^u - e^(-u))/2"
        case .cosh: "hyperbolic cosine, (e^u + e^(-u))/2"
        case .tanh: "hyperbolic tangent, sinh(u)/cosh(u)"
        case .exp: "the exponential e^u; `e^u` is read as exp(u)"
        case .ln: "the natural logarithm (log is the same function), defined for u > 0"
        case .sqrt: "square root, defined for u ≥ 0"
        case .abs: "absolute value; not differentiable at 0 (d/dx abs(x) at x = 0 says so)"
        case .sigmoid: "the logistic function 1/(1 + e^(-u)); σ is the same function"
        case .relu: "rectified linear unit, max(0, u); it has no derivative at 0, where relu′(0) is taken as 0, as PyTorch takes it"
        case .softplus: "ln(1 + e^u), a smooth relu"
        case .sign: "the sign of u: -1, 0 or 1"
        case .heaviside: "the unit step: 1 for u > 0, else 0 (so relu′(0) = 0, as PyTorch)"
        }
    }

    /// The derivative rule as a reader sees it, in the language's own syntax.
    public var derivativeRule: String {
        let u = Expression.variable("u")
        let printed = ExpressionPrinter.unicode.print(derivative(at: u))
        let name = names[0]
        switch self {
        case .sign, .heaviside:
            return "d/dx \(name)(u) = 0 (except at u = 0, where it jumps)"
        default:
            return "d/dx \(name)(u) = \(printed)·u′"
        }
    }
}
