import CalculusLanguage

/// A scalar computation graph in the style of micrograd, kept as a flat array in topological order
/// (every node after its inputs): each operation's value and local derivatives are computed together,
/// once, when the node is made, and the backward pass is one reverse loop, with no recursion anywhere.
public struct ComputationGraph: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var id: Int
        /// The binding that produced the node (`a1`, `loss`), a leaf's name, or the operation written out.
        public var label: String
        public var op: String
        public var inputs: [Int]
        public var value: Double
        /// ∂(this node)/∂(input i), in the order of `inputs`.
        public var localDerivatives: [Double]
        /// ∂(output)/∂(this node), after `backward()`.
        public var gradient: Double
        /// True for named values the user bound (what `grad … wrt` asks about).
        public var isLeaf: Bool
    }

    public private(set) var nodes: [Node] = []
    public var output: Int { nodes.count - 1 }

    public init() {}

    mutating func add(label: String, op: String, inputs: [Int], value: Double, local: [Double], isLeaf: Bool = false) -> Int {
        nodes.append(Node(id: nodes.count, label: label, op: op, inputs: inputs, value: value, localDerivatives: local,
                          gradient: 0, isLeaf: isLeaf))
        return nodes.count - 1
    }

    mutating func relabel(_ id: Int, as label: String) {
        nodes[id].label = label
    }

    /// Reverse-mode accumulation from the output. Gradients are recomputed from zero every time, so
    /// running it twice never doubles them; a node used twice gets the sum over its paths.
    public mutating func backward() {
        for index in nodes.indices { nodes[index].gradient = 0 }
        guard !nodes.isEmpty else { return }
        nodes[output].gradient = 1
        for index in nodes.indices.reversed() {
            let upstream = nodes[index].gradient
            if upstream == 0 { continue }
            for (slot, input) in nodes[index].inputs.enumerated() {
                nodes[input].gradient += upstream * nodes[index].localDerivatives[slot]
            }
        }
    }

    /// The gradient of the output with respect to the node named `name` (0 when the output does not use it).
    public func gradient(of name: String) -> Double {
        nodes.last { $0.label == name }?.gradient ?? 0
    }
}
