import CalculusLanguage
import CalculusSession

import JSON
import SymbolicEngine

/// The chain rule through the learner's names: `chain L wrt w` as a picture (names as nodes, each
/// edge its local derivative and value), its paths and total; and the steps of `dy/dx` through names
/// (`dy/dx = dy/du·du/dx`, each local derivative with its own steps, the product, the answer).
enum ChainRenderer {
    static let plain = ExpressionPrinter.unicode
    static let ascii = ExpressionPrinter.ascii
    static let latex = LaTeXPrinter()

    /// Links shown one by one, and paths written out, before the rest are counted instead: a chain
    /// a thousand names long stays a page long.
    static let shownLinks = 12
    static let shownPaths = NamedChain.maximumListedPaths
    /// A path longer than this is written with its middle left out.
    static let shownPathLength = 10

    static func render(_ result: ChainResult) -> RenderedOutput {
        let chain = result.chain
        let picture = svg(result)
        let alt = "The chain from \(chain.variable) to \(chain.output): \(chain.names.count) names, \(chain.links.count) local derivatives, "
            + "\(count(chain.pathCount)) path\(chain.pathCount == 1 ? "" : "s")"
            + (result.value.map { ", total \(NumberFormatting.shortest($0))" } ?? "")
        return RenderedOutput(data: [
            MimeType.plain: .string(plainText(result)),
            MimeType.html: .string(html(result, picture: SVGWriter.image(picture, alt: alt))),
            MimeType.svg: .string(picture),
            MimeType.chain: json(result),
        ])
    }

    // MARK: Symbols

    /// `dy/du`, `∂z/∂u` for a link; `dy/dx` for a total.
    static func symbol(_ link: NamedChain.Link) -> String {
        link.isPartial ? "∂\(link.quantity)/∂\(link.input)" : "d\(link.quantity)/d\(link.input)"
    }

    static func totalSymbol(_ chain: NamedChain) -> String { "d\(chain.output)/d\(chain.variable)" }

    static func latexSymbol(_ link: NamedChain.Link) -> String {
        let (top, bottom) = (LaTeXPrinter.name(link.quantity), LaTeXPrinter.name(link.input))
        return link.isPartial ? "\\frac{\\partial \(top)}{\\partial \(bottom)}" : "\\frac{d\(top)}{d\(bottom)}"
    }

    static func count(_ value: Double) -> String { NumberFormatting.shortest(value) }

    /// Links along a path, with the middle of a long one left out.
    static func shownLinks(of path: NamedChain.Path) -> (head: ArraySlice<Int>, left: Int, tail: ArraySlice<Int>) {
        guard path.links.count > shownPathLength else { return (path.links[...], 0, []) }
        let half = shownPathLength / 2
        return (path.links.prefix(half), path.links.count - 2 * half, path.links.suffix(half))
    }

    /// `dy/du·du/dx`, or its LaTeX, with `…` for a long path's middle.
    static func pathFormula(_ chain: NamedChain, _ path: NamedChain.Path, latex: Bool = false) -> String {
        let (head, left, tail) = shownLinks(of: path)
        let word: (Int) -> String = { latex ? latexSymbol(chain.links[$0]) : symbol(chain.links[$0]) }
        let separator = latex ? " \\cdot " : "·"
        var parts = head.map(word)
        if left > 0 { parts.append(latex ? "\\cdots\\text{(\(left) more)}" : "…(\(left) more)…") }
        parts += tail.map(word)
        return parts.joined(separator: separator)
    }

    /// The path's local derivatives multiplied, as written (`2u·3`).
    static func pathProduct(_ chain: NamedChain, _ path: NamedChain.Path, latex: Bool = false) -> String {
        let (head, left, tail) = shownLinks(of: path)
        let factor: (Int) -> String = { index in
            let local = chain.links[index].local
            let text = latex ? self.latex.print(local) : plain.print(local)
            return needsBrackets(local) ? (latex ? "\\left(\(text)\\right)" : "(\(text))") : text
        }
        let separator = latex ? " \\cdot " : "·"
        var parts = head.map(factor)
        if left > 0 { parts.append(latex ? "\\cdots" : "…") }
        parts += tail.map(factor)
        return parts.joined(separator: separator)
    }

    static func needsBrackets(_ expression: Expression) -> Bool {
        switch expression {
        case .binary(.add, _, _), .binary(.subtract, _, _), .negate: true
        case .number(let value): value < 0
        default: false
        }
    }

    /// The rule through names, written in symbols: `dy/du·du/dx`, or a sum of paths; for many paths,
    /// the sum in words.
    static func formula(_ chain: NamedChain, latex: Bool = false) -> String {
        if chain.pathCount <= Double(shownPaths), chain.paths.count == Int(chain.pathCount) {
            return chain.paths.map { pathFormula(chain, $0, latex: latex) }.joined(separator: " + ")
        }
        let sum = latex ? "\\sum" : "Σ"
        return "\(sum) over the \(count(chain.pathCount)) paths from \(chain.output) to \(chain.variable) of the local derivatives multiplied along each"
    }

    /// The path products added, as the rule writes them (`v·2x + u·cos(x)`); nil when too many to write.
    static func productSum(_ chain: NamedChain, latex: Bool = false) -> String? {
        guard chain.pathCount <= Double(shownPaths), chain.paths.count == Int(chain.pathCount) else { return nil }
        return chain.paths.map { pathProduct(chain, $0, latex: latex) }.joined(separator: " + ")
    }

    /// The links shown (the first and last of a long chain) and how many are left out between.
    static func linksShown(_ chain: NamedChain) -> (head: Range<Int>, left: Int, tail: Range<Int>) {
        let count = chain.links.count
        guard count > shownLinks else { return (0..<count, 0, count..<count) }
        let half = shownLinks / 2
        return (0..<half, count - 2 * half, (count - half)..<count)
    }

    static func valueNote(_ value: Double?) -> String {
        value.map { " = \(NumberFormatting.shortest($0))" } ?? ""
    }

    // MARK: Steps of a derivative through names

    /// The plain-text steps of `dy/dx` through names, numbered from 1.
    static func stepLines(_ result: DerivativeResult, _ chainResult: ChainResult, indent: String) -> [String] {
        let chain = chainResult.chain
        let inner = indent + "   "
        let total = totalSymbol(chain)
        var lines = ["\(indent)1. chain rule through your names: \(total) = \(formula(chain))"]
        let (head, left, tail) = linksShown(chain)
        func linkLines(_ index: Int) -> [String] {
            let link = chain.links[index]
            // Its value now, unless the local derivative is a number already.
            let value = link.local.numberValue == nil ? chainResult.linkValues[index].map { "  [now \(NumberFormatting.shortest($0))]" } ?? "" : ""
            guard let first = link.derivation.steps.first else { return [] }
            var operation = DerivativeRenderer.derivativeText(first)
            if link.isPartial { operation = "∂/∂" + operation.dropFirst("d/d".count) }
            let statement = "\(symbol(link)) = \(operation) = \(plain.print(link.local))"
            if DerivativeRenderer.isLeaf(first) {
                return ["\(inner)\(statement)    (\(DerivativeRenderer.ruleName(first)))\(value)"]
            }
            return ["\(inner)\(statement)\(value):"]
                + link.derivation.steps.flatMap { DerivativeRenderer.stepLines($0, number: "•", indent: inner + "  ") }
        }
        lines += head.flatMap(linkLines)
        if left > 0 { lines.append("\(inner)… \(left) more local derivatives") }
        lines += tail.flatMap(linkLines)
        if let sum = productSum(chain) {
            lines.append("\(inner)so \(total) = \(sum)")
        } else {
            lines.append("\(inner)so \(total) = \(plain.print(chain.total))    (each name's total derivative written once, inputs first)")
        }
        if let writtenOut = chainResult.writtenOut {
            let names = chain.names.dropFirst().dropLast()
            let replaced = names.count == 1 ? "\(names.first!) replaced by its definition" : "\(names.joined(separator: ", ")) replaced by their definitions"
            lines.append("\(indent)2. written out in \(chain.variable) (\(replaced)): \(total) = \(plain.print(writtenOut))")
        }
        return lines
    }

    /// The Markdown steps of `dy/dx` through names.
    static func markdownLines(_ result: DerivativeResult, _ chainResult: ChainResult) -> [String] {
        let chain = chainResult.chain
        let total = "\\frac{d\(LaTeXPrinter.name(chain.output))}{d\(LaTeXPrinter.name(chain.variable))}"
        var lines = ["1. **chain rule through your names**: $\(total) = \(formula(chain, latex: true))$"]
        let (head, left, tail) = linksShown(chain)
        func linkLines(_ index: Int) -> [String] {
            let link = chain.links[index]
            let value = link.local.numberValue == nil ? chainResult.linkValues[index].map { " (now \(NumberFormatting.shortest($0)))" } ?? "" : ""
            guard let first = link.derivation.steps.first else { return [] }
            let derivativeOperator = link.isPartial ? "\\frac{\\partial}{\\partial \(LaTeXPrinter.name(link.input))}" : latex.derivativeOperator(variable: link.input, order: 1)
            let statement = "   - $\(latexSymbol(link)) = \(derivativeOperator)\\left(\(latex.print(first.expression))\\right) = \(latex.print(link.local))$"
            if DerivativeRenderer.isLeaf(first) { return [statement + " (\(DerivativeRenderer.ruleName(first)))\(value)"] }
            return [statement + value + ":"]
                + link.derivation.steps.enumerated().flatMap { DerivativeRenderer.markdownLines($1, number: "\($0 + 1).", indent: "      ") }
        }
        lines += head.flatMap(linkLines)
        if left > 0 { lines.append("   - … \(left) more local derivatives") }
        lines += tail.flatMap(linkLines)
        if let sum = productSum(chain, latex: true) {
            lines.append("   - so $\(total) = \(sum)$")
        } else {
            lines.append("   - so $\(total) = \(latex.print(chain.total))$")
        }
        if let writtenOut = chainResult.writtenOut {
            lines.append("2. **written out** in $\(LaTeXPrinter.name(chain.variable))$: $\(total) = \(latex.print(writtenOut))$")
        }
        return lines
    }

    // MARK: `chain L wrt w`

    static func headline(_ result: ChainResult) -> String {
        let chain = result.chain
        return "chain \(chain.output) wrt \(chain.variable): \(totalSymbol(chain)) = \(formula(chain))" + valueNote(result.value)
    }

    static func plainText(_ result: ChainResult) -> String {
        let chain = result.chain
        var lines = [headline(result)]
        lines.append("names: \(chain.names.count <= 2 * shownLinks ? chain.names.joined(separator: ", ") : chain.names.prefix(shownLinks).joined(separator: ", ") + ", … \(chain.names.count - shownLinks - 1) more, \(chain.variable)")")
        lines.append("local derivatives (\(chain.links.count)):")
        let (head, left, tail) = linksShown(chain)
        for index in Array(head) + Array(tail) {
            if index == tail.first, left > 0 { lines.append("  … \(left) more") }
            let link = chain.links[index]
            lines.append("  \(symbol(link)) = \(plain.print(link.local))\(link.local.numberValue == nil ? valueNote(result.linkValues[index]) : "")")
        }
        lines.append("paths (\(count(chain.pathCount))):")
        for (index, path) in chain.paths.enumerated() {
            lines.append("  \(pathFormula(chain, path)) = \(pathProduct(chain, path))\(valueNote(result.pathValues[index]))")
        }
        if chain.pathCount > Double(chain.paths.count) {
            lines.append("  … \(count(chain.pathCount - Double(chain.paths.count))) more paths")
        }
        lines.append("total: \(totalSymbol(chain))\(productSum(chain).map { " = \($0)" } ?? "")\(valueNote(result.value))")
        return lines.joined(separator: "\n")
    }

    static func html(_ result: ChainResult, picture: String) -> String {
        let chain = result.chain
        var html = ["<div class=\"calculus-chain\">", "<p><strong>\(TableRenderer.escape(headline(result)))</strong></p>", picture]
        let rows = chain.paths.enumerated().map { index, path in
            [path.names.count <= shownPathLength + 1 ? path.names.joined(separator: " ← ") : pathFormula(chain, path),
             pathProduct(chain, path), result.pathValues[index].map(NumberFormatting.readable) ?? "—"]
        }
        html += HTMLTable.lines(headers: ["path", "product of local derivatives", "value"], rows: rows)
        if chain.pathCount > Double(rows.count) {
            html.append("<p>… \(count(chain.pathCount - Double(rows.count))) more paths</p>")
        }
        html.append("<p>total: \(TableRenderer.escape(totalSymbol(chain) + valueNote(result.value)))</p>")
        html.append("</div>")
        return html.joined(separator: "\n")
    }

    static func json(_ result: ChainResult) -> JSONValue {
        let chain = result.chain
        let roles: (String) -> String = { $0 == chain.output ? "output" : $0 == chain.variable ? "input" : "intermediate" }
        return [
            "output": .string(chain.output),
            "variable": .string(chain.variable),
            "nodes": .array(chain.names.enumerated().map { index, name in
                ["name": .string(name), "role": .string(roles(name)), "value": result.nameValues[index].map(JSONValue.double) ?? .null]
            }),
            "edges": .array(chain.links.enumerated().map { index, link in
                [
                    "from": .string(link.input), "to": .string(link.quantity), "partial": .bool(link.isPartial),
                    "local": .string(ascii.print(link.local)), "value": result.linkValues[index].map(JSONValue.double) ?? .null,
                ]
            }),
            "paths": .array(chain.paths.enumerated().map { index, path in
                [
                    "names": .array(path.names.map(JSONValue.string)),
                    "product": .string(ascii.print(chain.product(of: path))),
                    "value": result.pathValues[index].map(JSONValue.double) ?? .null,
                ]
            }),
            "path_count": .double(chain.pathCount),
            "paths_omitted": .double(chain.pathCount - Double(chain.paths.count)),
            "total": .string(ascii.print(chain.total)),
            "value": result.value.map(JSONValue.double) ?? .null,
        ]
    }

    // MARK: Picture

    static let nodeWidth = 120.0
    static let nodeHeight = 46.0
    static let columnGap = 150.0
    static let rowGap = 40.0
    static let margin = 16.0
    /// Names drawn, at most; a longer chain shows the ones nearest the output, its variable, and a
    /// box counting the rest.
    static let shownNames = 10

    /// Names as boxes, inputs on the left and the output on the right; each edge labelled with its
    /// local derivative and, when the names have values, its value.
    static func svg(_ result: ChainResult) -> String {
        let chain = result.chain
        let hidden = chain.names.count > shownNames + 1 ? chain.names.count - shownNames - 1 : 0
        var shown = hidden > 0 ? Array(chain.names.prefix(shownNames)) : Array(chain.names.dropLast())
        let summary = "…"
        if hidden > 0 { shown.append(summary) }
        shown.append(chain.variable)
        let index = Dictionary(shown.enumerated().map { ($1, $0) }) { a, _ in a }
        // A hidden name's edges come from the summary box.
        let place: (String) -> String = { index[$0] != nil ? $0 : summary }

        // Column: the longest path from the variable (the variable is column 0).
        var column: [String: Int] = [chain.variable: 0]
        if hidden > 0 { column[summary] = 1 }
        for name in shown.reversed() where name != chain.variable && name != summary {
            let inputs = chain.links.filter { $0.quantity == name }.map { place($0.input) }
            column[name] = (inputs.compactMap { column[$0] }.max() ?? 0) + 1
        }
        let columns = (column.values.max() ?? 0) + 1
        var rows: [[String]] = Array(repeating: [], count: columns)
        for name in shown { rows[column[name]!].append(name) }
        let tallest = rows.map(\.count).max() ?? 1
        let width = margin * 2 + Double(columns) * nodeWidth + Double(columns - 1) * columnGap
        let height = margin * 2 + 28 + Double(tallest) * nodeHeight + Double(tallest - 1) * rowGap + 12
        func position(_ name: String) -> (x: Double, y: Double) {
            let c = column[name]!
            let r = Double(rows[c].firstIndex(of: name)!)
            let offset = Double(tallest - rows[c].count) * (nodeHeight + rowGap) / 2
            return (margin + Double(c) * (nodeWidth + columnGap), margin + 28 + offset + r * (nodeHeight + rowGap))
        }

        let title = "chain \(chain.output) wrt \(chain.variable)"
        var svg = SVGWriter(width: width, height: height, title: title)
        let marker = "arrow-\(Chart.identifier(title))"
        svg.arrowMarker(id: marker)
        svg.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
        let caption = "\(totalSymbol(chain)): \(count(chain.pathCount)) path\(chain.pathCount == 1 ? "" : "s")" + valueNote(result.value)
        svg.label(SVGWriter.shortened(caption, to: Swift.max(40, Int(width / 8))), x: margin, y: margin + 8, size: 13, weight: "bold")

        var drawn = Set<String>()
        for (linkIndex, link) in chain.links.enumerated() {
            let (from, to) = (place(link.input), place(link.quantity))
            guard from != to, drawn.insert(from + "→" + to).inserted else { continue }
            let (source, target) = (position(from), position(to))
            let x1 = source.x + nodeWidth, y1 = source.y + nodeHeight / 2
            let x2 = target.x - 2, y2 = target.y + nodeHeight / 2
            svg.edge(x1: x1, y1: y1, x2: x2, y2: y2, marker: marker)
            guard from != summary, to != summary else { continue }
            let (mx, my) = ((x1 + x2) / 2, (y1 + y2) / 2)
            svg.label(SVGWriter.shortened("\(symbol(link)) = \(plain.print(link.local))", to: 24), x: mx, y: my - 6, size: 10.5, anchor: .middle, fill: "#8a5a00")
            if let value = result.linkValues[linkIndex], link.local.numberValue == nil {
                svg.label("= \(GraphRenderer.compact(value))", x: mx, y: my + 8, size: 10.5, anchor: .middle, fill: "#8a5a00")
            }
        }
        for name in shown {
            let (x, y) = position(name)
            if name == summary {
                svg.rect(x: x, y: y, width: nodeWidth, height: nodeHeight, fill: "#f2f2f2", stroke: "#aaa", radius: 6, extra: "stroke-dasharray=\"4 3\"")
                svg.label("… \(hidden) more names", x: x + nodeWidth / 2, y: y + nodeHeight / 2 + 4, size: 12, anchor: .middle, fill: "#555")
                continue
            }
            let isOutput = name == chain.output, isInput = name == chain.variable
            svg.rect(x: x, y: y, width: nodeWidth, height: nodeHeight,
                     fill: isInput ? "#e8f1fb" : isOutput ? "#fdf0e0" : "#ffffff",
                     stroke: isInput ? "#1f77b4" : isOutput ? "#d9822b" : "#777", radius: 6, extra: "class=\"node\"")
            svg.label(GraphRenderer.truncated(name), x: x + nodeWidth / 2, y: y + 19, size: 13, anchor: .middle, weight: "bold")
            if let position = chain.names.firstIndex(of: name), let value = result.nameValues[position] {
                svg.label("value \(GraphRenderer.compact(value))", x: x + nodeWidth / 2, y: y + 36, size: 11, anchor: .middle, fill: "#333")
            }
        }
        return svg.finished()
    }
}
