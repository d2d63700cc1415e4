import CalculusLanguage

/// A scalar computation graph in the style of micrograd, kept as a flat array in topological order
/// (every node after its inputs): each operation's value and local derivatives are computed together,
/// once, when the node is made, and the backward pass is one reverse loop, with no recursion anywhere.
public struct ComputationGraph: Sendable, Equatable {
    /// What a node computes: one byte per node (the built-ins follow the fixed operations).
    public struct Operation: Hashable, Sendable {
        let code: UInt8

        static let constant = Operation(code: 0)
        static let value = Operation(code: 1)
        static let negate = Operation(code: 2)
        static let add = Operation(code: 3)
        static let subtract = Operation(code: 4)
        static let multiply = Operation(code: 5)
        static let divide = Operation(code: 6)
        static let power = Operation(code: 7)
        /// A definition that names another name's node (`a = x`): its own node, so that each name
        /// has its own gradient (the gradient at `a` holds `x`'s other uses fixed).
        static let identity = Operation(code: 8)
        private static let firstBuiltin: UInt8 = 9
        private static let builtins = Builtin.allCases
        private static let fixedNames = ["const", "value", "neg", "+", "-", "*", "/", "^", "id"]

        static func builtin(_ function: Builtin) -> Operation {
            Operation(code: firstBuiltin + UInt8(builtins.firstIndex(of: function)!))
        }

        static func binary(_ op: BinaryOperator) -> Operation {
            switch op {
            case .add: .add
            case .subtract: .subtract
            case .multiply: .multiply
            case .divide: .divide
            case .power: .power
            }
        }

        /// The name shown in traces and the JSON mime: `const`, `value`, `neg`, `+`, `*`, `sin`, …
        public var name: String {
            function?.names[0] ?? Self.fixedNames[Int(code)]
        }

        var arity: Int { code <= 1 ? 0 : (code == 2 || code == 8 || code >= Self.firstBuiltin ? 1 : 2) }

        /// The built-in this operation applies, if it is one.
        var function: Builtin? { code < Self.firstBuiltin ? nil : Self.builtins[Int(code - Self.firstBuiltin)] }
    }

    /// A node as stored: 48 bytes, no reference counted fields (names live in `labels`), so a
    /// million-node graph is one allocation that the backward loop walks without retains.
    struct Record: Sendable, Equatable {
        var value: Double
        var gradient: Double
        var firstLocal: Double
        var secondLocal: Double
        var first: Int32
        var second: Int32
        /// Index into `labels`, or -1 (a constant's label is then its printed value).
        var label: Int32
        var operation: Operation
        var isLeaf: Bool
        /// For `^`: the exponent is made of constants alone, so d/db a^b is not needed (and is 0).
        var exponentIsConstant = false
    }

    /// One node as the renderers and tests read it.
    public struct Node: Sendable, Equatable {
        public var id: Int
        /// The binding that produced the node (`a1`, `loss`), a leaf's name, a constant's value, or empty.
        public var label: String
        public var op: String
        public var value: Double
        /// ∂(output)/∂(this node), after `backward()`.
        public var gradient: Double
        /// True for named values the user bound (what `grad … wrt` asks about).
        public var isLeaf: Bool
        public var inputs: [Int]
        /// ∂(this node)/∂(input i), in the order of `inputs`.
        public var localDerivatives: [Double]
    }

    /// The nodes in topological order, read as `Node`s (each made when it is read).
    public struct Nodes: RandomAccessCollection, Sendable {
        let records: [Record]
        let labels: [String]
        public var startIndex: Int { 0 }
        public var endIndex: Int { records.count }

        public subscript(index: Int) -> Node {
            let record = records[index]
            let label: String =
                if record.label >= 0 { labels[Int(record.label)] }
                else if record.operation == .constant { NumberFormatting.shortest(record.value) }
                else { "" }
            let arity = record.operation.arity
            return Node(
                id: index, label: label, op: record.operation.name, value: record.value, gradient: record.gradient,
                isLeaf: record.isLeaf, inputs: Array([Int(record.first), Int(record.second)].prefix(arity)),
                localDerivatives: Array([record.firstLocal, record.secondLocal].prefix(arity)))
        }
    }

    private(set) var records: [Record] = []
    private(set) var labels: [String] = []

    public var nodes: Nodes { Nodes(records: records, labels: labels) }
    public var count: Int { records.count }
    public var output: Int { records.count - 1 }
    /// Bytes of storage per node (labels aside).
    public static var bytesPerNode: Int { MemoryLayout<Record>.stride }

    public init() {}

    init(reservingCapacity capacity: Int) { records.reserveCapacity(capacity) }

    func value(of id: Int) -> Double { records[id].value }

    mutating func add(label: String?, operation: Operation, value: Double, isLeaf: Bool = false) -> Int {
        var labelIndex: Int32 = -1
        if let label {
            labelIndex = Int32(labels.count)
            labels.append(label)
        }
        records.append(Record(value: value, gradient: 0, firstLocal: 0, secondLocal: 0, first: -1, second: -1,
                              label: labelIndex, operation: operation, isLeaf: isLeaf))
        return records.count - 1
    }

    mutating func add(_ operation: Operation, value: Double, input: Int, local: Double) -> Int {
        records.append(Record(value: value, gradient: 0, firstLocal: local, secondLocal: 0, first: Int32(input), second: -1,
                              label: -1, operation: operation, isLeaf: false))
        return records.count - 1
    }

    mutating func add(
        _ operation: Operation, value: Double, inputs: (Int, Int), locals: (Double, Double), exponentIsConstant: Bool
    ) -> Int {
        records.append(Record(value: value, gradient: 0, firstLocal: locals.0, secondLocal: locals.1,
                              first: Int32(inputs.0), second: Int32(inputs.1), label: -1, operation: operation, isLeaf: false,
                              exponentIsConstant: exponentIsConstant))
        return records.count - 1
    }

    /// An operation's value at its inputs' values `x` (and `y`), with its local derivatives: the one
    /// place that knows them, for building a graph and for running a built one again. The conventions
    /// at kinks are autograd's: relu′(0) = 0 (as PyTorch), abs′(0) = 0.
    static func apply(
        _ operation: Operation, _ x: Double, _ y: Double, exponentIsConstant: Bool
    ) throws(CalculusError) -> (value: Double, locals: (Double, Double)) {
        switch operation {
        case .negate: return (-x, (-1, 0))
        case .identity: return (x, (1, 0))
        case .add: return (try NumericEvaluator.apply(.add, x, y), (1, 1))
        case .subtract: return (try NumericEvaluator.apply(.subtract, x, y), (1, -1))
        case .multiply: return (try NumericEvaluator.apply(.multiply, x, y), (y, x))
        case .divide: return (try NumericEvaluator.apply(.divide, x, y), (1 / y, -x / (y * y)))
        case .power:
            // d/da a^b = b·a^(b-1); d/db a^b = a^b·ln(a).
            let value = try NumericEvaluator.apply(.power, x, y)
            return (value, (y == 0 ? 0 : y * NumericEvaluator.rawPower(x, y - 1),
                            exponentIsConstant ? 0 : (x > 0 ? value * NumericEvaluator.rawLogarithm(x) : 0)))
        default:
            let function = operation.function!
            // The value first: outside the domain, its error is the one to report (ln(0), not 1/0).
            let value = try function.evaluate(x)
            let local: Double
            if function == .abs {
                local = x > 0 ? 1 : (x < 0 ? -1 : 0)
            } else {
                local = try NumericEvaluator(environment: Environment()).evaluate(function.derivative(at: .number(x)))
            }
            return (value, (local, 0))
        }
    }

    /// The id of the leaf named `name`, if the graph has one.
    public func leaf(named name: String) -> Int? {
        records.indices.last { records[$0].isLeaf && records[$0].label >= 0 && labels[Int(records[$0].label)] == name }
    }

    /// Runs the graph again with new values for some leaves: every operation's value and local
    /// derivatives are recomputed in order, then `backward()`. The same numbers as building the graph
    /// afresh at those values, without reading the expression or looking up a name: what each step
    /// of a descent does after the first.
    public mutating func reevaluate(
        setting leaves: [(id: Int, value: Double)], isInterrupted: () -> Bool = { false }
    ) throws(CalculusError) {
        for (id, value) in leaves {
            precondition(records[id].isLeaf, "only leaves take new values")
            records[id].value = value
        }
        for index in records.indices {
            if index & 4095 == 4095, isInterrupted() { throw CalculusError.interruptedByUser }
            let record = records[index]
            guard record.operation.arity > 0 else { continue }
            let x = records[Int(record.first)].value
            let y = record.second >= 0 ? records[Int(record.second)].value : 0
            let (value, locals) = try Self.apply(record.operation, x, y, exponentIsConstant: record.exponentIsConstant)
            records[index].value = value
            records[index].firstLocal = locals.0
            records[index].secondLocal = locals.1
        }
        backward()
    }

    /// Whether the node already carries a name (a leaf's, or another definition's), or is a constant
    /// (shared by every use of its number): either way a definition that is this node needs its own.
    func isNamedOrConstant(_ id: Int) -> Bool { records[id].label >= 0 || records[id].operation == .constant }

    mutating func relabel(_ id: Int, as label: String) {
        records[id].label = Int32(labels.count)
        labels.append(label)
    }

    /// Reverse-mode accumulation from the output. Gradients are recomputed from zero every time, so
    /// running it twice never doubles them; a node used twice gets the sum over its paths.
    public mutating func backward() {
        guard !records.isEmpty else { return }
        let output = output
        records.withUnsafeMutableBufferPointer { records in
            for index in records.indices { records[index].gradient = 0 }
            records[output].gradient = 1
            for index in records.indices.reversed() {
                let record = records[index]
                if record.gradient == 0 || record.first < 0 { continue }
                records[Int(record.first)].gradient += record.gradient * record.firstLocal
                if record.second >= 0 { records[Int(record.second)].gradient += record.gradient * record.secondLocal }
            }
        }
    }

    /// The gradient of the output with respect to the node named `name` (0 when the output does not use it).
    public func gradient(of name: String) -> Double {
        records.last { $0.label >= 0 && labels[Int($0.label)] == name }?.gradient ?? 0
    }
}
