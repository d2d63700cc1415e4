import Glibc
import AutogradEngine
import CalculusLanguage

/// The computation graph as an SVG picture: a layered DAG read left to right (inputs on the left,
/// the output on the right), each node labelled with its name or operation, its value and its
/// gradient, each edge with its local derivative. Graphs above `shownNodes` nodes show the nodes
/// nearest the output and one box summarising the rest.
enum GraphRenderer {
    static let shownNodes = 60
    static let nodeWidth = 132.0
    static let nodeHeight = 54.0
    static let columnGap = 58.0
    static let rowGap = 18.0
    static let margin = 16.0

    static let operatorSymbols = ["*": "×", "/": "÷", "-": "−", "neg": "−(·)", "^": "^", "+": "+"]

    static func svg(_ graph: ComputationGraph, title: String, showGradients: Bool) -> String {
        let nodes = graph.nodes
        let firstShown = Swift.max(0, nodes.count - shownNodes)
        let hiddenCount = firstShown
        // Layer = longest path from a shown node's inputs; hidden inputs sit in layer 0 (the summary box).
        var layer = [Int](repeating: 0, count: nodes.count)
        let baseLayer = hiddenCount > 0 ? 1 : 0
        for node in nodes[firstShown...] {
            layer[node.id] = baseLayer
            for input in node.inputs where input >= firstShown { layer[node.id] = Swift.max(layer[node.id], layer[input] + 1) }
        }
        // Inputs without inputs of their own (values, constants) sit just left of their first consumer,
        // so that a constant used near the output does not send an edge across the whole picture.
        var firstConsumerLayer = [Int](repeating: Int.max, count: nodes.count)
        for node in nodes[firstShown...] {
            for input in node.inputs where input >= firstShown {
                firstConsumerLayer[input] = Swift.min(firstConsumerLayer[input], layer[node.id])
            }
        }
        for node in nodes[firstShown...] where node.inputs.isEmpty && firstConsumerLayer[node.id] != Int.max {
            layer[node.id] = firstConsumerLayer[node.id] - 1
        }
        let layerCount = (nodes[firstShown...].map { layer[$0.id] }.max() ?? 0) + 1
        // Rows within a layer: by the mean row of the inputs (one sweep left to right), then by id.
        var row = [Double](repeating: 0, count: nodes.count)
        var columns = [[Int]](repeating: [], count: layerCount)
        for node in nodes[firstShown...] { columns[layer[node.id]].append(node.id) }
        for index in columns.indices {
            let keyed = columns[index].map { id -> (Double, Int) in
                let inputs = nodes[id].inputs.filter { $0 >= firstShown }
                let key = inputs.isEmpty ? Double(id) / Double(nodes.count) - 1 : inputs.map { row[$0] }.reduce(0, +) / Double(inputs.count)
                return (key, id)
            }
            columns[index] = keyed.sorted { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }.map(\.1)
            for (position, id) in columns[index].enumerated() { row[id] = Double(position) }
        }
        let tallest = columns.map(\.count).max() ?? 1
        let width = margin * 2 + Double(layerCount) * nodeWidth + Double(layerCount - 1) * columnGap
        let height = margin * 2 + 26 + Double(tallest) * nodeHeight + Double(tallest - 1) * rowGap
        func position(_ id: Int) -> (x: Double, y: Double) {
            let column = columns[layer[id]]
            // Centre each column vertically.
            let offset = Double(tallest - column.count) * (nodeHeight + rowGap) / 2
            return (margin + Double(layer[id]) * (nodeWidth + columnGap),
                    margin + 26 + offset + row[id] * (nodeHeight + rowGap))
        }

        var svg = SVGWriter(width: width, height: height, title: title)
        let marker = "arrow-\(Chart.identifier(title))"
        svg.arrowMarker(id: marker)
        svg.rect(x: 0, y: 0, width: width, height: height, fill: "#ffffff")
        let caption = hiddenCount > 0 ? "\(title) — \(nodes.count) nodes, the \(nodes.count - hiddenCount) nearest the output shown" : title
        svg.label(SVGWriter.shortened(caption, to: Swift.max(40, Int(width / 8))), x: margin, y: margin + 8, size: 13, weight: "bold")

        // Summary box for the hidden part.
        let summaryY = margin + 26 + (Double(tallest) * (nodeHeight + rowGap) - rowGap) / 2 - nodeHeight / 2
        if hiddenCount > 0 {
            svg.rect(x: margin, y: summaryY, width: nodeWidth, height: nodeHeight, fill: "#f2f2f2", stroke: "#aaa", radius: 6, extra: "stroke-dasharray=\"4 3\"")
            svg.label("… \(hiddenCount) more nodes", x: margin + nodeWidth / 2, y: summaryY + nodeHeight / 2 + 4, size: 12, anchor: .middle, fill: "#555")
        }
        // Edges first, so that nodes sit on top of them.
        for node in nodes[firstShown...] {
            let target = position(node.id)
            for (input, local) in zip(node.inputs, node.localDerivatives) {
                let source = input >= firstShown ? position(input) : (x: margin, y: summaryY)
                let x1 = source.x + nodeWidth, y1 = source.y + nodeHeight / 2
                let x2 = target.x - 2, y2 = target.y + nodeHeight / 2
                svg.edge(x1: x1, y1: y1, x2: x2, y2: y2, marker: marker)
                if showGradients, nodes[input].op != "const" {
                    svg.label("∂ \(compact(local))", x: (x1 + x2) / 2, y: (y1 + y2) / 2 - 4, size: 10, anchor: .middle, fill: "#8a5a00")
                }
            }
        }
        for node in nodes[firstShown...] {
            let (x, y) = position(node.id)
            let isOutput = node.id == nodes.count - 1
            let fill = node.isLeaf ? "#e8f1fb" : node.op == "const" ? "#f4f4f4" : isOutput ? "#fdf0e0" : "#ffffff"
            let stroke = node.isLeaf ? "#1f77b4" : isOutput ? "#d9822b" : "#777"
            svg.rect(x: x, y: y, width: nodeWidth, height: nodeHeight, fill: fill, stroke: stroke, radius: 6, extra: "class=\"node\"")
            svg.label(heading(node), x: x + nodeWidth / 2, y: y + 16, size: 12, anchor: .middle, weight: "bold")
            svg.label("value \(compact(node.value))", x: x + nodeWidth / 2, y: y + 32, size: 11, anchor: .middle, fill: "#333")
            if showGradients, node.op != "const" {
                svg.label("grad \(compact(node.gradient))", x: x + nodeWidth / 2, y: y + 47, size: 11, anchor: .middle, fill: "#c0392b")
            }
        }
        return svg.finished()
    }

    /// `loss = ^`, `w`, `×`, `sigmoid`.
    static func heading(_ node: ComputationGraph.Node) -> String {
        let op = operatorSymbols[node.op] ?? node.op
        if node.isLeaf || node.op == "const" { return truncated(node.label) }
        return node.label.isEmpty ? op : truncated(node.label) + " = " + op
    }

    static func truncated(_ text: String) -> String {
        text.count <= 16 ? text : String(text.prefix(15)) + "…"
    }

    /// Numbers short enough for a node: at most 6 significant digits.
    static func compact(_ value: Double) -> String {
        let full = NumberFormatting.shortest(value)
        if full.count <= 8 { return full }
        let rounded = PlotRenderer.round6(value)
        let text = NumberFormatting.shortest(rounded)
        return text.count <= 10 ? text : String(format6(rounded))
    }

    static func format6(_ value: Double) -> String {
        // Scientific form for very large or small magnitudes: mantissa to 4 decimals.
        guard value != 0, value.isFinite else { return NumberFormatting.shortest(value) }
        let exponent = Int(Glibc.floor(Glibc.log10(Swift.abs(value))))
        let mantissa = (value / Glibc.pow(10, Double(exponent)) * 10_000).rounded() / 10_000
        return "\(NumberFormatting.shortest(mantissa))e\(exponent)"
    }
}
