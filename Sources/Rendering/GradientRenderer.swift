import AutogradEngine
import CalculusLanguage
import CalculusSession
import JSON

/// Renders `grad`, `backward` and `graph` results: the gradient, the backward trace as a table
/// (long traces cut with a line saying how many rows are left out), and the JSON of LANGUAGE.md.
public enum GradientRenderer {
    static let plain = ExpressionPrinter.unicode
    static let shownRows = 200
    /// The most nodes the JSON of `backward` and `graph` lists (about 300 bytes each).
    public static let jsonNodes = 5_000

    public static func render(_ result: GradientResult) -> RenderedOutput {
        var data: [String: JSONValue] = [MimeType.gradient: json(result)]
        switch result.kind {
        case .grad:
            data[MimeType.plain] = .string(gradText(result))
            data[MimeType.latex] = .string("$" + result.gradients.map {
                "\\frac{\\partial}{\\partial \(LaTeXPrinter.name($0.name))} = \(NumberFormatting.shortest($0.value))"
            }.joined(separator: ",\\quad ") + "$")
        case .graph:
            // The picture alone, as an image in the HTML (shown trusted or not), and as SVG for tools.
            let picture = graphPicture(result)
            data[MimeType.plain] = .string(trace(result).text)
            data[MimeType.svg] = .string(picture)
            data[MimeType.html] = .string(SVGWriter.image(picture, alt: pictureDescription(result)))
        case .backward:
            // HTML holds the picture above the trace table, so that a front end showing the richest
            // member (HTML) shows both; Markdown keeps the table for front ends without HTML.
            let (text, markdown) = trace(result)
            let picture = graphPicture(result)
            data[MimeType.plain] = .string(text)
            data[MimeType.markdown] = .string(markdown)
            data[MimeType.svg] = .string(picture)
            data[MimeType.html] = .string(traceHTML(result, picture: SVGWriter.image(picture, alt: pictureDescription(result))))
        }
        return RenderedOutput(data: data)
    }

    static func gradText(_ result: GradientResult) -> String {
        let statement = "grad \(StatementEcho.text(result.expression, plain)) wrt \(result.names.joined(separator: ", "))"
        let values = result.gradients.map { NumberFormatting.shortest($0.value) }
        let answer = values.count == 1 ? values[0] : "(" + values.joined(separator: ", ") + ")"
        var lines = ["\(statement) = \(answer)"]
        if result.names.count > 1 {
            lines += result.gradients.map { "∂/∂\($0.name) = \(NumberFormatting.shortest($0.value))" }
        }
        lines.append("(value \(NumberFormatting.shortest(result.value)))")
        return lines.joined(separator: "\n")
    }

    static func nodeName(_ node: ComputationGraph.Node) -> String {
        node.label.isEmpty ? "n\(node.id)" : node.label
    }

    /// What the graph picture shows, for its `alt` text.
    static func pictureDescription(_ result: GradientResult) -> String {
        let gradients = result.gradients.prefix(4).map { "∂/∂\($0.name) = \(GraphRenderer.compact($0.value))" }.joined(separator: ", ")
        return "Computation graph of \(SVGWriter.shortened(StatementEcho.text(result.expression, plain), to: 80)): \(result.graph.nodes.count) nodes, "
            + "output value \(GraphRenderer.compact(result.value))" + (gradients.isEmpty ? "" : "; \(gradients)")
    }

    static func graphPicture(_ result: GradientResult) -> String {
        GraphRenderer.svg(result.graph, title: "\(result.kind.rawValue) \(StatementEcho.text(result.expression, plain))", showGradients: true)
    }

    /// `format` writes the numbers: every digit for plain text and Markdown, six significant digits in HTML.
    static func traceRows(
        _ result: GradientResult, format: (Double) -> String = NumberFormatting.shortest
    ) -> (headers: [String], rows: [[String]], hidden: Int) {
        let graph = result.graph
        let headers = ["node", "op", "inputs", "value", "local derivatives", "upstream gradient", "gradient"]
        // Who consumes each node, found once (not by a scan per row).
        var consumers = [[Int]](repeating: [], count: graph.nodes.count)
        for node in graph.nodes { for input in Set(node.inputs) { consumers[input].append(node.id) } }
        var rows: [[String]] = []
        // Backward order: the output first, each node before its inputs.
        for node in graph.nodes.reversed() {
            let upstream = consumers[node.id].isEmpty ? "1 (output)"
                : consumers[node.id].map { "\(nodeName(graph.nodes[$0])): \(format(graph.nodes[$0].gradient))" }.joined(separator: ", ")
            rows.append([
                nodeName(node), node.op, node.inputs.map { nodeName(graph.nodes[$0]) }.joined(separator: ", "),
                format(node.value), node.localDerivatives.map(format).joined(separator: ", "), upstream, format(node.gradient),
            ])
            if rows.count == shownRows { break }
        }
        return (headers, rows, graph.nodes.count - rows.count)
    }

    static func headline(_ result: GradientResult) -> String {
        "\(result.kind.rawValue) \(StatementEcho.text(result.expression, plain)) = \(NumberFormatting.shortest(result.value))"
    }

    static func traceHTML(_ result: GradientResult, picture: String) -> String {
        let (headers, rows, hidden) = traceRows(result, format: NumberFormatting.readable)
        var html = ["<div class=\"calculus-backward\">", "<p><strong>\(TableRenderer.escape(headline(result)))</strong></p>"]
        let leaves = result.gradients.map { "∂/∂\($0.name) = \(NumberFormatting.shortest($0.value))" }.joined(separator: ", ")
        if !leaves.isEmpty { html.append("<p>\(TableRenderer.escape(leaves))</p>") }
        html.append(picture)
        html += HTMLTable.lines(headers: headers, rows: rows)
        if hidden > 0 { html.append("<p>… \(hidden) more rows</p>") }
        html.append("</div>")
        return html.joined(separator: "\n")
    }

    static func trace(_ result: GradientResult) -> (text: String, markdown: String) {
        let headline = headline(result)
        let (headers, rows, hidden) = traceRows(result)
        var text = [headline] + TextTable.lines(headers: headers, rows: rows)
        var markdown = ["**\(headline)**", "", "| " + headers.joined(separator: " | ") + " |", "|" + String(repeating: " --- |", count: headers.count)]
        markdown += rows.map { "| " + $0.map { $0.replacingOccurrences(of: "|", with: "\\|") }.joined(separator: " | ") + " |" }
        if hidden > 0 {
            text.append("… \(hidden) more rows")
            markdown.append("")
            markdown.append("… \(hidden) more rows")
        }
        let leaves = result.gradients.map { "∂/∂\($0.name) = \(NumberFormatting.shortest($0.value))" }.joined(separator: ", ")
        if !leaves.isEmpty { text.insert(leaves, at: 1) }
        return (text.joined(separator: "\n"), markdown.joined(separator: "\n"))
    }

    static func json(_ result: GradientResult) -> JSONValue {
        var object: [String: JSONValue] = [
            "expression": .string(StatementEcho.text(result.expression, .ascii)),
            "value": .double(result.value),
            "gradient": .object(Dictionary(result.gradients.map { ($0.name, JSONValue.double($0.value)) }) { $1 }),
        ]
        if result.kind != .grad {
            // The nodes nearest the output, at most `jsonNodes` of them: a million-node graph would
            // otherwise send 300 MB. Ids stay the graph's, so an input may point at a node left out.
            let kept = result.graph.nodes.suffix(jsonNodes)
            if kept.count < result.graph.nodes.count { object["nodes_omitted"] = .int(result.graph.nodes.count - kept.count) }
            object["nodes"] = .array(kept.map { node in
                [
                    "id": .int(node.id), "label": .string(nodeName(node)), "op": .string(node.op),
                    "value": .double(node.value), "grad": .double(node.gradient),
                    "inputs": .array(node.inputs.map(JSONValue.int)),
                    "local": .array(node.localDerivatives.map(JSONValue.double)),
                ]
            })
        }
        return .object(object)
    }

    public static func render(_ check: DerivativeCheck) -> RenderedOutput {
        let point = check.point.keys.sorted().map { "\($0) = \(NumberFormatting.shortest(check.point[$0]!))" }.joined(separator: ", ")
        let markdown = [
            "**check $\(LaTeXPrinter().print(check.derivative))$ at \(point)**", "",
            "| method | value |", "| --- | --- |",
            "| symbolic | \(NumberFormatting.shortest(check.symbolic)) |",
            "| autograd | \(NumberFormatting.shortest(check.autograd)) |",
            "| central finite difference | \(NumberFormatting.shortest(check.finiteDifference)) |",
            "", "largest relative disagreement: \(NumberFormatting.shortest(check.largestDisagreement))",
        ]
        let text = [
            "check \(plain.print(check.derivative)) at \(point)",
            "symbolic           \(NumberFormatting.shortest(check.symbolic))",
            "autograd           \(NumberFormatting.shortest(check.autograd))",
            "finite difference  \(NumberFormatting.shortest(check.finiteDifference))",
            "largest relative disagreement \(NumberFormatting.shortest(check.largestDisagreement))",
        ]
        return RenderedOutput(data: [
            MimeType.plain: .string(text.joined(separator: "\n")),
            MimeType.markdown: .string(markdown.joined(separator: "\n")),
            "application/vnd.calculus.check+json": [
                "derivative": .string(ExpressionPrinter.ascii.print(check.derivative)),
                "symbolic": .double(check.symbolic), "autograd": .double(check.autograd),
                "finite_difference": .double(check.finiteDifference), "largest_disagreement": .double(check.largestDisagreement),
            ],
        ])
    }
}
