import CalculusLanguage

/// A result shows its statement back, shortened when it is long (LANGUAGE.md, "What comes back"):
/// a 20,000-term sum is echoed as its first and last terms and a count of those left out, so that
/// its `grad` answers in a few hundred bytes instead of the cell's 400 KB, twice over. Results,
/// values and gradients are never shortened.
enum StatementEcho {
    /// About the most characters of a statement a result echoes.
    static let maximumCharacters = 2_000
    static let leadingTerms = 3
    static let trailingTerms = 2

    /// The statement as `printer` writes it, or, past `maximumCharacters`, its first and last terms
    /// around `… (N terms left out) …`.
    static func text(_ expression: Expression, _ printer: ExpressionPrinter) -> String {
        // A statement of a few hundred nodes prints short: no need to look at its terms.
        if expression.nodeCount(upTo: 301) <= 300 { return printer.print(expression) }
        let terms = Self.terms(of: expression)
        if terms.count > leadingTerms + trailingTerms {
            // Whole while it fits: the terms are printed only until they pass the limit.
            var length = 0
            for (term, _) in terms {
                length += printer.print(term).count + 3
                if length > maximumCharacters { break }
            }
            if length <= maximumCharacters { return printer.print(expression) }
            let sign: (Bool) -> String = { $0 ? " - " : " + " }
            var shortened = printer.print(terms[0].term)
            for (term, negated) in terms[1..<leadingTerms] { shortened += sign(negated) + printer.print(term) }
            shortened += " + … (\(terms.count - leadingTerms - trailingTerms) terms left out) …"
            for (term, negated) in terms.suffix(trailingTerms) { shortened += sign(negated) + printer.print(term) }
            if shortened.count <= maximumCharacters { return shortened }
        }
        let full = printer.print(expression)
        guard full.count > maximumCharacters else { return full }
        let half = maximumCharacters / 2
        return "\(full.prefix(half)) … (\(full.count - 2 * half) characters left out) … \(full.suffix(half))"
    }

    /// The terms of a sum, left to right, each with its sign (without recursion: a long sum is a
    /// left-leaning tree as deep as it has terms).
    static func terms(of expression: Expression) -> [(term: Expression, negated: Bool)] {
        var terms: [(Expression, Bool)] = []
        var node = expression
        while true {
            switch node {
            case .binary(.add, let left, let right):
                terms.append((right, false))
                node = left
            case .binary(.subtract, let left, let right):
                terms.append((right, true))
                node = left
            default:
                terms.append((node, false))
                return terms.reversed()
            }
        }
    }

    /// The statement in LaTeX, or, when it is too long to echo whole, words that say so: typesetting
    /// a 20,000-term sum would freeze the browser for the sake of an echo.
    static func latex(_ expression: Expression) -> String {
        if expression.nodeCount(upTo: 301) <= 300 { return LaTeXPrinter().print(expression) }
        let full = LaTeXPrinter().print(expression)
        if full.count <= maximumCharacters { return full }
        let terms = terms(of: expression).count
        return terms > 1 ? "\\text{(a sum of \(terms) terms)}" : "\\text{(an expression of \(expression.nodeCount) nodes)}"
    }

    /// ` at x = 1, y = 2`, or nothing without values.
    static func at(_ assignments: [Assignment], _ printer: ExpressionPrinter) -> String {
        assignments.isEmpty ? "" : " at " + assignments.map { "\($0.name) = \(printer.print($0.value))" }.joined(separator: ", ")
    }

    /// `\quad\text{at } x = 1,\ y = 2`, or nothing without values.
    static func latexAt(_ assignments: [Assignment]) -> String {
        let latex = LaTeXPrinter()
        return assignments.isEmpty ? ""
            : "\\quad\\text{at } " + assignments.map { "\(LaTeXPrinter.name($0.name)) = \(latex.print($0.value))" }.joined(separator: ",\\ ")
    }
}
