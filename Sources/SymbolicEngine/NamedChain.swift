import CalculusLanguage

/// The chain rule through the learner's own names, as the texts teach it: break the computation into
/// named quantities (`u = 3x + 1`, `y = u²`), differentiate each local step with the other names held
/// fixed (`dy/du = 2u`, `du/dx = 3`), multiply the local derivatives along each path from the output
/// to the variable, and add the paths (`dz/dx = ∂z/∂u·du/dx + ∂z/∂v·dv/dx`).
///
/// The names form a graph: an edge from a quantity to each name its definition uses that depends on
/// the variable. Names that do not depend on the variable are held fixed and are not in the graph.
public struct NamedChain: Hashable, Sendable {
    /// One edge: the local derivative of `quantity` with respect to `input`, every other name held fixed.
    public struct Link: Hashable, Sendable {
        public var quantity: String
        public var input: String
        /// Whether the quantity's definition has other names besides this input (then the local
        /// derivative is partial: `∂z/∂u`, where `dy/du` has nothing else to hold).
        public var isPartial: Bool
        /// The derivation of the quantity's definition with respect to the input, with its steps.
        public var derivation: Derivation
        public var local: Expression { derivation.result }
    }

    /// One path from the output down to the variable: the names it passes and the links it takes.
    public struct Path: Hashable, Sendable {
        public var names: [String]
        public var links: [Int]
    }

    /// The quantity differentiated (a name).
    public var output: String
    public var variable: String
    /// The output first, then every name between it and the variable (each before the names its
    /// definition uses), the variable last.
    public var names: [String]
    /// Grouped by quantity, in the order of `names`.
    public var links: [Link]
    /// The paths listed, at most `maximumListedPaths`, in the order a reader follows them.
    public var paths: [Path]
    /// How many paths there are in all (a double: a ladder of names has exponentially many).
    public var pathCount: Double
    /// The total derivative in the chain's names, each name's own total derivative written once:
    /// `dy/dx = Σ ∂y/∂m · dm/dx` over the names m that y uses. Not simplified: it is the rule as applied.
    public var total: Expression

    /// The indices in `links` of each quantity's local derivatives.
    public var linksByQuantity: [String: [Int]]

    /// The most paths listed one by one (as many as a reader is shown); the rest are counted.
    public static let maximumListedPaths = 8
    /// The written-out total, in nodes, past which the chain's answer is a `LimitError`.
    public static let maximumTotalSize = 400_000

    /// The chain from `output` to `variable`, or nil when no named quantity stands between them (a
    /// definition written straight in the variable has no chain to show). `definition` gives a
    /// defined name's expression in other names (nil for values and unbound names).
    public static func build(
        output: String, variable: String, definition: (String) throws(CalculusError) -> Expression?,
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) throws(CalculusError) -> NamedChain? {
        guard output != variable, let outputDefinition = try definition(output) else { return nil }

        // The names reachable from the output, inputs before the names that use them (post-order
        // on an explicit stack: a chain a thousand names long must not recurse).
        var definitions: [String: Expression] = [output: outputDefinition]
        var order: [String] = []
        var state: [String: Bool] = [:]  // false while its inputs are being visited, true when done
        var stack: [(String, Bool)] = [(output, false)]
        while let (name, inputsDone) = stack.popLast() {
            if inputsDone {
                state[name] = true
                order.append(name)
                continue
            }
            if state[name] != nil { continue }
            state[name] = false
            stack.append((name, true))
            guard name != variable, let expression = definitions[name] else { continue }
            // Pushed in the order of use, so the last used is finished first: read back from the
            // output, the names come in the order the definitions use them (z, u, v for z = u·v).
            for input in expression.freeVariables where state[input] == nil {
                if input != variable, definitions[input] == nil {
                    guard let inputDefinition = try definition(input) else { continue }
                    definitions[input] = inputDefinition
                }
                stack.append((input, false))
            }
        }

        // Which names depend on the variable (inputs come first in `order`).
        var dependent: Set<String> = [variable]
        for name in order where name != variable {
            if definitions[name]!.freeVariables.contains(where: dependent.contains) { dependent.insert(name) }
        }
        guard dependent.contains(output) else { return nil }
        let between = order.filter { dependent.contains($0) && $0 != variable && $0 != output }
        guard !between.isEmpty else { return nil }

        let differentiator = SymbolicDifferentiator(isInterrupted: isInterrupted)
        var links: [Link] = []
        var linksOf: [String: [Int]] = [:]
        let names = [output] + between.reversed() + [variable]
        for name in names.dropLast() {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            let expression = definitions[name]!
            let used = expression.freeVariables
            for input in used where dependent.contains(input) {
                let derivation = try differentiator.derivation(of: expression, variable: input, order: 1)
                linksOf[name, default: []].append(links.count)
                links.append(Link(quantity: name, input: input, isPartial: used.count > 1, derivation: derivation))
            }
        }

        // Each name's total derivative, inputs first: d(name)/dx = Σ local · d(input)/dx.
        var totals: [String: Expression] = [variable: .one]
        var sizes: [String: Int] = [variable: 1]
        var counts: [String: Double] = [variable: 1]
        for name in names.reversed().dropFirst() {
            var sum: Expression?
            var size = 0
            var count = 0.0
            for index in linksOf[name] ?? [] {
                let link = links[index]
                let term = Self.multiplied(link.local, totals[link.input]!)
                size += link.local.nodeCount + sizes[link.input]! + 2
                count += counts[link.input]!
                sum = sum.map { .binary(.add, $0, term) } ?? term
            }
            if size > maximumTotalSize {
                throw CalculusError(
                    .limit, "d\(output)/d\(variable) through these names has more than \(maximumTotalSize) terms written out; "
                        + "grad \(output) wrt \(variable) gives its value")
            }
            totals[name] = sum ?? .zero
            sizes[name] = size
            counts[name] = count
        }

        // The first paths, depth first in the order the links were made.
        var paths: [Path] = []
        var pending: [(names: [String], links: [Int])] = [([output], [])]
        // Listing copies each path as it grows: bounded, so that long paths cost no more than a few listed.
        var work = 0
        while let partial = pending.popLast(), paths.count < maximumListedPaths, work < 1_000_000 {
            work += partial.names.count
            let last = partial.names.last!
            if last == variable {
                paths.append(Path(names: partial.names, links: partial.links))
                continue
            }
            for index in (linksOf[last] ?? []).reversed() {
                pending.append((partial.names + [links[index].input], partial.links + [index]))
            }
        }
        return NamedChain(
            output: output, variable: variable, names: names, links: links, paths: paths, pathCount: counts[output] ?? 0,
            total: totals[output]!, linksByQuantity: linksOf)
    }

    /// `a·b` without a factor of 1.
    static func multiplied(_ a: Expression, _ b: Expression) -> Expression {
        if case .number(1) = b { return a }
        if case .number(1) = a { return b }
        return .binary(.multiply, a, b)
    }

    /// The product of a path's local derivatives, as the rule writes it (`2u·3`).
    public func product(of path: Path) -> Expression {
        path.links.map { links[$0].local }.reduce(nil as Expression?) { product, factor in
            product.map { .binary(.multiply, $0, factor) } ?? factor
        } ?? .one
    }
}
