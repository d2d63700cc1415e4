/// An expression of the calculus language. Binary operations stay binary and keep the shape the
/// user wrote, so that printing and parsing round-trip exactly: `parse(print(e)) == e`.
public indirect enum Expression: Hashable, Sendable {
    case number(Double)
    case constant(MathConstant)
    case variable(String)
    case negate(Expression)
    case binary(BinaryOperator, Expression, Expression)
    /// A built-in applied to its one argument: `sin(x)`, `σ(z)`, `e^u` (as `exp`).
    case builtin(Builtin, Expression)
    /// A user function applied to arguments: `f(x)`, `L(w, b)`.
    case call(String, [Expression])
    /// `d/dx E`, `∂/∂w E`, `d²/dx² E`, `diff(E, x)`.
    case derivative(Expression, variable: String, order: Int)
    /// `dz/d(w*x + b)`, `d/d(w*x + b) z`: the derivative with respect to a subexpression, held as the
    /// variable wherever it appears in the body (once the body's definitions are written out).
    case derivativeBySubexpression(Expression, subexpression: Expression, order: Int)
    /// `f'(x)`, `f''(g(x))`: the derivative of a user function, applied to arguments.
    case prime(String, order: Int, [Expression])

    public static func + (lhs: Expression, rhs: Expression) -> Expression { .binary(.add, lhs, rhs) }
    public static func - (lhs: Expression, rhs: Expression) -> Expression { .binary(.subtract, lhs, rhs) }
    public static func * (lhs: Expression, rhs: Expression) -> Expression { .binary(.multiply, lhs, rhs) }
    public static func / (lhs: Expression, rhs: Expression) -> Expression { .binary(.divide, lhs, rhs) }
    public static prefix func - (operand: Expression) -> Expression { .negate(operand) }

    public static func power(_ base: Expression, _ exponent: Expression) -> Expression {
        .binary(.power, base, exponent)
    }

    public var numberValue: Double? {
        if case .number(let value) = self { return value }
        return nil
    }
}

public enum MathConstant: String, Hashable, Sendable, CaseIterable {
    case pi, e

    public var value: Double {
        switch self {
        case .pi: Double.pi
        case .e: 2.718281828459045
        }
    }
}

public enum BinaryOperator: Hashable, Sendable {
    case add, subtract, multiply, divide, power

    var rank: Int {
        switch self {
        case .add: 0
        case .subtract: 1
        case .multiply: 2
        case .divide: 3
        case .power: 4
        }
    }
}

extension Expression {
    /// The names an expression uses as variables (not constants, not functions), in first-use order.
    public var freeVariables: [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        visit { node in
            if case .variable(let name) = node, seen.insert(name).inserted { ordered.append(name) }
        }
        return ordered
    }

    /// The user functions an expression calls (including `f'`), in first-use order.
    public var calledFunctions: [String] {
        var seen = Set<String>()
        var ordered: [String] = []
        visit { node in
            switch node {
            case .call(let name, _), .prime(let name, _, _):
                if seen.insert(name).inserted { ordered.append(name) }
            default: break
            }
        }
        return ordered
    }

    /// Number of nodes.
    public var nodeCount: Int { nodeCount(upTo: .max) }

    /// The number of nodes, counting no further than `limit` (cheap on deep expressions).
    public func nodeCount(upTo limit: Int) -> Int {
        var count = 0
        addNodes(to: &count, limit: limit, depth: 0)
        return count
    }

    /// Counts by recursion, which borrows each child from its parent; an explicit stack must copy
    /// (and reference count) every node, which was a tenth of differentiating a 30-factor product.
    /// Below 1,000 levels the rest is counted on an explicit stack, so depth cannot overflow.
    private func addNodes(to count: inout Int, limit: Int, depth: Int) {
        guard count < limit else { return }
        guard depth < 1_000 else {
            var stack: [Expression] = [self]
            while let node = stack.popLast(), count < limit {
                count += 1
                switch node {
                case .number, .constant, .variable: break
                case .negate(let operand): stack.append(operand)
                case .binary(_, let left, let right): stack.append(right); stack.append(left)
                case .builtin(_, let argument): stack.append(argument)
                case .call(_, let arguments), .prime(_, _, let arguments): stack.append(contentsOf: arguments)
                case .derivative(let body, _, _): stack.append(body)
                case .derivativeBySubexpression(let body, let held, _): stack.append(held); stack.append(body)
                }
            }
            return
        }
        count += 1
        switch self {
        case .number, .constant, .variable: break
        case .negate(let operand): operand.addNodes(to: &count, limit: limit, depth: depth + 1)
        case .binary(_, let left, let right):
            left.addNodes(to: &count, limit: limit, depth: depth + 1)
            right.addNodes(to: &count, limit: limit, depth: depth + 1)
        case .builtin(_, let argument): argument.addNodes(to: &count, limit: limit, depth: depth + 1)
        case .call(_, let arguments), .prime(_, _, let arguments):
            for argument in arguments { argument.addNodes(to: &count, limit: limit, depth: depth + 1) }
        case .derivative(let body, _, _): body.addNodes(to: &count, limit: limit, depth: depth + 1)
        case .derivativeBySubexpression(let body, let held, _):
            body.addNodes(to: &count, limit: limit, depth: depth + 1)
            held.addNodes(to: &count, limit: limit, depth: depth + 1)
        }
    }

    /// True when some node satisfies `predicate`, stopping at the first. Recursive like `addNodes`
    /// (no stack array to allocate: a derivative asks this of every subexpression it meets), then
    /// on `visit`'s explicit stack past 1,000 levels.
    public func contains(where predicate: (Expression) -> Bool) -> Bool {
        containsNode(where: predicate, depth: 0)
    }

    private func containsNode(where predicate: (Expression) -> Bool, depth: Int) -> Bool {
        guard depth < 1_000 else {
            var found = false
            visit { node in if !found, predicate(node) { found = true } }
            return found
        }
        if predicate(self) { return true }
        switch self {
        case .number, .constant, .variable: return false
        case .negate(let operand): return operand.containsNode(where: predicate, depth: depth + 1)
        case .binary(_, let left, let right):
            return left.containsNode(where: predicate, depth: depth + 1) || right.containsNode(where: predicate, depth: depth + 1)
        case .builtin(_, let argument): return argument.containsNode(where: predicate, depth: depth + 1)
        case .call(_, let arguments), .prime(_, _, let arguments):
            return arguments.contains { $0.containsNode(where: predicate, depth: depth + 1) }
        case .derivative(let body, _, _): return body.containsNode(where: predicate, depth: depth + 1)
        case .derivativeBySubexpression(let body, let held, _):
            return body.containsNode(where: predicate, depth: depth + 1) || held.containsNode(where: predicate, depth: depth + 1)
        }
    }

    /// A total order on expressions that decides at the first difference (usually after a node or two).
    public func structurallyPrecedes(_ other: Expression) -> Bool {
        firstStructuralDifference(from: other) ?? false
    }

    /// Whether `self` comes before `other` where the two first differ, walking both trees together
    /// (parents before children, left before right), or nil when no difference is found. A caller
    /// that breaks ties on something else needs no separate `==` walk first.
    public func firstStructuralDifference(from other: Expression) -> Bool? {
        Self.firstDifference(self, other, depth: 0)
    }

    /// How two nodes compare by themselves (kind, number, name, operator, function, order, number of
    /// arguments): the order where they differ there, nil where only their children can tell.
    private static func ownOrder(_ a: Expression, _ b: Expression) -> Bool? {
        let (ka, kb) = (a.kindRank, b.kindRank)
        if ka != kb { return ka < kb }
        switch (a, b) {
        case (.number(let x), .number(let y)): return x != y ? x < y : nil
        case (.constant(let x), .constant(let y)): return x != y ? x.rawValue < y.rawValue : nil
        case (.variable(let x), .variable(let y)): return x != y ? x < y : nil
        case (.binary(let o, _, _), .binary(let p, _, _)): return o != p ? o.rank < p.rank : nil
        case (.builtin(let f, _), .builtin(let g, _)):
            return f != g ? Builtin.allCases.firstIndex(of: f)! < Builtin.allCases.firstIndex(of: g)! : nil
        case (.call(let f, let xs), .call(let g, let ys)):
            if f != g { return f < g }
            return xs.count != ys.count ? xs.count < ys.count : nil
        case (.prime(let f, let m, let xs), .prime(let g, let n, let ys)):
            if f != g { return f < g }
            if m != n { return m < n }
            return xs.count != ys.count ? xs.count < ys.count : nil
        case (.derivative(_, let v, let m), .derivative(_, let w, let n)):
            if v != w { return v < w }
            return m != n ? m < n : nil
        case (.derivativeBySubexpression(_, _, let m), .derivativeBySubexpression(_, _, let n)):
            return m != n ? m < n : nil
        default: return nil
        }
    }

    /// By recursion (no array of pairs to allocate per comparison) down to 1,000 levels, then on an
    /// explicit stack. Both walk the children of nodes that `ownOrder` cannot tell apart, in order.
    private static func firstDifference(_ a: Expression, _ b: Expression, depth: Int) -> Bool? {
        guard depth < 1_000 else { return firstDifferenceOnStack(a, b) }
        if let decided = ownOrder(a, b) { return decided }
        switch (a, b) {
        case (.negate(let x), .negate(let y)), (.builtin(_, let x), .builtin(_, let y)),
            (.derivative(let x, _, _), .derivative(let y, _, _)):
            return firstDifference(x, y, depth: depth + 1)
        case (.binary(_, let x1, let x2), .binary(_, let y1, let y2)),
            (.derivativeBySubexpression(let x1, let x2, _), .derivativeBySubexpression(let y1, let y2, _)):
            return firstDifference(x1, y1, depth: depth + 1) ?? firstDifference(x2, y2, depth: depth + 1)
        case (.call(_, let xs), .call(_, let ys)), (.prime(_, _, let xs), .prime(_, _, let ys)):
            for (x, y) in zip(xs, ys) {
                if let decided = firstDifference(x, y, depth: depth + 1) { return decided }
            }
            return nil
        default: return nil
        }
    }

    private static func firstDifferenceOnStack(_ a: Expression, _ b: Expression) -> Bool? {
        var pairs: [(Expression, Expression)] = [(a, b)]
        while let (a, b) = pairs.popLast() {
            if let decided = ownOrder(a, b) { return decided }
            switch (a, b) {
            case (.negate(let x), .negate(let y)), (.builtin(_, let x), .builtin(_, let y)),
                (.derivative(let x, _, _), .derivative(let y, _, _)):
                pairs.append((x, y))
            case (.binary(_, let x1, let x2), .binary(_, let y1, let y2)),
                (.derivativeBySubexpression(let x1, let x2, _), .derivativeBySubexpression(let y1, let y2, _)):
                pairs.append((x2, y2)); pairs.append((x1, y1))
            case (.call(_, let xs), .call(_, let ys)), (.prime(_, _, let xs), .prime(_, _, let ys)):
                for (x, y) in zip(xs, ys).reversed() { pairs.append((x, y)) }
            default: break
            }
        }
        return nil
    }

    private var kindRank: Int {
        switch self {
        case .number: 0
        case .constant: 1
        case .variable: 2
        case .negate: 3
        case .binary: 4
        case .builtin: 5
        case .call: 6
        case .prime: 7
        case .derivative: 8
        case .derivativeBySubexpression: 9
        }
    }

    /// True when both values are the very same stored node: a constant-time test that implies `==`
    /// (equal trees stored apart are still equal by `==`, which this does not see). Every case is
    /// indirect, so a value is one reference to its node and comparing those bits is enough.
    public func isSameNode(as other: Expression) -> Bool {
        assert(MemoryLayout<Expression>.size == MemoryLayout<UInt>.size, "an expression is one reference")
        return unsafeBitCast(self, to: UInt.self) == unsafeBitCast(other, to: UInt.self)
    }

    /// Calls `body` on every node, parents before children, without recursion
    /// (so a 100,000-deep expression cannot overflow the stack here).
    public func visit(_ body: (Expression) -> Void) {
        var stack: [Expression] = [self]
        while let node = stack.popLast() {
            body(node)
            switch node {
            case .number, .constant, .variable: break
            case .negate(let operand): stack.append(operand)
            case .binary(_, let left, let right): stack.append(right); stack.append(left)
            case .builtin(_, let argument): stack.append(argument)
            case .call(_, let arguments), .prime(_, _, let arguments): stack.append(contentsOf: arguments.reversed())
            case .derivative(let body, _, _): stack.append(body)
            case .derivativeBySubexpression(let body, let held, _): stack.append(held); stack.append(body)
            }
        }
    }

    /// Replaces variables by expressions, all at once (a substitution, not a rewrite loop).
    public func substituting(_ replacements: [String: Expression]) -> Expression {
        if replacements.isEmpty { return self }
        return transformed { node in
            if case .variable(let name) = node, let replacement = replacements[name] { return replacement }
            return nil
        }
    }

    /// Rebuilds the expression bottom-up; `rewrite` may replace a node before its children are visited
    /// (return nil to keep the node and descend). A rewrite that throws ends the whole rebuild.
    public func transformed<Failure: Error>(
        _ rewrite: (Expression) throws(Failure) -> Expression?
    ) throws(Failure) -> Expression {
        if let replacement = try rewrite(self) { return replacement }
        // A node whose children come back unchanged is kept, not rebuilt: most rewrites (writing out
        // definitions, putting in values) leave most of a tree as it is.
        switch self {
        case .number, .constant, .variable: return self
        case .negate(let operand):
            let rewritten = try operand.transformed(rewrite)
            return rewritten.isSameNode(as: operand) ? self : .negate(rewritten)
        case .binary(let op, let left, let right):
            let (newLeft, newRight) = (try left.transformed(rewrite), try right.transformed(rewrite))
            return newLeft.isSameNode(as: left) && newRight.isSameNode(as: right) ? self : .binary(op, newLeft, newRight)
        case .builtin(let function, let argument):
            let rewritten = try argument.transformed(rewrite)
            return rewritten.isSameNode(as: argument) ? self : .builtin(function, rewritten)
        case .call(let name, let arguments):
            var rebuilt: [Expression] = []
            for argument in arguments { rebuilt.append(try argument.transformed(rewrite)) }
            return zip(rebuilt, arguments).allSatisfy({ $0.isSameNode(as: $1) }) ? self : .call(name, rebuilt)
        case .prime(let name, let order, let arguments):
            var rebuilt: [Expression] = []
            for argument in arguments { rebuilt.append(try argument.transformed(rewrite)) }
            return zip(rebuilt, arguments).allSatisfy({ $0.isSameNode(as: $1) }) ? self : .prime(name, order: order, rebuilt)
        case .derivative(let body, let variable, let order):
            // The derivative's own variable is bound inside it: do not substitute it there.
            let inner = try body.transformed { (node) throws(Failure) -> Expression? in
                if case .variable(variable) = node { return node }
                return try rewrite(node)
            }
            return inner.isSameNode(as: body) ? self : .derivative(inner, variable: variable, order: order)
        case .derivativeBySubexpression(let body, let held, let order):
            let (newBody, newHeld) = (try body.transformed(rewrite), try held.transformed(rewrite))
            return newBody.isSameNode(as: body) && newHeld.isSameNode(as: held)
                ? self : .derivativeBySubexpression(newBody, subexpression: newHeld, order: order)
        }
    }
}
