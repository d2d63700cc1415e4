/// A Pratt parser for the calculus language. Binding strength, loosest first:
///
/// | strength | forms |
/// | --- | --- |
/// | derivative | `d/dx E` takes everything up to `at`, `where`, `,`, `for`, a closing bracket or `=` |
/// | sum | `a + b`, `a - b` |
/// | product | `a * b`, `a / b`, `a·b`, `a×b`, implied `2x`, `2(x+1)`, `(x+1)(x-1)` |
/// | prefix | `-a` |
/// | power | `a ^ b`, `a ** b` (right-associative), superscripts `x²`, calls, `sin x²` |
///
/// Statements are parsed one at a time (`nextStatement`), so that a session can tell the parser which
/// names are bound: `e` is Euler's number and `e^u` is `exp(u)` only while `e` is not bound.
public struct Parser {
    private let tokens: [Token]
    private let scalars: [Unicode.Scalar]
    private var index = 0
    private var depth = 0
    /// Names bound in the session: a bound `e` or `pi` is the user's, not the constant.
    public var boundNames: Set<String>
    /// Words that end an expression only in the statement being read (`order` after `taylor … at x = a`).
    private var stopWords: Set<String> = []

    /// The deepest nesting of brackets, operators and calls one expression may have. Parsing,
    /// printing and differentiating recurse on it; the kernel runs them on a thread whose stack
    /// (`OSThread.largeStackSize`, 1 GiB) holds this depth many times over.
    public static let maximumNesting = 10_000

    public init(_ source: String, boundNames: Set<String> = []) {
        self.tokens = Lexer.tokenize(source)
        self.scalars = Array(source.unicodeScalars)
        self.boundNames = boundNames
    }

    // MARK: Entry points

    /// Parses a whole text as one expression.
    public static func parseExpression(_ source: String, boundNames: Set<String> = []) throws(CalculusError) -> Expression {
        var parser = Parser(source, boundNames: boundNames)
        parser.skipSeparators()
        let expression = try parser.expression()
        parser.skipSeparators()
        guard case .end = parser.current.kind else { throw parser.unexpected() }
        return expression
    }

    /// Parses every statement of a cell (names bound by the cell's own statements are taken into account).
    public static func parseCell(_ source: String, boundNames: Set<String> = []) throws(CalculusError) -> [Statement] {
        var parser = Parser(source, boundNames: boundNames)
        var statements: [Statement] = []
        while let statement = try parser.nextStatement() {
            statements.append(statement)
            switch statement.kind {
            case .bind(let name, _), .define(let name, _, _): parser.boundNames.insert(name)
            default: break
            }
        }
        return statements
    }

    /// The next statement, or nil at the end of the cell.
    public mutating func nextStatement() throws(CalculusError) -> Statement? {
        skipSeparators()
        if case .end = current.kind { return nil }
        let start = current.range.start
        let kind = try statementKind()
        let end = tokens[max(index - 1, 0)].range.end
        switch current.kind {
        case .newline, .semicolon, .end: break
        default: throw unexpected()
        }
        let range = SourceRange(start: start, end: end)
        let text = String(String.UnicodeScalarView(scalars[start.offset..<end.offset]))
        return Statement(kind: kind, range: range, source: text)
    }

    // MARK: Statements

    private mutating func statementKind() throws(CalculusError) -> Statement.Kind {
        if case .identifier(let word) = current.kind, Keywords.statement.contains(word), !isAssignmentAhead(at: index + 1) {
            advance()
            return try keywordStatement(word)
        }
        if case .identifier(let name) = current.kind {
            if case .equals = peek(1).kind {
                try checkBindable(name, at: current.range)
                advance(2)
                return .bind(name: name, try expression())
            }
            if case .leftParen = peek(1).kind, let parameters = try functionDefinitionParameters() {
                try checkBindable(name, at: tokens[index].range)
                advance(parameters.tokenCount)
                let body = try withBound(parameters.names) { (parser: inout Parser) throws(CalculusError) in try parser.expression() }
                return .define(name: name, parameters: parameters.names, body: body)
            }
        }
        if case .nabla = current.kind {
            advance()
            return try derivativeMatrix(.gradient, [try expression()])
        }
        if case .leftBracket = current.kind {
            let list = try listLiteral()
            return .list(list, at: try optionalAssignments())
        }
        let derivativeStart = index
        let value = try expression()
        if isKeyword("from") {
            guard case .derivative(.variable(let dependent), let independent, 1) = value else {
                throw CalculusError.syntax(
                    "'from' follows a first derivative in Leibniz form, as in dy/dx from x^2 + y^2 = 25", at: tokens[derivativeStart].range)
            }
            advance()
            let left = try expression()
            try require(.equals, "'=' and the right side of the equation, as in dy/dx from x^2 + y^2 = 25")
            let right = try expression()
            return .implicit(dependent: dependent, independent: independent, left: left, right: right, at: try optionalAssignments())
        }
        if isKeyword("at") || isKeyword("where") {
            advance()
            return .evaluate(value, at: try assignments())
        }
        return .evaluate(value, at: [])
    }

    /// `at x = 1, y = 2` when it follows; none otherwise.
    private mutating func optionalAssignments() throws(CalculusError) -> [Assignment] {
        guard isKeyword("at") || isKeyword("where") else { return [] }
        advance()
        return try assignments()
    }

    /// The rest of `gradient E wrt x, y at …` after its expressions.
    private mutating func derivativeMatrix(_ kind: DerivativeMatrixKind, _ expressions: [Expression]) throws(CalculusError) -> Statement.Kind {
        var names: [String]?
        if isKeyword("wrt") {
            advance()
            var list: [String] = []
            repeat { list.append(try name()) } while consume(.comma)
            names = list
        }
        return .derivativeMatrix(kind, expressions, withRespectTo: names, at: try optionalAssignments())
    }

    /// `[a, b]` or `[[a, b], [c, d]]`.
    private mutating func listLiteral() throws(CalculusError) -> ListLiteral {
        let open = current
        try require(.leftBracket, "'['")
        if case .leftBracket = current.kind {
            var rows: [[Expression]] = []
            repeat {
                let rowStart = current
                guard case .vector(let row) = try listLiteral() else {
                    throw CalculusError.syntax("a list nests at most two deep (a matrix: [[a, b], [c, d]])", at: rowStart.range)
                }
                if let first = rows.first, first.count != row.count {
                    throw CalculusError.syntax(
                        "the rows of a matrix have the same length: this one has \(row.count) \(row.count == 1 ? "entry" : "entries"), the first \(first.count)",
                        at: rowStart.range)
                }
                rows.append(row)
            } while consume(.comma)
            try require(.rightBracket, "']' to close the '[' at line \(open.range.start.line), column \(open.range.start.column)")
            return .matrix(rows)
        }
        if case .rightBracket = current.kind { throw CalculusError.syntax("a list needs at least one entry", at: current.range) }
        let entries = try expressionList()
        try require(.rightBracket, "']' to close the '[' at line \(open.range.start.line), column \(open.range.start.column)")
        return .vector(entries)
    }

    private mutating func keywordStatement(_ word: String) throws(CalculusError) -> Statement.Kind {
        switch word {
        case "print":
            var items: [PrintItem] = []
            repeat {
                if case .string(let text) = current.kind {
                    advance()
                    items.append(.text(text))
                } else {
                    items.append(.expression(try expression()))
                }
            } while consume(.comma)
            return .print(items)
        case "simplify": return .simplify(try expression())
        case "expand": return .expand(try expression())
        case "backward": return .backward(try expression())
        case "graph": return .graph(try expression())
        case "grad":
            let value = try expression()
            guard isKeyword("wrt") else { throw expected("'wrt' and the names to differentiate by, as in grad loss wrt w, b") }
            advance()
            var names: [String] = []
            repeat { names.append(try name()) } while consume(.comma)
            return .gradient(value, withRespectTo: names)
        case "check":
            let checked = try expression()
            guard case .derivative = checked else {
                throw CalculusError.syntax(
                    "check takes a derivative: check d/dx E at x = a, check dL/dz, or check d/dx E = A", at: tokens[index - 1].range)
            }
            if consume(.equals) { return .checkAnswer(checked, answer: try expression()) }
            switch current.kind {
            case .newline, .semicolon, .end: return .checkHere(checked)
            default: break
            }
            guard isKeyword("at") || isKeyword("where") else { throw expected("'at x = …', '= your answer' or the end of the line") }
            advance()
            return .checkAt(checked, at: try assignments())
        case "table":
            let tableStart = index
            if let (derivativeVariable, order) = try derivativeOperatorAhead() {
                guard case .name(let variable) = derivativeVariable else {
                    throw CalculusError.syntax("a chain-rule table differentiates by a name, as in table d/dx [sin(x^2)]", at: tokens[tableStart].range)
                }
                guard case .leftBracket = current.kind else {
                    // `table d/dx x^3 for x in …`: a value table whose column is a derivative.
                    index = tableStart
                    let items = try expressionList()
                    return .valueTable(items, try rangeSpecification())
                }
                advance()
                let items = try expressionList()
                try require(.rightBracket, "']' to close the list")
                return .derivativeTable(variable: variable, order: order, items)
            }
            let items = try expressionList()
            return .valueTable(items, try rangeSpecification())
        case "plot":
            let items = try expressionList()
            return .plot(items, try rangeSpecification())
        case "layers":
            let count = try wholeNumber("the number of layers, as in layers 20 sigmoid(u) at u = 0.5")
            let body = try expression()
            guard isKeyword("at") || isKeyword("where") else {
                throw expected("'at' and the starting value of the layer's variable, as in layers 20 sigmoid(u) at u = 0.5")
            }
            advance()
            return .layers(count: count, body, at: try assignments())
        case "tangent":
            let body = try expression()
            guard isKeyword("at") || isKeyword("where") else {
                throw expected("'at' and the point, as in tangent sin(x) at x = 1")
            }
            advance()
            return .tangent(body, at: try assignments())
        case "taylor":
            let body = try expression()
            guard isKeyword("at") || isKeyword("where") else {
                throw expected("'at' and the point, as in taylor e^x at x = 0 order 4")
            }
            advance()
            stopWords = ["order"]
            defer { stopWords = [] }
            let point = try assignments()
            var order = Self.defaultTaylorOrder
            if isKeyword("order") {
                advance()
                let orderToken = current
                order = try wholeNumber("the order, a whole number from 1 to \(Self.maximumTaylorOrder), as in order 4")
                guard (1...Self.maximumTaylorOrder).contains(order) else {
                    throw CalculusError.syntax(
                        "a Taylor polynomial's order is from 1 to \(Self.maximumTaylorOrder), not \(order)", at: orderToken.range)
                }
            }
            return .taylor(body, at: point, order: order)
        case "gradient", "hessian":
            return try derivativeMatrix(word == "gradient" ? .gradient : .hessian, [try expression()])
        case "jacobian":
            guard case .leftBracket = current.kind else {
                throw CalculusError.syntax(
                    "jacobian takes a list of expressions, as in jacobian [x*y, x + y] wrt x, y (for one expression, gradient E)",
                    at: current.range)
            }
            let listStart = current
            guard case .vector(let entries) = try listLiteral() else {
                throw CalculusError.syntax("jacobian takes one list of expressions, not a matrix", at: listStart.range)
            }
            return try derivativeMatrix(.jacobian, entries)
        case "explore":
            let start = current
            let inner = try statementKind()
            let end = tokens[max(index - 1, 0)].range.end
            let text = String(String.UnicodeScalarView(scalars[start.range.start.offset..<end.offset]))
            let statement = Statement(kind: inner, range: SourceRange(start: start.range.start, end: end), source: text)
            guard statement.isExplorable else {
                throw CalculusError.syntax(
                    "explore shows a statement that computes something (a derivative, tangent, plot, backward, chain, …); "
                        + "a binding, a definition, print or descend cannot be explored", at: start.range)
            }
            guard isKeyword("with") else {
                throw expected("'with' and a slider, as in explore tangent sin(x) at x = a with a in -3..3")
            }
            advance()
            var sliders: [RangeSpecification] = []
            repeat {
                let nameToken = current
                let slider = try variableRange()
                if sliders.contains(where: { $0.variable == slider.variable }) {
                    throw CalculusError.syntax("\(slider.variable) has a slider already", at: nameToken.range)
                }
                sliders.append(slider)
                guard sliders.count <= Self.maximumSliders else {
                    throw CalculusError.syntax("explore takes at most \(Self.maximumSliders) sliders", at: nameToken.range)
                }
            } while consume(.comma)
            return .explore(statement, sliders: sliders)
        case "chain":
            let output = try expression()
            guard isKeyword("wrt") else { throw expected("'wrt' and the variable, as in chain L wrt w") }
            advance()
            return .chain(output, withRespectTo: try name())
        case "descend":
            let loss = try expression()
            guard isKeyword("wrt") else { throw expected("'wrt' and the names to train, as in descend loss wrt w, b rate 0.1 for 50 steps") }
            advance()
            var names: [String] = []
            repeat { names.append(try name()) } while consume(.comma)
            guard isKeyword("rate") else { throw expected("'rate' and the learning rate, as in descend loss wrt w rate 0.1 for 50 steps") }
            advance()
            let rate = try expression()
            guard isKeyword("for") else { throw expected("'for N steps'") }
            advance()
            let steps = try wholeNumber("the number of steps, as in for 50 steps")
            guard isKeyword("steps") || isKeyword("step") else { throw expected("'steps' after the number of steps") }
            advance()
            return .descend(loss, withRespectTo: names, rate: rate, steps: steps)
        default:
            throw unexpected()
        }
    }

    /// The most sliders one `explore` shows.
    public static let maximumSliders = 3

    /// `taylor E at x = a` without `order`, and the highest order asked for.
    public static let defaultTaylorOrder = 5
    public static let maximumTaylorOrder = 20

    /// A literal whole number (not an expression: `layers 20 sigmoid(u)` must not read `20 sigmoid(u)`
    /// as a product).
    private mutating func wholeNumber(_ what: String) throws(CalculusError) -> Int {
        guard case .number(let value) = current.kind else { throw expected(what) }
        guard value == value.rounded(), value >= 0, value <= 1e9 else {
            throw CalculusError.syntax("expected a whole number, found \(NumberFormatting.shortest(value))", at: current.range)
        }
        advance()
        return Int(value)
    }

    private mutating func expressionList() throws(CalculusError) -> [Expression] {
        var items: [Expression] = []
        repeat { items.append(try expression()) } while consume(.comma)
        return items
    }

    private mutating func rangeSpecification() throws(CalculusError) -> RangeSpecification {
        guard isKeyword("for") else { throw expected("'for x in a..b'") }
        advance()
        return try variableRange()
    }

    /// `x in a..b [step s]`, after `for` or `with`.
    private mutating func variableRange() throws(CalculusError) -> RangeSpecification {
        let variable = try name()
        guard isKeyword("in") else { throw expected("'in a..b'") }
        advance()
        let from = try expression()
        try require(.range, "'..' between the two ends of the range")
        let to = try expression()
        var step: Expression?
        if isKeyword("step") {
            advance()
            step = try expression()
        }
        return RangeSpecification(variable: variable, from: from, to: to, step: step)
    }

    private mutating func assignments() throws(CalculusError) -> [Assignment] {
        var result: [Assignment] = []
        repeat {
            let target = try name()
            try require(.equals, "'=' after \(target)")
            result.append(Assignment(name: target, value: try expression()))
        } while consume(.comma)
        return result
    }

    /// When the tokens at the cursor read `name(p1, p2, …) =`, the parameters and the token count
    /// up to and including `=`; nil when this is a call, not a definition.
    private func functionDefinitionParameters() throws(CalculusError) -> (names: [String], tokenCount: Int)? {
        var cursor = index + 2
        var names: [String] = []
        var depth = 1
        var scan = cursor
        // Find the matching ')' and check that '=' follows it.
        while scan < tokens.count {
            switch tokens[scan].kind {
            case .leftParen: depth += 1
            case .rightParen: depth -= 1
            case .end, .newline, .semicolon: return nil
            default: break
            }
            if depth == 0 { break }
            scan += 1
        }
        guard scan + 1 < tokens.count, case .equals = tokens[scan + 1].kind else { return nil }
        if case .rightParen = tokens[cursor].kind {
            throw CalculusError.syntax("a function needs at least one parameter", at: tokens[cursor].range)
        }
        while cursor < scan {
            guard case .identifier(let parameter) = tokens[cursor].kind, Builtin.named(parameter) == nil,
                !Keywords.expression.contains(parameter)
            else {
                throw CalculusError.syntax("a function's parameters must be names, as in f(x, y) = x*y", at: tokens[cursor].range)
            }
            if names.contains(parameter) {
                throw CalculusError.syntax("the parameter \(parameter) appears twice", at: tokens[cursor].range)
            }
            names.append(parameter)
            cursor += 1
            if cursor < scan {
                guard case .comma = tokens[cursor].kind else {
                    throw CalculusError.syntax("expected ',' between parameters", at: tokens[cursor].range)
                }
                cursor += 1
            }
        }
        return (names, scan + 2 - index)
    }

    private func checkBindable(_ name: String, at range: SourceRange) throws(CalculusError) {
        if Builtin.named(name) != nil {
            throw CalculusError.syntax("\(name) is a built-in function and cannot be redefined", at: range)
        }
        if Keywords.expression.contains(name) || Keywords.reservedNames.contains(name) {
            throw CalculusError.syntax("\(name) is a keyword and cannot be a name", at: range)
        }
    }

    private func isAssignmentAhead(at position: Int) -> Bool {
        guard position < tokens.count, case .equals = tokens[position].kind else { return false }
        return true
    }

    private mutating func withBound<T>(_ names: [String], _ body: (inout Parser) throws(CalculusError) -> T) throws(CalculusError) -> T {
        let saved = boundNames
        boundNames.formUnion(names)
        defer { boundNames = saved }
        return try body(&self)
    }

    // MARK: Expressions

    /// An expression at the loosest strength (a sum, or a derivative operator's whole operand).
    public mutating func expression() throws(CalculusError) -> Expression {
        try descend()
        defer { depth -= 1 }
        var left = try prefixExpression()
        while true {
            switch current.kind {
            case .plus:
                advance()
                left = .binary(.add, left, try product())
            case .minus:
                advance()
                left = .binary(.subtract, left, try product())
            default:
                return left
            }
        }
    }

    /// The first operand of a sum, which may also be a derivative operator taking the rest.
    private mutating func prefixExpression() throws(CalculusError) -> Expression {
        try productContinuing(from: try prefixOperand())
    }

    private mutating func product() throws(CalculusError) -> Expression {
        try productContinuing(from: try prefixOperand())
    }

    private mutating func productContinuing(from first: Expression) throws(CalculusError) -> Expression {
        var left = first
        while true {
            switch current.kind {
            case .times:
                advance()
                left = .binary(.multiply, left, try prefixOperand())
            case .divide:
                advance()
                left = .binary(.divide, left, try prefixOperand())
            default:
                guard try impliedProductFollows() else { return left }
                left = .binary(.multiply, left, try prefixOperand())
            }
        }
    }

    /// Whether the next token starts an implied factor: after a number, `)`, `π` or a superscript,
    /// a name, `(`, `π` or a derivative operator. Two names side by side are an error with a hint.
    private mutating func impliedProductFollows() throws(CalculusError) -> Bool {
        guard index > 0 else { return false }
        let previous = tokens[index - 1].kind
        let startsFactor: Bool
        var nextName: String?
        switch current.kind {
        case .identifier(let name):
            if Keywords.expression.contains(name) || stopWords.contains(name) { return false }
            startsFactor = true
            nextName = name
        case .leftParen, .partial: startsFactor = true
        case .number:
            switch previous {
            case .number, .rightParen, .identifier, .superscript:
                throw CalculusError.syntax("a number cannot follow here; write * to multiply", at: current.range)
            default: return false
            }
        default: return false
        }
        guard startsFactor else { return false }
        switch previous {
        case .number, .rightParen, .superscript, .prime: return true
        case .identifier(let name) where name == "π": return true
        case .identifier(let previousName):
            let next = nextName ?? "("
            throw CalculusError.syntax(
                "two names side by side: write \(previousName)*\(next) to multiply", at: current.range)
        default: return false
        }
    }

    /// `-a`, `+a`, a derivative operator, or a power.
    private mutating func prefixOperand() throws(CalculusError) -> Expression {
        try descend()
        defer { depth -= 1 }
        switch current.kind {
        case .minus:
            advance()
            let literalFollows: Bool
            if case .number = current.kind { literalFollows = true } else { literalFollows = false }
            let operand = try prefixOperand()
            // `-2` is the number -2 (so `-2x` prints and reads back the same); `-(2)` stays a negation.
            if literalFollows, case .number(let value) = operand { return .number(-value) }
            return .negate(operand)
        case .plus:
            advance()
            return try prefixOperand()
        default:
            if let leibniz = try leibnizAhead() { return leibniz }
            if let (variable, order) = try derivativeOperatorAhead() {
                let body = try withBound([]) { (parser: inout Parser) throws(CalculusError) in try parser.expression() }
                return Self.derivative(of: body, by: variable, order: order)
            }
            return try power()
        }
    }

    private mutating func power() throws(CalculusError) -> Expression {
        let base = try postfix()
        if case .power = current.kind {
            advance()
            let exponent = try prefixOperand()
            if case .constant(.e) = base { return .builtin(.exp, exponent) }
            return .binary(.power, base, exponent)
        }
        return base
    }

    /// A primary followed by superscripts: `x²`, `(x+1)³`, `sin(x)²`.
    private mutating func postfix() throws(CalculusError) -> Expression {
        var value = try primary()
        while case .superscript(let exponent) = current.kind {
            advance()
            if case .constant(.e) = value {
                value = .builtin(.exp, .number(Double(exponent)))
            } else {
                value = .binary(.power, value, .number(Double(exponent)))
            }
        }
        return value
    }

    private mutating func primary() throws(CalculusError) -> Expression {
        let token = current
        switch token.kind {
        case .number(let value):
            advance()
            return .number(value)
        case .leftParen:
            advance()
            let inner = try expression()
            try require(.rightParen, "')' to close the '(' at line \(token.range.start.line), column \(token.range.start.column)")
            return inner
        case .identifier(let name):
            return try namedPrimary(name, token)
        case .invalid(let message, let kind):
            throw CalculusError(kind, message, at: token.range)
        default:
            throw unexpected(expecting: "an expression")
        }
    }

    private mutating func namedPrimary(_ name: String, _ token: Token) throws(CalculusError) -> Expression {
        if Keywords.expression.contains(name) { throw unexpected(expecting: "an expression") }
        advance()
        if let builtin = Builtin.named(name) {
            if case .leftParen = current.kind {
                let arguments = try callArguments()
                guard arguments.count == 1 else {
                    throw CalculusError.syntax("\(name) takes 1 argument, not \(arguments.count)", at: token.range)
                }
                return .builtin(builtin, arguments[0])
            }
            return .builtin(builtin, try bareArgument(of: name, token))
        }
        if name == "diff", case .leftParen = current.kind {
            let open = current.range
            let arguments = try callArguments()
            guard arguments.count == 2 || arguments.count == 3 else {
                throw CalculusError.syntax("diff takes an expression, a variable and an optional order: diff(E, x, 2)", at: open)
            }
            guard case .variable(let variable) = arguments[1] else {
                throw CalculusError.syntax("diff's second argument must be a variable name", at: open)
            }
            var order = 1
            if arguments.count == 3 {
                guard case .number(let n) = arguments[2], n >= 1, n == n.rounded(), n <= 1000 else {
                    throw CalculusError.syntax("diff's order must be a whole number from 1 to 1000", at: open)
                }
                order = Int(n)
            }
            return .derivative(arguments[0], variable: variable, order: order)
        }
        if case .prime = current.kind {
            var order = 0
            while case .prime = current.kind {
                order += 1
                advance()
            }
            guard case .leftParen = current.kind else { throw expected("'(' after \(name)\(String(repeating: "'", count: order))") }
            return .prime(name, order: order, try callArguments())
        }
        if case .leftParen = current.kind {
            return .call(name, try callArguments())
        }
        if !boundNames.contains(name) {
            if name == "π" || name == "pi" { return .constant(.pi) }
            if name == "e" { return .constant(.e) }
        }
        return .variable(name)
    }

    /// A built-in's argument without parentheses: it runs over powers and implied products,
    /// so `sin x²` is `sin(x²)` and `sin 2x` is `sin(2x)`, while `sin x · y` is `sin(x)·y`.
    private mutating func bareArgument(of name: String, _ token: Token) throws(CalculusError) -> Expression {
        switch current.kind {
        case .identifier, .number, .minus, .partial: break
        default: throw unexpected(expecting: "an argument for \(name), as in \(name)(x) or \(name) x")
        }
        var argument = try prefixOperand()
        while try impliedProductFollows() {
            argument = .binary(.multiply, argument, try prefixOperand())
        }
        return argument
    }

    private mutating func callArguments() throws(CalculusError) -> [Expression] {
        let open = current.range
        try require(.leftParen, "'('")
        var arguments: [Expression] = []
        if case .rightParen = current.kind {
            advance()
            return arguments
        }
        repeat { arguments.append(try expression()) } while consume(.comma)
        try require(.rightParen, "')' to close the '(' at line \(open.start.line), column \(open.start.column)")
        return arguments
    }

    /// What a derivative is taken with respect to: a name (`d/dx`) or a subexpression (`d/d(w*x + b)`).
    private enum DerivativeVariable {
        case name(String)
        case subexpression(Expression)
    }

    private static func derivative(of body: Expression, by variable: DerivativeVariable, order: Int) -> Expression {
        switch variable {
        case .name(let name): .derivative(body, variable: name, order: order)
        case .subexpression(let held): .derivativeBySubexpression(body, subexpression: held, order: order)
        }
    }

    /// An order mark at `position`: a superscript (`d²`) or `^n` (`d^2`), consumed. Nil when there is
    /// none; `.some(nil)` for `^` not followed by a whole number from 1 to 1000.
    private func orderMark(at position: inout Int) -> Int?? {
        switch tokens[position].kind {
        case .superscript(let n):
            position += 1
            return .some(n)
        case .power:
            if position + 1 < tokens.count, case .number(let n) = tokens[position + 1].kind, n == n.rounded(), n >= 1, n <= 1000 {
                position += 2
                return .some(Int(n))
            }
            return .some(nil)
        default:
            return nil
        }
    }

    /// The position just after the `)` that closes the `(` at `open`, or nil when the line ends first.
    private func positionAfterClosingBracket(from open: Int) -> Int? {
        var depth = 0
        var scan = open
        while scan < tokens.count {
            switch tokens[scan].kind {
            case .leftParen: depth += 1
            case .rightParen:
                depth -= 1
                if depth == 0 { return scan + 1 }
            case .end, .newline, .semicolon: return nil
            default: break
            }
            scan += 1
        }
        return nil
    }

    /// Parses the bracketed subexpression that starts at `open` (`(w*x + b)`), leaving the cursor after it.
    private mutating func bracketedSubexpression(at open: Int) throws(CalculusError) -> Expression {
        index = open
        return try primary()
    }

    /// The bottom of a derivative, `dx`, `∂x` or `d(w*x + b)`, with its order mark: scanned from
    /// `position` without consuming; the subexpression's end is where its `)` closes.
    private func derivativeBottom(at position: Int, partial: Bool) -> (variable: DerivativeBottom, end: Int)? {
        var cursor = position
        let bottom: DerivativeBottom
        switch (tokens[cursor].kind, partial) {
        case (.identifier(let word), false) where word.hasPrefix("d") && word.count > 1:
            guard !boundNames.contains(word) else { return nil }
            bottom = .name(String(word.dropFirst()), at: cursor)
            cursor += 1
        case (.identifier("d"), false), (.partial, true):
            if partial, case .identifier(let name) = tokens[cursor + 1].kind {
                bottom = .name(name, at: cursor + 1)
                cursor += 2
            } else if case .leftParen = tokens[cursor + 1].kind, let after = positionAfterClosingBracket(from: cursor + 1) {
                bottom = .subexpression(open: cursor + 1)
                cursor = after
            } else {
                return nil
            }
        default:
            return nil
        }
        return (bottom, cursor)
    }

    private enum DerivativeBottom {
        case name(String, at: Int)
        case subexpression(open: Int)
    }

    /// Leibniz notation at the cursor, as the texts write it: `dy/dx`, `dL/dw`, `∂L/∂z`, `d²y/dx²`,
    /// `dz/d(w*x + b)`, `d(w*x + b)/dw`. A whole factor: `dL/dz · dz/dw` multiplies two derivatives.
    /// A name the user bound (`dy = 0.5`) keeps its meaning, so `dy/dx` then divides; nil, consuming
    /// nothing, when the tokens are not such a form.
    private mutating func leibnizAhead() throws(CalculusError) -> Expression? {
        let start = index
        var cursor = index
        let partial: Bool
        var top: DerivativeBottom
        var topOrder = 1
        switch tokens[cursor].kind {
        case .identifier(let word) where word.hasPrefix("d") && word.count > 1:
            guard !boundNames.contains(word) else { return nil }
            partial = false
            top = .name(String(word.dropFirst()), at: cursor)
            cursor += 1
        case .identifier("d"), .partial:
            partial = tokens[cursor].kind == .partial
            cursor += 1
            let mark = orderMark(at: &cursor)
            if case .some(nil) = mark { return nil }
            topOrder = (mark ?? 1) ?? 1
            if case .identifier(let name) = tokens[cursor].kind, partial || mark != nil {
                // `d y/dx` without an order is two names side by side; `d²y/dx²` and `∂L/∂z` are not.
                top = .name(name, at: cursor)
                cursor += 1
            } else if case .leftParen = tokens[cursor].kind, partial || !boundNames.contains("d"),
                let after = positionAfterClosingBracket(from: cursor)
            {
                top = .subexpression(open: cursor)
                cursor = after
            } else {
                return nil
            }
        default:
            return nil
        }
        guard case .divide = tokens[cursor].kind, let (bottom, afterBottom) = derivativeBottom(at: cursor + 1, partial: partial) else {
            return nil
        }
        cursor = afterBottom
        let mark = orderMark(at: &cursor)
        let bottomOrder = (mark ?? 1) ?? 0
        let range = tokens[start].range.union(tokens[cursor - 1].range)
        guard topOrder == bottomOrder else {
            throw CalculusError.syntax(
                "the derivative's orders differ (\(topOrder) above, \(bottomOrder) below): write d²y/dx² for the second derivative, "
                    + "or (dy/dx)^2 for its square", at: range)
        }
        guard topOrder <= 1000 else { throw CalculusError(.limit, "derivatives of order above 1000 are not taken", at: range) }

        // The variable, then the body: parsing a bracketed part moves the cursor, so go in order.
        var variable: DerivativeVariable
        var body: Expression
        switch top {
        case .name(let name, let position):
            body = try leibnizBody(name, at: position, over: bottom)
        case .subexpression(let open):
            body = try bracketedSubexpression(at: open)
        }
        switch bottom {
        case .name(let name, let position):
            if Builtin.named(name) != nil || Keywords.expression.contains(name) {
                throw CalculusError.syntax("\(name) cannot be a variable", at: tokens[position].range)
            }
            variable = .name(name)
        case .subexpression(let open):
            variable = try subexpressionVariable(at: open)
        }
        index = cursor
        return Self.derivative(of: body, by: variable, order: topOrder)
    }

    /// The quantity on top of `dy/dx`: a name (whether it is defined is the session's to say, when
    /// the derivative is taken), or `e` and `π` when the user has not bound them.
    private func leibnizBody(_ name: String, at position: Int, over bottom: DerivativeBottom) throws(CalculusError) -> Expression {
        if Builtin.named(name) != nil {
            throw CalculusError.syntax("\(name) is a built-in function: write d/dx \(name)(x) for its derivative", at: tokens[position].range)
        }
        if !boundNames.contains(name) {
            if name == "e" { return .constant(.e) }
            if name == "π" || name == "pi" { return .constant(.pi) }
        }
        return .variable(name)
    }

    /// The `(w*x + b)` of `d/d(w*x + b)`: a name stands for itself; a constant is refused.
    private mutating func subexpressionVariable(at open: Int) throws(CalculusError) -> DerivativeVariable {
        let held = try bracketedSubexpression(at: open)
        if case .variable(let name) = held { return .name(name) }
        guard !held.freeVariables.isEmpty else {
            throw CalculusError.syntax(
                "\(ExpressionPrinter.unicode.print(held)) is a constant: differentiate with respect to a name, as in d/dx, "
                    + "or an expression with a name in it, as in dz/d(w*x + b)",
                at: tokens[open].range.union(tokens[max(open, index - 1)].range))
        }
        return .subexpression(held)
    }

    /// Reads `d/dx`, `∂/∂w`, `d²/dx²`, `d^2/dx^2`, `d/d(w*x + b)` at the cursor (consuming it) and
    /// returns the variable and order; returns nil, consuming nothing, when the tokens are something else.
    private mutating func derivativeOperatorAhead() throws(CalculusError) -> (DerivativeVariable, Int)? {
        let start = index
        var cursor = index
        let isPartial: Bool
        switch tokens[cursor].kind {
        case .identifier("d"): isPartial = false
        case .partial: isPartial = true
        default: return nil
        }
        cursor += 1
        let topMark = orderMark(at: &cursor)
        guard let topOrder = (topMark ?? 1), case .divide = tokens[cursor].kind else { return nil }
        cursor += 1
        var bottom: DerivativeBottom
        if isPartial {
            guard case .partial = tokens[cursor].kind, case .identifier(let name) = tokens[cursor + 1].kind else { return nil }
            bottom = .name(name, at: cursor + 1)
            cursor += 2
        } else if case .identifier(let name) = tokens[cursor].kind, name.hasPrefix("d"), name.count > 1 {
            bottom = .name(String(name.dropFirst()), at: cursor)
            cursor += 1
        } else if case .identifier("d") = tokens[cursor].kind, case .leftParen = tokens[cursor + 1].kind,
            let after = positionAfterClosingBracket(from: cursor + 1)
        {
            bottom = .subexpression(open: cursor + 1)
            cursor = after
        } else {
            return nil
        }
        let bottomMark = orderMark(at: &cursor)
        guard let bottomOrder = (bottomMark ?? 1) else { return nil }
        guard topOrder == bottomOrder, topOrder >= 1 else {
            throw CalculusError.syntax(
                "the derivative's orders differ: d\(topOrder == 1 ? "" : "^\(topOrder)")/d…^\(bottomOrder)",
                at: tokens[start].range.union(tokens[cursor - 1].range))
        }
        guard topOrder <= 1000 else {
            throw CalculusError(.limit, "derivatives of order above 1000 are not taken", at: tokens[start].range)
        }
        switch bottom {
        case .name(let variable, let position):
            if Builtin.named(variable) != nil || Keywords.expression.contains(variable) {
                throw CalculusError.syntax("\(variable) cannot be a variable", at: tokens[position].range)
            }
            index = cursor
            return (.name(variable), topOrder)
        case .subexpression(let open):
            let variable = try subexpressionVariable(at: open)
            index = cursor
            return (variable, topOrder)
        }
    }

    // MARK: Tokens

    private var current: Token { tokens[index] }

    private func peek(_ ahead: Int) -> Token { tokens[min(index + ahead, tokens.count - 1)] }

    private mutating func advance(_ count: Int = 1) {
        index = min(index + count, tokens.count - 1)
    }

    private mutating func consume(_ kind: Token.Kind) -> Bool {
        guard current.kind == kind else { return false }
        advance()
        return true
    }

    private mutating func require(_ kind: Token.Kind, _ what: String) throws(CalculusError) {
        guard consume(kind) else { throw expected(what) }
    }

    private func isKeyword(_ word: String) -> Bool {
        if case .identifier(word) = current.kind { return true }
        return false
    }

    private mutating func name() throws(CalculusError) -> String {
        guard case .identifier(let name) = current.kind, !Keywords.expression.contains(name) else { throw expected("a name") }
        advance()
        return name
    }

    private mutating func skipSeparators() {
        while true {
            switch current.kind {
            case .newline, .semicolon: advance()
            default: return
            }
        }
    }

    private mutating func descend() throws(CalculusError) {
        depth += 1
        if depth > Self.maximumNesting {
            throw CalculusError(.limit, "the expression is nested more than \(Self.maximumNesting) levels deep", at: current.range)
        }
    }

    private func expected(_ what: String) -> CalculusError {
        if case .invalid(let message, let kind) = current.kind { return CalculusError(kind, message, at: current.range) }
        return CalculusError.syntax("expected \(what), found \(current.display)", at: current.range)
    }

    private func unexpected(expecting what: String? = nil) -> CalculusError {
        if case .invalid(let message, let kind) = current.kind { return CalculusError(kind, message, at: current.range) }
        if let what { return CalculusError.syntax("expected \(what), found \(current.display)", at: current.range) }
        return CalculusError.syntax("unexpected \(current.display)", at: current.range)
    }
}
