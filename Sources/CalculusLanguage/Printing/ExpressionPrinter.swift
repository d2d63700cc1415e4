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
        var text = PrintedText()
        write(expression, to: &text)
        return text.string
    }

    /// `[2x·y, x² + cos(y)]`, `[[2y, 2x], [2x, 0]]`: the list literal the parser reads back.
    /// An entry that is the very node of an earlier one (a Hessian's entry below the diagonal is the
    /// one above it) is copied from the text already written, not printed again.
    public func print(_ list: ListLiteral) -> String {
        var text = PrintedText()
        var written: [(entry: Expression, range: Range<Int>)] = []
        func writeVector(_ entries: [Expression], to text: inout PrintedText) {
            text.append(entries, open: "[", separator: ", ", close: "]") { entry, text in
                if let earlier = written.first(where: { $0.entry.isSameNode(as: entry) }) {
                    text.repeatBytes(earlier.range)
                    return
                }
                let start = text.count
                write(entry, to: &text)
                written.append((entry, start..<text.count))
            }
        }
        switch list {
        case .vector(let entries): writeVector(entries, to: &text)
        case .matrix(let rows): text.append(rows, open: "[", separator: ", ", close: "]") { writeVector($0, to: &$1) }
        }
        return text.string
    }

    /// How tightly the expression's printed form binds, known from its top node alone.
    func strength(of expression: Expression) -> Strength {
        switch expression {
        case .number(let value): value < 0 ? .prefix : .atom
        case .constant, .variable, .call, .prime: .atom
        case .negate: .prefix
        case .binary(.add, _, _), .binary(.subtract, _, _): .sum
        case .binary(.multiply, _, _), .binary(.divide, _, _): .product
        case .binary(.power, _, _): .power
        case .builtin(.exp, _): style == .unicode ? .power : .atom
        case .builtin: .atom
        case .derivative(.variable, _, _), .derivativeBySubexpression(.variable, _, _): .prefix
        case .derivative, .derivativeBySubexpression: .derivative
        }
    }

    /// Each node appends to the one text: a parent never copies its children's text (which made a
    /// deep expression's printing cost its size times its depth).
    private func write(_ expression: Expression, to text: inout PrintedText) {
        switch expression {
        case .number(let value):
            text.append(number: value, NumberFormatting.shortest)
        case .constant(let constant):
            switch constant {
            case .pi: text.append(style == .unicode ? "π" : "pi")
            case .e: text.append("e")
            }
        case .variable(let name):
            text.append(name)
        case .negate(let operand):
            text.append("-")
            if case .number = operand {
                text.append("(")
                write(operand, to: &text)
                text.append(")")
            } else {
                write(operand, wrappedBelow: .prefix, to: &text)
            }
        case .binary(let op, let left, let right):
            writeBinary(op, left, right, to: &text)
        case .builtin(.exp, let argument) where style == .unicode:
            text.append("e^")
            writeExponent(argument, alwaysWrapCompound: true, to: &text)
        case .builtin(let function, let argument):
            text.append(function.names[0])
            text.append("(")
            write(argument, to: &text)
            text.append(")")
        case .call(let name, let arguments):
            text.append(name)
            writeArguments(arguments, to: &text)
        case .prime(let name, let order, let arguments):
            text.append(name)
            text.append(String(repeating: "'", count: order))
            writeArguments(arguments, to: &text)
        case .derivative(.variable(let name), let variable, let order):
            // Leibniz notation for a name, as the texts write it: `dy/dx`, `d²L/dw²`. The parser reads it
            // as one factor, so it needs brackets only as a power's base: `(dy/dx)^2`.
            text.append(leibniz(name, over: "d" + variable, order: order))
        case .derivative(let body, let variable, let order):
            text.append(derivativeOperator(variable: variable, order: order))
            text.append(" ")
            write(body, to: &text)
        case .derivativeBySubexpression(.variable(let name), let held, let order):
            text.append(leibniz(name, over: "d(\(print(held)))", order: order))
        case .derivativeBySubexpression(let body, let held, let order):
            text.append(leibniz("", over: "d(\(print(held)))", order: order))
            text.append(" ")
            write(body, to: &text)
        }
    }

    private func writeArguments(_ arguments: [Expression], to text: inout PrintedText) {
        text.append(arguments, open: "(", separator: ", ", close: ")") { write($0, to: &$1) }
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

    private func writeBinary(_ op: BinaryOperator, _ left: Expression, _ right: Expression, to text: inout PrintedText) {
        switch op {
        case .add, .subtract:
            write(left, wrappedBelow: .sum, to: &text)
            text.append(op == .add ? " + " : " - ")
            // A negative term on the right keeps its sign apart: `2x + (-sin(x))`, not `2x + -sin(x)`.
            writeRightOperand(right, wrappedAtOrBelow: .sum, to: &text)
        case .multiply, .divide:
            write(left, wrappedBelow: .product, to: &text)
            if op == .divide {
                text.append("/")
            } else if style == .ascii {
                text.append("*")
            } else if case .number(let n) = left, abs(n) != 1 {
                // `2x`, `6(3x + 1)`; but `1·ln(x)`, since a juxtaposed 1 reads as a digit of something else.
                // Whether the right side juxtaposes shows in its first characters, once written.
                let start = text.count
                writeRightOperand(right, wrappedAtOrBelow: .product, to: &text)
                if !text.juxtaposes(from: start) { text.insert("·", at: start) }
                return
            } else {
                text.append("·")
            }
            // A negation on the right reads better in parentheses: `2·(-x)`, not `2·-x`.
            writeRightOperand(right, wrappedAtOrBelow: .product, to: &text)
        case .power:
            write(left, wrappedAtOrBelow: .power, to: &text)
            if style == .unicode, case .number(let n) = right, n == n.rounded(), abs(n) < 1e9 {
                text.append(Self.superscript(Int(n)))
                return
            }
            text.append("^")
            writeExponent(right, alwaysWrapCompound: false, to: &text)
        }
    }

    /// The right operand of a binary operator: in parentheses when negative, or when it binds no
    /// tighter than `strength`.
    private func writeRightOperand(_ right: Expression, wrappedAtOrBelow strength: Strength, to text: inout PrintedText) {
        if isNegative(right) {
            text.append("(")
            write(right, to: &text)
            text.append(")")
        } else {
            write(right, wrappedAtOrBelow: strength, to: &text)
        }
    }

    /// An exponent after `^`. The parser reads a prefix-level operand there (`x^-y`, `x^y^z`);
    /// `e^(2x)` keeps its parentheses for anything but a name or a number, as textbooks do.
    private func writeExponent(_ expression: Expression, alwaysWrapCompound: Bool, to text: inout PrintedText) {
        let bare: Bool
        if alwaysWrapCompound {
            switch expression {
            case .variable, .constant: bare = true
            case .number(let value): bare = value >= 0
            default: bare = false
            }
        } else {
            bare = strength(of: expression) >= .prefix
        }
        if bare {
            write(expression, to: &text)
        } else {
            text.append("(")
            write(expression, to: &text)
            text.append(")")
        }
    }

    private func isNegative(_ expression: Expression) -> Bool {
        switch expression {
        case .negate: true
        case .number(let value): value < 0
        default: false
        }
    }

    private func write(_ expression: Expression, wrappedBelow strength: Strength, to text: inout PrintedText) {
        write(expression, wrapped: self.strength(of: expression) < strength, to: &text)
    }

    private func write(_ expression: Expression, wrappedAtOrBelow strength: Strength, to text: inout PrintedText) {
        write(expression, wrapped: self.strength(of: expression) <= strength, to: &text)
    }

    private func write(_ expression: Expression, wrapped: Bool, to text: inout PrintedText) {
        if wrapped { text.append("(") }
        write(expression, to: &text)
        if wrapped { text.append(")") }
    }

    private static let superscriptDigits = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]

    static func superscript(_ value: Int) -> String {
        var text = value < 0 ? "⁻" : ""
        for digit in String(value.magnitude).utf8 { text += superscriptDigits[Int(digit - UInt8(ascii: "0"))] }
        return text
    }
}

/// Printed text as UTF-8 bytes, appended to in place, made a string once at the end.
struct PrintedText {
    private var bytes: [UInt8] = []
    /// The numbers written last, as written (by their bits: `-0.0` is not `0`, and a NaN is itself):
    /// an expression repeats its few numbers many times (`0.5`, `-0.3` in every entry of a Hessian),
    /// and formatting one costs more than finding it.
    private var recentNumbers = RecentlyFormatted<UInt64>()
    /// Likewise the names last typeset (`w_{1}` for `w1`).
    private var recentNames = RecentlyFormatted<String>()

    var count: Int { bytes.count }

    var string: String { String(decoding: bytes, as: UTF8.self) }

    mutating func append(_ piece: String) {
        var piece = piece
        piece.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// `open`, the items as `write` writes them with `separator` between, then `close`.
    mutating func append<Item>(
        _ items: [Item], open: String, separator: String, close: String, _ write: (Item, inout PrintedText) -> Void
    ) {
        append(open)
        for (index, item) in items.enumerated() {
            if index > 0 { append(separator) }
            write(item, &self)
        }
        append(close)
    }

    /// Appends `value` as `format` writes it.
    mutating func append(number value: Double, _ format: (Double) -> String) {
        append(recentNumbers.text(for: value.bitPattern) { format(Double(bitPattern: $0)) })
    }

    /// Appends `name` as `format` writes it.
    mutating func append(name: String, _ format: (String) -> String) {
        append(recentNames.text(for: name, format))
    }

    /// Appends a copy of text already written.
    mutating func repeatBytes(_ range: Range<Int>) {
        bytes.append(contentsOf: bytes[range])
    }

    mutating func insert(_ piece: String, at position: Int) {
        bytes.insert(contentsOf: Array(piece.utf8), at: position)
    }

    /// Whether the text from `start` may follow a number with nothing between (`2x`, `6(3x + 1)`,
    /// `2sin(x)`, `2π`), as opposed to `2·3` or `2·e1` (which would read as `2e1`).
    func juxtaposes(from start: Int) -> Bool {
        guard start < bytes.count else { return false }
        var iterator = bytes[start...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let first) = decoder.decode(&iterator) else { return false }
        if first == "(" || first == "π" { return true }
        guard Lexer.isNameStart(first) else { return false }
        if first == "e" || first == "E", case .scalarValue(let second) = decoder.decode(&iterator),
            Lexer.isDigit(second) || second == "+" || second == "-"
        {
            return false
        }
        return true
    }

    /// Whether typeset text from `start` may follow a number with nothing between: a letter, a command
    /// (`2\sin`), or a parenthesis (`2\left(x + 1\right)`), but not `\left|` (`2 \cdot \left|x\right|`).
    func typesetJuxtaposes(from start: Int) -> Bool {
        guard start < bytes.count else { return false }
        let rest = bytes[start...]
        if rest.first == UInt8(ascii: "\\") {
            let left = Array("\\left".utf8)
            guard rest.starts(with: left) else { return true }
            return rest.dropFirst(left.count).first == UInt8(ascii: "(")
        }
        if let first = rest.first, first < 0x80 {
            return (first | 0x20) >= UInt8(ascii: "a") && (first | 0x20) <= UInt8(ascii: "z")
        }
        var iterator = rest.makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let first) = decoder.decode(&iterator) else { return false }
        return Character(first).isLetter
    }
}

/// The last few keys formatted, with their text: found by a look along a short list, which costs
/// less than formatting again.
struct RecentlyFormatted<Key: Equatable> {
    private var entries: [(key: Key, text: String)] = []

    mutating func text(for key: Key, _ format: (Key) -> String) -> String {
        if let known = entries.first(where: { $0.key == key }) { return known.text }
        let text = format(key)
        if entries.count == 16 { entries.removeFirst() }
        entries.append((key, text))
        return text
    }
}
