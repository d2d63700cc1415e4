/// What editors ask of a cell without running it: is it complete, what completes the word at the
/// cursor, what is the name at the cursor.
public enum CellAnalysis {
    public enum Completeness: Equatable, Sendable {
        case complete
        /// More lines are needed; `indent` is what the next line should start with.
        case incomplete(indent: String)
        case invalid
    }

    /// Incomplete while a bracket is open or the last line ends in a binary operator; invalid where
    /// it cannot parse, and at once where a bracket closes that no line could open (`d/dx )(`, `(]`);
    /// complete otherwise.
    public static func completeness(of cell: String) -> Completeness {
        let tokens = Lexer.tokenize(cell)
        var open: [Token.Kind] = []
        for token in tokens {
            switch token.kind {
            case .leftParen, .leftBracket: open.append(token.kind)
            case .rightParen:
                guard open.popLast() == .leftParen else { return .invalid }
            case .rightBracket:
                guard open.popLast() == .leftBracket else { return .invalid }
            default: break
            }
        }
        if !open.isEmpty { return .incomplete(indent: "    ") }
        let significant = tokens.last { token in
            switch token.kind {
            case .end, .newline: false
            default: true
            }
        }
        if let significant, significant.continuesLine { return .incomplete(indent: "    ") }
        do {
            _ = try Parser.parseCell(cell)
            return .complete
        } catch {
            return .invalid
        }
    }

    /// The word being typed at `cursor` (code points): its start, and the text before the cursor.
    public static func word(in cell: String, at cursor: Int) -> (start: Int, end: Int, prefix: String) {
        let scalars = Array(cell.unicodeScalars)
        let end = min(max(0, cursor), scalars.count)
        var start = end
        while start > 0, Lexer.isNameContinue(scalars[start - 1]) || scalars[start - 1] == "π" { start -= 1 }
        var wordEnd = end
        while wordEnd < scalars.count, Lexer.isNameContinue(scalars[wordEnd]) { wordEnd += 1 }
        return (start, wordEnd, String(String.UnicodeScalarView(scalars[start..<end])))
    }

    /// Completions for the word at `cursor`: built-ins, keywords and the session's names, sorted.
    public static func completions(in cell: String, at cursor: Int, environment: Environment) -> (matches: [String], start: Int, end: Int) {
        let (start, end, prefix) = word(in: cell, at: cursor)
        var candidates = Set(Builtin.allNames)
        candidates.formUnion(Keywords.statement)
        candidates.formUnion(Keywords.expression)
        candidates.formUnion(["diff", "pi", "order"])
        candidates.formUnion(environment.boundNames)
        let matches = candidates.filter { $0.hasPrefix(prefix) && !prefix.isEmpty || prefix.isEmpty && $0.count > 1 }
        return (matches.sorted(), start, end)
    }

    /// Plain-text documentation for the name at (or just before) `cursor`, or nil.
    public static func documentation(in cell: String, at cursor: Int, environment: Environment) -> String? {
        let (start, end, _) = word(in: cell, at: cursor)
        var scalars = Array(cell.unicodeScalars)[start..<end]
        if scalars.isEmpty {
            // The cursor may sit just after `name(`: look at the word before the bracket.
            let before = Array(cell.unicodeScalars.prefix(cursor))
            var index = before.count
            while index > 0, before[index - 1] == "(" || before[index - 1] == " " { index -= 1 }
            let (s, e, _) = word(in: cell, at: index)
            scalars = Array(cell.unicodeScalars)[s..<e]
        }
        let name = String(String.UnicodeScalarView(scalars))
        guard !name.isEmpty else { return nil }
        if let builtin = Builtin.named(name) {
            let aliases = builtin.names.count > 1 ? "\nAlso written: \(builtin.names.dropFirst().joined(separator: ", "))" : ""
            return """
                \(builtin.names[0])(u): \(builtin.summary)
                Derivative rule (\(builtin.ruleName)): \(builtin.derivativeRule)\(aliases)
                """
        }
        let printer = ExpressionPrinter.unicode
        if let function = environment.functions[name] {
            return "\(name)(\(function.parameters.joined(separator: ", "))) = \(printer.print(function.body))\nA function you defined."
        }
        if let binding = environment.bindings[name] {
            if let value = binding.value {
                return "\(name) = \(NumberFormatting.shortest(value))\nA value: derivatives still treat \(name) as a variable."
            }
            return "\(name) = \(printer.print(binding.expression))\nA definition: \(name) stands for this expression."
        }
        if let doc = keywordDocumentation[name] { return doc }
        return nil
    }

    static let keywordDocumentation: [String: String] = [
        "print": "print E, \"text\", …: write to the cell's output",
        "simplify": "simplify E: rewrite E in its simplest form",
        "expand": "expand E: multiply out products and powers",
        "grad": "grad E wrt w, x: the gradient of E at the current bindings, by autograd",
        "backward": "backward E: the autograd trace, every node with its value, local derivative and gradient",
        "graph": "graph E: a picture of E's computation graph",
        "check": "check d/dx E at x = a: symbolic, autograd and finite difference side by side\ncheck dL/dz: the same at the current values (z may be a defined name)\ncheck d/dx E = A: is A the derivative?",
        "chain": "chain L wrt w: the chain rule through your names, as a picture: each edge its local derivative, every path's product, their sum",
        "table": "table d/dx [E1, E2, …]: the chain-rule table\ntable E1, E2 for x in a..b step s: a value table",
        "plot": "plot E1, E2 for x in a..b: a picture of the curves",
        "layers": "layers N E at u = a: E applied N times to its own output, each layer's local derivative and their product",
        "descend": "descend loss wrt w, b rate r for N steps: gradient descent, the loss at every step (updates w, b)",
        "tangent": "tangent E at x = a: the tangent line y = f(a) + f′(a)·(x − a), the best linear approximation of E near a, with its steps and a picture",
        "taylor": "taylor E at x = a order n: the Taylor polynomial of order n (1 to 20, 5 if not given), a table of f⁽ᵏ⁾(a) and f⁽ᵏ⁾(a)/k!, and a picture of E with polynomials of several orders",
        "order": "taylor E at x = a order n: the Taylor polynomial's order, 1 to 20",
        "from": "dy/dx from LHS = RHS: implicit differentiation, y a function of x (at x = 3, y = 4 gives the slope there)",
        "gradient": "gradient E wrt x, y (or ∇E): the vector of partial derivatives [∂E/∂x, ∂E/∂y], each with its steps; without wrt, every name of E in order of appearance",
        "hessian": "hessian E wrt x, y: the matrix of second partial derivatives [[∂²E/∂x², ∂²E/∂x∂y], […]]",
        "jacobian": "jacobian [E1, E2] wrt x, y: the matrix [[∂E1/∂x, ∂E1/∂y], [∂E2/∂x, ∂E2/∂y]]",
        "explore": "explore STATEMENT with a in lo..hi [step s], b in …: a slider per name (up to three); every move runs the statement again at the sliders' values (the names are bound only while it runs)",
        "with": "explore STATEMENT with a in lo..hi: the sliders of explore",
        "diff": "diff(E, x) or diff(E, x, n): the derivative of E by x (n-th order)",
        "at": "E at x = 2, w = 3: evaluate E with these values",
        "where": "E where x = 2: the same as at",
        "pi": "pi (π): 3.141592653589793",
        "e": "e: Euler's number 2.718281828459045 (unless you bind e); e^u is exp(u)",
    ]
}
