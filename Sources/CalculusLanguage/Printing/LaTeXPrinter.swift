/// Prints expressions as LaTeX for typeset output (`2x \cos\left(x^{2}\right)`).
/// Read by people and MathJax only; it need not parse back.
public struct LaTeXPrinter: Sendable {
    public init() {}

    private typealias Strength = ExpressionPrinter.Strength

    public func print(_ expression: Expression) -> String {
        render(expression).text
    }

    /// A vector as a row `\begin{pmatrix} a & b \end{pmatrix}`, a matrix row by row.
    public func print(_ list: ListLiteral) -> String {
        let body = list.rows.map { $0.map(print).joined(separator: " & ") }.joined(separator: " \\\\ ")
        return "\\begin{pmatrix} \(body) \\end{pmatrix}"
    }

    private func render(_ expression: Expression) -> (text: String, strength: Strength) {
        switch expression {
        case .number(let value):
            var text = NumberFormatting.shortest(value)
            if let exponentIndex = text.firstIndex(of: "e") {
                let mantissa = text[..<exponentIndex]
                let exponent = Int(text[text.index(after: exponentIndex)...]) ?? 0
                text = "\(mantissa) \\times 10^{\(exponent)}"
            }
            return (text, value < 0 ? .prefix : .atom)
        case .constant(.pi): return ("\\pi", .atom)
        case .constant(.e): return ("e", .atom)
        case .variable(let name): return (Self.name(name), .atom)
        case .negate(let operand):
            return ("-" + wrap(operand, below: .prefix), .prefix)
        case .binary(.add, let left, let right), .binary(.subtract, let left, let right):
            let symbol = if case .binary(.add, _, _) = expression { " + " } else { " - " }
            // A negative term on the right keeps its sign apart: `2x + \left(-\sin(x)\right)`.
            let rightRendered = render(right)
            let needsParentheses = rightRendered.strength <= .sum || rightRendered.strength == .prefix
            let rightText = needsParentheses ? "\\left(\(rightRendered.text)\\right)" : rightRendered.text
            return (wrap(left, below: .sum) + symbol + rightText, .sum)
        case .binary(.multiply, let left, let right):
            let leftText = wrap(left, below: .product)
            let rightRendered = render(right)
            let rightText = rightRendered.strength <= .prefix ? "\\left(\(rightRendered.text)\\right)" : rightRendered.text
            if case .number = left, let first = rightText.first, first.isLetter || first == "\\" && !rightText.hasPrefix("\\left") || rightText.hasPrefix("\\left(") {
                return (leftText + rightText, .product)
            }
            return (leftText + " \\cdot " + rightText, .product)
        case .binary(.divide, let left, let right):
            return ("\\frac{\(render(left).text)}{\(render(right).text)}", .atom)
        case .binary(.power, let base, let exponent):
            return (wrap(base, atOrBelow: .power) + "^{\(render(exponent).text)}", .power)
        case .builtin(.exp, let argument):
            return ("e^{\(render(argument).text)}", .power)
        case .builtin(.sqrt, let argument):
            return ("\\sqrt{\(render(argument).text)}", .atom)
        case .builtin(.abs, let argument):
            return ("\\left|\(render(argument).text)\\right|", .atom)
        case .builtin(let function, let argument):
            return ("\(function.latexName)\\left(\(render(argument).text)\\right)", .atom)
        case .call(let name, let arguments):
            return ("\(Self.name(name))\\left(\(arguments.map { render($0).text }.joined(separator: ", "))\\right)", .atom)
        case .prime(let name, let order, let arguments):
            let primes = String(repeating: "'", count: order)
            return ("\(Self.name(name))\(primes)\\left(\(arguments.map { render($0).text }.joined(separator: ", "))\\right)", .atom)
        case .derivative(.variable(let name), let variable, let order):
            return (leibniz(Self.name(name), over: Self.name(variable), order: order), .atom)
        case .derivative(let body, let variable, let order):
            return ("\(derivativeOperator(variable: variable, order: order))\\left(\(render(body).text)\\right)", .derivative)
        case .derivativeBySubexpression(.variable(let name), let held, let order):
            return (leibniz(Self.name(name), over: "\\left(\(render(held).text)\\right)", order: order), .atom)
        case .derivativeBySubexpression(let body, let held, let order):
            return ("\(leibniz("", over: "\\left(\(render(held).text)\\right)", order: order))\\left(\(render(body).text)\\right)", .derivative)
        }
    }

    /// `\frac{dy}{dx}`, `\frac{d^{2}y}{dx^{2}}`: `name` is empty for the operator.
    private func leibniz(_ name: String, over variable: String, order: Int) -> String {
        order == 1 ? "\\frac{d\(name)}{d\(variable)}" : "\\frac{d^{\(order)}\(name)}{d\(variable)^{\(order)}}"
    }

    public func derivativeOperator(variable: String, order: Int) -> String {
        leibniz("", over: Self.name(variable), order: order)
    }

    private func wrap(_ expression: Expression, below strength: Strength) -> String {
        let (text, own) = render(expression)
        return own < strength ? "\\left(\(text)\\right)" : text
    }

    private func wrap(_ expression: Expression, atOrBelow strength: Strength) -> String {
        let (text, own) = render(expression)
        return own <= strength ? "\\left(\(text)\\right)" : text
    }

    private static let greek: [String: String] = [
        "α": "\\alpha", "β": "\\beta", "γ": "\\gamma", "δ": "\\delta", "ε": "\\varepsilon", "ζ": "\\zeta",
        "η": "\\eta", "θ": "\\theta", "ι": "\\iota", "κ": "\\kappa", "λ": "\\lambda", "μ": "\\mu", "ν": "\\nu",
        "ξ": "\\xi", "ρ": "\\rho", "σ": "\\sigma", "τ": "\\tau", "φ": "\\varphi", "χ": "\\chi", "ψ": "\\psi",
        "ω": "\\omega", "Δ": "\\Delta", "Γ": "\\Gamma", "Θ": "\\Theta", "Λ": "\\Lambda", "Σ": "\\Sigma",
        "Φ": "\\Phi", "Ψ": "\\Psi", "Ω": "\\Omega",
    ]

    /// `x` → `x`, `θ` → `\theta`, `w1` → `w_{1}`, `loss` → `\mathrm{loss}`, `x_in` → `x_{\mathrm{in}}`.
    public static func name(_ name: String) -> String {
        var base = name
        var subscriptPart = ""
        if let underscore = name.firstIndex(of: "_"), underscore != name.startIndex {
            base = String(name[..<underscore])
            subscriptPart = String(name[name.index(after: underscore)...])
        } else if let digitStart = name.firstIndex(where: \.isNumber), digitStart != name.startIndex,
            name[digitStart...].allSatisfy(\.isNumber)
        {
            base = String(name[..<digitStart])
            subscriptPart = String(name[digitStart...])
        }
        func word(_ text: String) -> String {
            if let letter = greek[text] { return letter }
            if text.count == 1 { return text }
            return "\\mathrm{\(text.replacingOccurrences(of: "_", with: "\\_"))}"
        }
        let head = word(base)
        return subscriptPart.isEmpty ? head : "\(head)_{\(word(subscriptPart))}"
    }
}
