/// Prints expressions in the language's own syntax with the fewest parentheses that keep the tree:
/// `.unicode` as people read it (`2x·cos(x²)`), `.ascii` for tools (`2*x*cos(x^2)`).
/// Both read back to the same tree: `Parser.parseExpression(print(e)) == e`.
public struct ExpressionPrinter: Sendable {
    public enum Style: Sendable { case unicode, ascii }
    public let style: Style

    public init(style: Style) {
        self.style = style
    }

    public static let unicode = ExpressionPrinter(style: .unicode)
    public static let ascii = ExpressionPrinter(style: .ascii)

    /// Binding strength, loosest first; a child printed inside a parent of higher strength gets parentheses.
    enum Strength: Int, Comparable {
        case derivative = 0, sum, product, prefix, power, atom
        static func < (a: Strength, b: Strength) -> Bool { a.rawValue < b.rawValue }
    }

    public func print(_ expression: Expression) -> String {
        render(expression).text
    }

    /// `[2x·y, x² + cos(y)]`, `[[2y, 2x], [2x, 0]]`: the list literal the parser reads back.
    public func print(_ list: ListLiteral) -> String {
        switch list {
        case .vector(let entries): "[" + entries.map(print).joined(separator: ", ") + "]"
        case .matrix(let rows): "[" + rows.map { print(.vector($0)) }.joined(separator: ", ") + "]"
        }
    }

    private func render(_ expression: Expression) -> (text: String, strength: Strength) {
        switch expression {
        case .number(let value):
            let text = NumberFormatting.shortest(value)
            return (text, value < 0 ? .prefix : .atom)
        case .constant(let constant):
            switch constant {
            case .pi: return (style == .unicode ? "π" : "pi", .atom)
            case .e: return ("e", .atom)
            }
        case .variable(let name):
            return (name, .atom)
        case .negate(let operand):
            if case .number = operand { return ("-(\(render(operand).text))", .prefix) }
            return ("-" + wrap(operand, below: .prefix), .prefix)
        case .binary(let op, let left, let right):
            return renderBinary(op, left, right)
        case .builtin(.exp, let argument) where style == .unicode:
            return ("e^" + exponent(argument, alwaysWrapCompound: true), .power)
        case .builtin(let function, let argument):
            return ("\(function.names[0])(\(render(argument).text))", .atom)
        case .call(let name, let arguments):
            return ("\(name)(\(arguments.map { render($0).text }.joined(separator: ", ")))", .atom)
        case .prime(let name, let order, let arguments):
            let primes = String(repeating: "'", count: order)
            return ("\(name)\(primes)(\(arguments.map { render($0).text }.joined(separator: ", ")))", .atom)
        case .derivative(.variable(let name), let variable, let order):
            // Leibniz notation for a name, as the texts write it: `dy/dx`, `d²L/dw²`. The parser reads it
            // as one factor, so it needs brackets only as a power's base: `(dy/dx)^2`.
            return (leibniz(name, over: "d" + variable, order: order), .prefix)
        case .derivative(let body, let variable, let order):
            return ("\(derivativeOperator(variable: variable, order: order)) \(render(body).text)", .derivative)
        case .derivativeBySubexpression(.variable(let name), let held, let order):
            return (leibniz(name, over: "d(\(render(held).text))", order: order), .prefix)
        case .derivativeBySubexpression(let body, let held, let order):
            return ("\(leibniz("", over: "d(\(render(held).text))", order: order)) \(render(body).text)", .derivative)
        }
    }

    public func derivativeOperator(variable: String, order: Int) -> String {
        leibniz("", over: "d" + variable, order: order)
    }

    /// `d/dx`, `dy/dx`, `d²y/dx²` (`d^2y/dx^2` in ASCII): `name` is empty for the operator.
    private func leibniz(_ name: String, over denominator: String, order: Int) -> String {
        if order == 1 { return "d\(name)/\(denominator)" }
        switch style {
        case .unicode: return "d\(Self.superscript(order))\(name)/\(denominator)\(Self.superscript(order))"
        case .ascii: return "d^\(order)\(name)/\(denominator)^\(order)"
        }
    }

    private func renderBinary(_ op: BinaryOperator, _ left: Expression, _ right: Expression) -> (text: String, strength: Strength) {
        switch op {
        case .add, .subtract:
            let symbol = op == .add ? " + " : " - "
            // A negative term on the right keeps its sign apart: `2x + (-sin(x))`, not `2x + -sin(x)`.
            let rightText = isNegative(right) ? "(\(render(right).text))" : wrap(right, atOrBelow: .sum)
            return (wrap(left, below: .sum) + symbol + rightText, .sum)
        case .multiply, .divide:
            let leftText = wrap(left, below: .product)
            // A negation on the right reads better in parentheses: `2·(-x)`, not `2·-x`.
            let rightText = isNegative(right) ? "(\(render(right).text))" : wrap(right, atOrBelow: .product)
            if op == .divide { return (leftText + "/" + rightText, .product) }
            if style == .ascii { return (leftText + "*" + rightText, .product) }
            // `2x`, `6(3x + 1)`; but `1·ln(x)`, since a juxtaposed 1 reads as a digit of something else.
            if case .number(let n) = left, abs(n) != 1, juxtaposes(rightText) { return (leftText + rightText, .product) }
            return (leftText + "·" + rightText, .product)
        case .power:
            let baseText = wrap(left, atOrBelow: .power)
            if style == .unicode, case .number(let n) = right, n == n.rounded(), abs(n) < 1e9 {
                return (baseText + Self.superscript(Int(n)), .power)
            }
            return (baseText + "^" + exponent(right, alwaysWrapCompound: false), .power)
        }
    }

    /// An exponent after `^`. The parser reads a prefix-level operand there (`x^-y`, `x^y^z`);
    /// `e^(2x)` keeps its parentheses for anything but a name or a number, as textbooks do.
    private func exponent(_ expression: Expression, alwaysWrapCompound: Bool) -> String {
        let (text, strength) = render(expression)
        if alwaysWrapCompound {
            switch expression {
            case .variable, .constant: return text
            case .number(let value) where value >= 0: return text
            default: return "(\(text))"
            }
        }
        return strength < .prefix ? "(\(text))" : text
    }

    /// Implied product after a number: `2x`, `6(3x + 1)`, `2sin(x)`, but `2·3`, and `2·e1` (not `2e1`).
    private func juxtaposes(_ rightText: String) -> Bool {
        guard let first = rightText.unicodeScalars.first else { return false }
        if first == "(" || first == "π" { return true }
        guard Lexer.isNameStart(first) else { return false }
        if first == "e" || first == "E" {
            let scalars = Array(rightText.unicodeScalars)
            if scalars.count > 1, Lexer.isDigit(scalars[1]) || scalars[1] == "+" || scalars[1] == "-" { return false }
        }
        return true
    }

    private func isNegative(_ expression: Expression) -> Bool {
        switch expression {
        case .negate: true
        case .number(let value): value < 0
        default: false
        }
    }

    private func wrap(_ expression: Expression, below strength: Strength) -> String {
        let (text, own) = render(expression)
        return own < strength ? "(\(text))" : text
    }

    private func wrap(_ expression: Expression, atOrBelow strength: Strength) -> String {
        let (text, own) = render(expression)
        return own <= strength ? "(\(text))" : text
    }

    static func superscript(_ value: Int) -> String {
        let digits: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        let body = String(String(abs(value)).map { digits[Int(String($0))!] })
        return value < 0 ? "⁻" + body : body
    }
}
