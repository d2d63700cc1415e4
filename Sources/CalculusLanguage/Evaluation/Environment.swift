/// What a session has bound: names to expressions and functions to bodies. A value type, so a
/// statement works on a copy and a failed statement changes nothing.
///
/// A name bound to an expression with no variables in it (`x = 2`, `lr = 0.1/4`) is a *value*:
/// derivatives still treat it as a variable, and evaluation uses its number. A name bound to an
/// expression with variables (`y = 3x + 1`, `loss = (a2 - 0.8)^2`) is a *definition*, which stands
/// for that expression wherever the name appears.
public struct Environment: Sendable {
    public struct Binding: Sendable, Hashable {
        public var expression: Expression
        /// The number, for value bindings.
        public var value: Double?
    }

    public struct Function: Sendable, Hashable {
        public var name: String
        public var parameters: [String]
        public var body: Expression
    }

    public private(set) var bindings: [String: Binding] = [:]
    /// Every name ever bound has a slot (kept when its binding goes), for lookups on hot paths:
    /// `slot(of:)` costs one cheap hash, and a slot number can index an array.
    private var slotOfName = NameTable()
    private var bindingsBySlot: [Binding?] = []
    /// Nodes in the expressions of all definitions (bindings without a number). A graph built from
    /// an expression has at most its nodes, these, and a leaf per slot, unless it calls functions
    /// or takes derivatives: room a graph build can reserve at once instead of growing into it.
    public private(set) var nodesInDefinitions = 0
    public private(set) var functions: [String: Function] = [:]
    /// Names in the order they were first bound (for completion and display).
    public private(set) var order: [String] = []
    /// Every name some definition has used (a superset: a name stays after its definition goes).
    /// A name outside it cannot be reached through definitions, so binding it needs no walk down
    /// the chain of definitions: binding `a2 = a1*w`, …, `a5000 = a4999*w` was quadratic.
    private var namesUsedByDefinitions: Set<String> = []

    public init() {}

    /// The number of slots: every slot number is below it.
    public var slotCount: Int { bindingsBySlot.count }

    /// The slot of a name that has been bound, whether or not it still is.
    public func slot(of name: String) -> Int? { slotOfName[name] }

    /// What the name in `slot` is bound to now.
    public func binding(inSlot slot: Int) -> Binding? { bindingsBySlot[slot] }

    /// The number the name in `slot` is bound to, if it is a value (read without copying, and
    /// reference counting, the binding's expression).
    public func value(inSlot slot: Int) -> Double? { bindingsBySlot[slot]?.value }

    /// The one way a binding changes: the table by name and its slot together.
    private mutating func store(_ binding: Binding?, for name: String) {
        func definitionNodes(_ binding: Binding?) -> Int {
            guard let binding, binding.value == nil else { return 0 }
            return binding.expression.nodeCount
        }
        nodesInDefinitions += definitionNodes(binding) - definitionNodes(bindings[name])
        if let slot = slotOfName[name] {
            bindingsBySlot[slot] = binding
        } else if binding != nil {
            slotOfName[name] = bindingsBySlot.count
            bindingsBySlot.append(binding)
        }
        bindings[name] = binding
    }

    public var boundNames: Set<String> { Set(bindings.keys).union(functions.keys) }

    public func value(of name: String) -> Double? { bindings[name]?.value }

    /// The numbers of all value bindings.
    public var values: [String: Double] { bindings.compactMapValues(\.value) }

    // MARK: Binding

    /// Binds `name` to `expression`. A right side that uses the name itself (`w = w - 0.1*g`) means the
    /// name's current meaning, so it is expanded first: the update idiom works, and no cycle can form.
    /// `evaluator` makes the evaluator for the right side from the environment as it is before the
    /// binding. It is made and dropped inside, never held across the change: an evaluator holding this
    /// environment while it changes would make every table be copied, once per statement (binding a
    /// chain of 20,000 definitions took 12 s that way).
    public mutating func bind(
        _ name: String, to expression: Expression,
        evaluator: (Environment) -> NumericEvaluator = { NumericEvaluator(environment: $0) }
    ) throws(CalculusError) {
        try checkCalls(in: expression)
        let binding = try binding(of: name, to: expression, evaluator: evaluator(self))
        if bindings[name] == nil && functions[name] == nil { order.append(name) }
        functions[name] = nil
        store(binding, for: name)
        if binding.value == nil { namesUsedByDefinitions.formUnion(binding.expression.freeVariables) }
    }

    /// What `bind` stores: the expression, expanded when it uses the name itself, and its number
    /// when it has one.
    private func binding(of name: String, to expression: Expression, evaluator: NumericEvaluator) throws(CalculusError) -> Binding {
        var stored = expression
        if try dependsOn(name, expression) {
            guard bindings[name] != nil else {
                throw CalculusError(.name, "\(name) is used in its own definition but has no value yet", symbol: name)
            }
            stored = try expand(expression, keepingValues: true)
            // Evaluate a self-update now when it has a number (the gradient-descent idiom `w = w - lr*g`).
            if let number = try? evaluator.evaluate(stored) {
                stored = .number(number)
            }
        }
        let isValue = stored.freeVariables.isEmpty && stored.calledFunctions.isEmpty && !stored.containsDerivative
        var binding = Binding(expression: stored, value: nil)
        if isValue { binding.value = try evaluator.evaluate(stored) }
        return binding
    }

    /// Defines a function. Recursion, direct or through other functions, is refused.
    public mutating func define(_ name: String, parameters: [String], body: Expression) throws(CalculusError) {
        try checkCalls(in: body, defining: (name, parameters.count))
        var visiting: [String] = []
        func reaches(_ function: String) -> Bool {
            if function == name { return true }
            guard !visiting.contains(function), let definition = functions[function] else { return false }
            visiting.append(function)
            return definition.body.calledFunctions.contains(where: reaches)
        }
        if let recursive = body.calledFunctions.first(where: reaches) {
            let path = recursive == name ? "" : " (through \(recursive))"
            throw CalculusError(.name, "\(name) is defined in terms of itself\(path); recursion is not supported", symbol: recursive)
        }
        // A function's body may also use bound names; those must not lead back to this function.
        for variable in body.freeVariables where !parameters.contains(variable) {
            if let binding = bindings[variable], binding.value == nil,
                try expand(binding.expression, keepingValues: true).calledFunctions.contains(name)
            {
                throw CalculusError(.name, "\(name) is defined in terms of itself (through \(variable))", symbol: variable)
            }
        }
        if bindings[name] == nil && functions[name] == nil { order.append(name) }
        store(nil, for: name)
        functions[name] = Function(name: name, parameters: parameters, body: body)
    }

    /// Checks that every function an expression calls exists and gets the right number of arguments.
    public func checkCalls(in expression: Expression, defining: (String, Int)? = nil) throws(CalculusError) {
        var failure: CalculusError?
        expression.visit { node in
            guard failure == nil else { return }
            let name: String
            let count: Int
            switch node {
            case .call(let called, let arguments), .prime(let called, _, let arguments):
                name = called
                count = arguments.count
            default: return
            }
            let expected: Int
            if let defining, defining.0 == name {
                expected = defining.1
            } else if let function = functions[name] {
                expected = function.parameters.count
            } else {
                if bindings[name] != nil {
                    failure = CalculusError(.name, "\(name) is not a function; write \(name)*(…) to multiply", symbol: name)
                } else {
                    failure = CalculusError(.name, "unknown function \(name)\(suggestion(for: name))", symbol: name)
                }
                return
            }
            if count != expected {
                failure = CalculusError(
                    .syntax, "\(name) takes \(expected) argument\(expected == 1 ? "" : "s"), not \(count)", symbol: name)
            }
        }
        if let failure { throw failure }
    }

    private func dependsOn(_ name: String, _ expression: Expression) throws(CalculusError) -> Bool {
        var pending = expression.freeVariables
        guard namesUsedByDefinitions.contains(name) else { return pending.contains(name) }
        var seen = Set<String>()
        while let next = pending.popLast() {
            if next == name { return true }
            guard seen.insert(next).inserted, let binding = bindings[next], binding.value == nil else { continue }
            pending.append(contentsOf: binding.expression.freeVariables)
        }
        return false
    }

    // MARK: Expansion

    /// The expression with every definition written out: defined names replaced by their expressions and
    /// user function calls by their bodies. Value-bound names stay as variables when `keepingValues`,
    /// so that `d/dx` still treats `x` as the variable after `x = 2`. Names in `held` stay as they are:
    /// a derivative with respect to a defined name holds that name (`dy/du` with `u = 3x + 1` is `2u`),
    /// and so does every `d/du` met inside.
    public func expand(
        _ expression: Expression, keepingValues: Bool = true, holding held: Set<String> = [], limit: Int = 1_000_000
    ) throws(CalculusError) -> Expression {
        var cache: [String: Expression] = [:]
        return try expand(expression, keepingValues: keepingValues, holding: held, cache: &cache, limit: limit)
    }

    /// Whether `name` is bound to an expression with variables (not a value, not a function).
    public func isDefinition(_ name: String) -> Bool {
        guard let binding = bindings[name] else { return false }
        return binding.value == nil
    }

    private func expand(
        _ expression: Expression, keepingValues: Bool, holding held: Set<String>, cache: inout [String: Expression], limit: Int
    ) throws(CalculusError) -> Expression {
        try expression.transformed { (node) throws(CalculusError) -> Expression? in
            switch node {
            case .variable(let name):
                guard !held.contains(name), let binding = bindings[name] else { return node }
                if let value = binding.value { return keepingValues ? node : .number(value) }
                if let cached = cache[name] { return cached }
                let expanded = try expand(binding.expression, keepingValues: keepingValues, holding: held, cache: &cache, limit: limit)
                cache[name] = expanded
                return expanded
            case .derivative(let body, let variable, let order) where isDefinition(variable) && !held.contains(variable):
                var inner: [String: Expression] = [:]
                let expandedBody = try expand(
                    body, keepingValues: keepingValues, holding: held.union([variable]), cache: &inner, limit: limit)
                return .derivative(expandedBody, variable: variable, order: order)
            case .call(let name, let arguments):
                guard let function = functions[name] else { return nil }
                var expandedArguments: [Expression] = []
                for argument in arguments {
                    expandedArguments.append(
                        try expand(argument, keepingValues: keepingValues, holding: held, cache: &cache, limit: limit))
                }
                let body = try expand(function.body, keepingValues: keepingValues, holding: held, cache: &cache, limit: limit)
                let substituted = body.substituting(Dictionary(uniqueKeysWithValues: zip(function.parameters, expandedArguments)))
                if substituted.nodeCount > limit {
                    throw CalculusError(.limit, "expanding \(name) gives more than \(limit) terms")
                }
                return substituted
            default:
                return nil
            }
        }
    }

    // MARK: Names

    /// " (did you mean sin?)" for a near miss of a known name, or "".
    public func suggestion(for name: String) -> String {
        let candidates = Builtin.allNames + Array(bindings.keys) + Array(functions.keys) + Keywords.statement + ["diff", "pi", "e"]
        let lowered = name.lowercased()
        var best: (String, Int)?
        for candidate in candidates where candidate != name {
            let distance = Self.editDistance(lowered, candidate.lowercased())
            let allowed = max(1, min(2, candidate.count / 3))
            if distance <= allowed || (lowered.hasPrefix(candidate) && candidate.count >= 3) {
                if best == nil || distance < best!.1 { best = (candidate, distance) }
            }
        }
        return best.map { " (did you mean \($0.0)?)" } ?? ""
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var row = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                row[j] = Swift.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = row
        }
        return previous[b.count]
    }
}

extension Expression {
    public var containsDerivative: Bool {
        contains { node in
            switch node {
            case .derivative, .derivativeBySubexpression, .prime: true
            default: false
            }
        }
    }
}
