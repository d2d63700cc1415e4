import CalculusLanguage

/// A scalar computation graph in the style of micrograd, kept as a flat array in topological order
/// (every node after its inputs): each operation's value and local derivatives are computed together,
/// once, when the node is made, and the backward pass is one reverse loop, with no recursion anywhere.
public struct ComputationGraph: Sendable, Equatable {
    public struct Node: Sendable, Equatable {
        public var id: Int
        /// The binding that produced the node (`a1`, `loss`), a leaf's name, or empty.
        public var label: String
        public var op: String
        public var value: Double
        /// ∂(output)/∂(this node), after `backward()`.
        public var gradient: Double
        /// True for named values the user bound (what `grad … wrt` asks about).
        public var isLeaf: Bool
        // Every operation has at most two inputs: they and their local derivatives are stored inline,
        // so a node costs no allocation (two small arrays per node made building 3x slower).
        var arity: UInt8
        var first: Int32
        var second: Int32
        var firstLocal: Double
        var secondLocal: Double

        public var inputs: [Int] { [Int(first), Int(second)].prefix(Int(arity)).map { $0 } }
        /// ∂(this node)/∂(input i), in the order of `inputs`.
        public var localDerivatives: [Double] { Array([firstLocal, secondLocal].prefix(Int(arity))) }
    }

    public private(set) var nodes: [Node] = []
    public var output: Int { nodes.count - 1 }

    public init() {}

    mutating func add(label: String, op: String, value: Double, isLeaf: Bool = false) -> Int {
        nodes.append(Node(id: nodes.count, label: label, op: op, value: value, gradient: 0, isLeaf: isLeaf,
                          arity: 0, first: -1, second: -1, firstLocal: 0, secondLocal: 0))
        return nodes.count - 1
    }

    mutating func add(op: String, value: Double, input: Int, local: Double) -> Int {
        nodes.append(Node(id: nodes.count, label: "", op: op, value: value, gradient: 0, isLeaf: false,
                          arity: 1, first: Int32(input), second: -1, firstLocal: local, secondLocal: 0))
        return nodes.count - 1
    }

    mutating func add(op: String, value: Double, inputs: (Int, Int), locals: (Double, Double)) -> Int {
        nodes.append(Node(id: nodes.count, label: "", op: op, value: value, gradient: 0, isLeaf: false,
                          arity: 2, first: Int32(inputs.0), second: Int32(inputs.1), firstLocal: locals.0, secondLocal: locals.1))
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
        nodes.withUnsafeMutableBufferPointer { nodes in
            for index in nodes.indices.reversed() {
                let node = nodes[index]
                if node.gradient == 0 || node.arity == 0 { continue }
                nodes[Int(node.first)].gradient += node.gradient * node.firstLocal
                if node.arity == 2 { nodes[Int(node.second)].gradient += node.gradient * node.secondLocal }
            }
        }
    }

    /// The gradient of the output with respect to the node named `name` (0 when the output does not use it).
    public func gradient(of name: String) -> Double {
        nodes.last { $0.label == name }?.gradient ?? 0
    }
}
