/// What the lexer produces: a kind and where it stands in the cell.
public struct Token: Hashable, Sendable {
    public enum Kind: Hashable, Sendable {
        case number(Double)
        case identifier(String)
        case string(String)
        /// A run of superscript characters: `²` is 2, `⁻¹` is -1.
        case superscript(Int)
        case plus, minus, times, divide, power
        case leftParen, rightParen, leftBracket, rightBracket
        case comma, semicolon, equals, prime, range
        /// `∂`, which starts a partial derivative operator.
        case partial
        /// `∇`, the gradient of what follows.
        case nabla
        case newline
        /// A character or literal the language has no use for; the parser reports it when it gets there.
        case invalid(message: String, kind: CalculusError.Kind)
        case end
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }

    /// True for tokens after which a line continues onto the next (`x +` then a newline).
    var continuesLine: Bool {
        switch kind {
        case .plus, .minus, .times, .divide, .power, .equals: true
        default: false
        }
    }

    /// How the token reads in an error message.
    public var display: String {
        switch kind {
        case .number(let value): "number \(NumberFormatting.shortest(value))"
        case .identifier(let name): "'\(name)'"
        case .string: "a string"
        case .superscript: "a superscript"
        case .plus: "'+'"
        case .minus: "'-'"
        case .times: "'*'"
        case .divide: "'/'"
        case .power: "'^'"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .comma: "','"
        case .semicolon: "';'"
        case .equals: "'='"
        case .prime: "'''"
        case .range: "'..'"
        case .partial: "'∂'"
        case .nabla: "'∇'"
        case .newline: "end of line"
        case .invalid(let message, _): message
        case .end: "end of input"
        }
    }
}
