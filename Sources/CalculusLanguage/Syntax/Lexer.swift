/// Turns a cell into tokens with exact source ranges. Newlines inside brackets or after a
/// binary operator are dropped, which is how a line continues; `#` comments are skipped.
public struct Lexer {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var line = 1
    private var column = 1
    private var bracketDepth = 0
    private var tokens: [Token] = []

    /// The largest cell the language reads (10 MiB of code points); larger ones are a `LimitError`.
    public static let maximumCellLength = 10 << 20

    public init(_ source: String) {
        scalars = Array(source.unicodeScalars)
    }

    /// All tokens, ending with `.end`. Never throws: bad input becomes `.invalid` tokens.
    public static func tokenize(_ source: String) -> [Token] {
        var lexer = Lexer(source)
        return lexer.run()
    }

    private var position: SourcePosition { SourcePosition(line: line, column: column, offset: index) }

    private mutating func run() -> [Token] {
        if scalars.count > Self.maximumCellLength {
            let start = position
            return [
                Token(.invalid(message: "the cell is longer than \(Self.maximumCellLength) characters", kind: .limit),
                      SourceRange(start: start, end: start)),
                Token(.end, SourceRange(start: start, end: start)),
            ]
        }
        while index < scalars.count {
            let start = position
            let c = scalars[index]
            switch c {
            case " ", "\t", "\r", "\u{00A0}":
                advance()
            case "\n":
                advance()
                let previous = tokens.last
                let continues = bracketDepth > 0 || previous == nil || previous!.continuesLine
                    || previous!.kind == .newline
                if !continues { tokens.append(Token(.newline, SourceRange(start: start, end: position))) }
            case "#":
                while index < scalars.count && scalars[index] != "\n" { advance() }
            case "0"..."9":
                lexNumber(start)
            case ".":
                if peek(1).map(Self.isDigit) == true {
                    lexNumber(start)
                } else if peek(1) == "." {
                    advance(2)
                    add(.range, start)
                } else {
                    advance()
                    add(.invalid(message: "unexpected '.'", kind: .syntax), start)
                }
            case "\"":
                lexString(start)
            case "+": advance(); add(.plus, start)
            case "-", "\u{2212}": advance(); add(.minus, start)
            case "*":
                if peek(1) == "*" { advance(2); add(.power, start) } else { advance(); add(.times, start) }
            case "·", "×", "\u{22C5}": advance(); add(.times, start)
            case "/", "÷": advance(); add(.divide, start)
            case "^": advance(); add(.power, start)
            case "(": advance(); bracketDepth += 1; add(.leftParen, start)
            case ")": advance(); bracketDepth = max(0, bracketDepth - 1); add(.rightParen, start)
            case "[": advance(); bracketDepth += 1; add(.leftBracket, start)
            case "]": advance(); bracketDepth = max(0, bracketDepth - 1); add(.rightBracket, start)
            case ",": advance(); add(.comma, start)
            case ";": advance(); add(.semicolon, start)
            case "=": advance(); add(.equals, start)
            case "'", "′": advance(); add(.prime, start)
            case "∂": advance(); add(.partial, start)
            case "∇": advance(); add(.nabla, start)
            case "π":
                advance()
                add(.identifier("π"), start)
            default:
                if Self.superscriptValue(c) != nil || c == "⁻" || c == "⁺" {
                    lexSuperscript(start)
                } else if Self.isNameStart(c) {
                    lexName(start)
                } else {
                    advance()
                    add(.invalid(message: "unexpected character '\(Character(c))'", kind: .syntax), start)
                }
            }
        }
        let end = position
        tokens.append(Token(.end, SourceRange(start: end, end: end)))
        return tokens
    }

    private func peek(_ ahead: Int) -> Unicode.Scalar? {
        index + ahead < scalars.count ? scalars[index + ahead] : nil
    }

    private mutating func advance(_ count: Int = 1) {
        for _ in 0..<count where index < scalars.count {
            if scalars[index] == "\n" {
                line += 1
                column = 1
            } else {
                column += 1
            }
            index += 1
        }
    }

    private mutating func add(_ kind: Token.Kind, _ start: SourcePosition) {
        tokens.append(Token(kind, SourceRange(start: start, end: position)))
    }

    static func isDigit(_ c: Unicode.Scalar) -> Bool { c >= "0" && c <= "9" }

    static func isNameStart(_ c: Unicode.Scalar) -> Bool {
        c == "_" || (c.properties.isAlphabetic && c != "π" && c != "∂" && c != "∇" && superscriptValue(c) == nil)
    }

    static func isNameContinue(_ c: Unicode.Scalar) -> Bool {
        isNameStart(c) || isDigit(c) || subscriptDigit(c) != nil
    }

    static func subscriptDigit(_ c: Unicode.Scalar) -> Character? {
        guard c.value >= 0x2080 && c.value <= 0x2089 else { return nil }
        return Character(Unicode.Scalar(UInt8(48 + c.value - 0x2080)))
    }

    static func superscriptValue(_ c: Unicode.Scalar) -> Int? {
        switch c {
        case "⁰": 0
        case "¹": 1
        case "²": 2
        case "³": 3
        case "⁴": 4
        case "⁵": 5
        case "⁶": 6
        case "⁷": 7
        case "⁸": 8
        case "⁹": 9
        default: nil
        }
    }

    private mutating func lexNumber(_ start: SourcePosition) {
        var text = ""
        while let c = peek(0), Self.isDigit(c) { text.unicodeScalars.append(c); advance() }
        if peek(0) == ".", peek(1) != "." {
            text.append("."); advance()
            while let c = peek(0), Self.isDigit(c) { text.unicodeScalars.append(c); advance() }
        }
        // An exponent only when digits follow: `2e^x` is 2·e^x, `2e-3` is 0.002.
        if let e = peek(0), e == "e" || e == "E" {
            let signed = peek(1) == "+" || peek(1) == "-"
            if let digit = peek(signed ? 2 : 1), Self.isDigit(digit) {
                text.unicodeScalars.append(e); advance()
                if signed { text.unicodeScalars.append(peek(0)!); advance() }
                while let c = peek(0), Self.isDigit(c) { text.unicodeScalars.append(c); advance() }
            }
        }
        if text.hasPrefix(".") { text = "0" + text }
        guard let value = Double(text) else {
            add(.invalid(message: "malformed number '\(text)'", kind: .syntax), start)
            return
        }
        guard value.isFinite else {
            add(.invalid(message: "the number \(text) is too large for a double", kind: .limit), start)
            return
        }
        add(.number(value), start)
    }

    private mutating func lexName(_ start: SourcePosition) {
        var name = ""
        while let c = peek(0), Self.isNameContinue(c) {
            if let digit = Self.subscriptDigit(c) { name.append(digit) } else { name.unicodeScalars.append(c) }
            advance()
        }
        add(.identifier(name), start)
    }

    private mutating func lexSuperscript(_ start: SourcePosition) {
        var sign = 1
        if peek(0) == "⁻" { sign = -1; advance() } else if peek(0) == "⁺" { advance() }
        var digits = ""
        while let c = peek(0), let value = Self.superscriptValue(c) { digits += String(value); advance() }
        guard !digits.isEmpty, let value = Int(digits), digits.count <= 9 else {
            add(.invalid(message: "a superscript sign needs superscript digits after it", kind: .syntax), start)
            return
        }
        add(.superscript(sign * value), start)
    }

    private mutating func lexString(_ start: SourcePosition) {
        advance()
        var text = ""
        while let c = peek(0), c != "\"" {
            if c == "\n" { break }
            if c == "\\", let next = peek(1) {
                switch next {
                case "n": text.append("\n")
                case "t": text.append("\t")
                default: text.unicodeScalars.append(next)
                }
                advance(2)
            } else {
                text.unicodeScalars.append(c)
                advance()
            }
        }
        guard peek(0) == "\"" else {
            add(.invalid(message: "this string has no closing quote", kind: .syntax), start)
            return
        }
        advance()
        add(.string(text), start)
    }
}
