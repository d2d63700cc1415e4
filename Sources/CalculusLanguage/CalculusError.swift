/// Every failure the language reports: a kind (the Jupyter `ename`), a one-line message, and
/// where it happened when that is known. Errors are values; the caret is drawn by the renderer.
public struct CalculusError: Error, Hashable, Sendable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        case syntax = "SyntaxError"
        case name = "NameError"
        /// A domain or division fault: `ln(-1)`, `1/0`, `acos(2)`, overflow.
        case math = "MathError"
        /// An input too large or too deep to handle safely.
        case limit = "LimitError"
        case interrupted = "Interrupted"
    }

    public var kind: Kind
    public var message: String
    /// Where in the cell; nil when the error belongs to no one place.
    public var range: SourceRange?
    /// A name or function the error is about, used to find its place when `range` is unknown.
    public var symbol: String?

    public init(_ kind: Kind, _ message: String, at range: SourceRange? = nil, symbol: String? = nil) {
        self.kind = kind
        self.message = message
        self.range = range
        self.symbol = symbol
    }

    public var description: String { "\(kind.rawValue): \(message)" }

    /// What every engine throws when it sees the interrupt flag (SIGINT or `interrupt_request`).
    public static let interruptedByUser = CalculusError(.interrupted, "interrupted by the user")

    static func syntax(_ message: String, at range: SourceRange?) -> CalculusError {
        CalculusError(.syntax, message, at: range)
    }
}
