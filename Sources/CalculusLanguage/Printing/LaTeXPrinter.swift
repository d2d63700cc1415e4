/// Prints expressions as LaTeX for typeset output (`2x \cos\left(x^{2}\right)`).
/// Read by people and MathJax only; it need not parse back.
public struct LaTeXPrinter: Sendable {
    public init() {}

    private typealias Strength = ExpressionPrinter.Strength

    public func print(_ expression: Expression) -> String {
        var text = PrintedText()
        write(expression, to: &text)
        return text.string
    }

    /// A vector as a row `\begin{pmatrix} a & b \end{pmatrix}`, a matrix row by row.
    public func print(_ list: ListLiteral) -> String {
        var text = PrintedText()
        text.append(list.rows, open: "\\begin{pmatrix} ", separator: " \\\\ ", close: " \\end{pmatrix}") { row, text in
            text.append(row, open: "", separator: " & ", close: "") { write($0, to: &$1) }
        }
        return text.string
    }

    /// How tightly the expression's typeset form binds: as printed, but for what typesetting makes an
    /// atom (`\frac{…}{…}`, `\frac{dy}{dx}`) or a power (`e^{…}`).
    private func strength(of expression: Expression) -> Strength {
        switch expression {
        case .binary(.divide, _, _), .derivative(.variable, _, _), .derivativeBySubexpression(.variable, _, _): .atom
        case .builtin(.exp, _): .power
        default: ExpressionPrinter.unicode.strength(of: expression)
        }
    }

    /// As `ExpressionPrinter`, each node appends to the one text.
    private func write(_ expression: Expression, to text: inout PrintedText) {
        switch expression {
        case .number(let value):
            text.append(number: value, Self.number)
        case .constant(.pi): text.append("\\pi")
        case .constant(.e): text.append("e")
        case .variable(let name): text.append(name: name, Self.name)
        case .negate(let operand):
            text.append("-")
            write(operand, wrapped: strength(of: operand) < .prefix, to: &text)
        case .binary(let op, let left, let right) where op == .add || op == .subtract:
            write(left, wrapped: strength(of: left) < .sum, to: &text)
            text.append(op == .add ? " + " : " - ")
            // A negative term on the right keeps its sign apart: `2x + \left(-\sin(x)\right)`.
            let rightStrength = strength(of: right)
            write(right, wrapped: rightStrength <= .sum || rightStrength == .prefix, to: &text)
        case .binary(.multiply, let left, let right):
            write(left, wrapped: strength(of: left) < .product, to: &text)
            let rightWrapped = strength(of: right) <= .prefix
            guard case .number = left else {
                text.append(" \\cdot ")
                write(right, wrapped: rightWrapped, to: &text)
                return
            }
            // After a number, whether the right side juxtaposes (`2x`, `2\sin`) shows in its first characters.
            let start = text.count
            write(right, wrapped: rightWrapped, to: &text)
            if !text.typesetJuxtaposes(from: start) { text.insert(" \\cdot ", at: start) }
        case .binary(.divide, let left, let right):
            text.append("\\frac{")
            write(left, to: &text)
            text.append("}{")
            write(right, to: &text)
            text.append("}")
        case .binary(_, let base, let exponent):
            write(base, wrapped: strength(of: base) <= .power, to: &text)
            text.append("^{")
            write(exponent, to: &text)
            text.append("}")
        case .builtin(.exp, let argument):
            text.append("e^{")
            write(argument, to: &text)
            text.append("}")
        case .builtin(.sqrt, let argument):
            text.append("\\sqrt{")
            write(argument, to: &text)
            text.append("}")
        case .builtin(.abs, let argument):
            text.append("\\left|")
            write(argument, to: &text)
            text.append("\\right|")
        case .builtin(let function, let argument):
            text.append(function.latexName)
            write(argument, wrapped: true, to: &text)
        case .call(let name, let arguments):
            text.append(Self.name(name))
            writeArguments(arguments, to: &text)
        case .prime(let name, let order, let arguments):
            text.append(Self.name(name))
            text.append(String(repeating: "'", count: order))
            writeArguments(arguments, to: &text)
        case .derivative(.variable(let name), let variable, let order):
            text.append(leibniz(Self.name(name), over: Self.name(variable), order: order))
        case .derivative(let body, let variable, let order):
            text.append(derivativeOperator(variable: variable, order: order))
            write(body, wrapped: true, to: &text)
        case .derivativeBySubexpression(.variable(let name), let held, let order):
            text.append(leibniz(Self.name(name), over: "\\left(\(print(held))\\right)", order: order))
        case .derivativeBySubexpression(let body, let held, let order):
            text.append(leibniz("", over: "\\left(\(print(held))\\right)", order: order))
            write(body, wrapped: true, to: &text)
        }
    }

    private func writeArguments(_ arguments: [Expression], to text: inout PrintedText) {
        text.append(arguments, open: "\\left(", separator: ", ", close: "\\right)") { write($0, to: &$1) }
    }

    private func write(_ expression: Expression, wrapped: Bool, to text: inout PrintedText) {
        if wrapped { text.append("\\left(") }
        write(expression, to: &text)
        if wrapped { text.append("\\right)") }
    }

    /// `0.25`, `1 \times 10^{-5}`.
    private static func number(_ value: Double) -> String {
        let number = NumberFormatting.shortest(value)
        guard let exponentIndex = number.utf8.firstIndex(of: UInt8(ascii: "e")) else { return number }
        let mantissa = number[..<exponentIndex]
        let exponent = Int(number[number.utf8.index(after: exponentIndex)...]) ?? 0
        return "\(mantissa) \\times 10^{\(exponent)}"
    }

    /// `\frac{dy}{dx}`, `\frac{d^{2}y}{dx^{2}}`: `name` is empty for the operator.
    private func leibniz(_ name: String, over variable: String, order: Int) -> String {
        order == 1 ? "\\frac{d\(name)}{d\(variable)}" : "\\frac{d^{\(order)}\(name)}{d\(variable)^{\(order)}}"
    }

    public func derivativeOperator(variable: String, order: Int) -> String {
        leibniz("", over: Self.name(variable), order: order)
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
        if let typeset = asciiName(name) { return typeset }
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

    /// `name` for the names met most (`x`, `w1`, `loss`: ASCII letters, then perhaps digits), read as
    /// bytes; nil for any other name.
    private static func asciiName(_ name: String) -> String? {
        let bytes = name.utf8
        func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
        guard let first = bytes.first, !isDigit(first), bytes.allSatisfy({ $0 < 0x80 && $0 != UInt8(ascii: "_") }) else { return nil }
        func word(_ text: Substring.UTF8View) -> String {
            text.count == 1 ? String(Substring(text)) : "\\mathrm{\(Substring(text))}"
        }
        guard let digitStart = bytes.firstIndex(where: isDigit), bytes[digitStart...].allSatisfy(isDigit) else {
            return bytes.firstIndex(where: isDigit) == nil ? word(Substring(name).utf8) : "\\mathrm{\(name)}"
        }
        let whole = Substring(name).utf8
        return "\(word(whole[..<digitStart]))_{\(word(whole[digitStart...]))}"
    }
}
