import CalculusLanguage

/// A small, seeded random number generator, so that every run generates the same expressions.
public struct SplitMix64: RandomNumberGenerator {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Generates expressions in the shapes the parser produces (it folds `-2` into a number and reads
/// `e^u` as `exp(u)`, so those two shapes are never generated as anything else).
public struct ExpressionGenerator {
    public var random: SplitMix64
    public let names = ["x", "y", "w1", "θ", "loss", "b", "z_2"]
    public let numbers: [Double] = [0, 1, 2, 3, 10, 0.5, 2.5, 0.1, 1e-5, 1e20, 123.456, 0.016966349814049132]

    public init(random: SplitMix64) { self.random = random }

    public mutating func pick<T>(_ items: [T]) -> T { items[Int(random.next() % UInt64(items.count))] }
    public mutating func chance(_ percent: UInt64) -> Bool { random.next() % 100 < percent }

    public mutating func leaf() -> Expression {
        switch random.next() % 5 {
        case 0: return .number(pick(numbers))
        case 1: return .number(-pick(numbers.filter { $0 != 0 }))
        case 2: return .constant(pick(MathConstant.allCases))
        default: return .variable(pick(names))
        }
    }

    public mutating func expression(depth: Int) -> Expression {
        if depth == 0 || chance(20) { return leaf() }
        switch random.next() % 12 {
        case 0: return .binary(.add, expression(depth: depth - 1), expression(depth: depth - 1))
        case 1: return .binary(.subtract, expression(depth: depth - 1), expression(depth: depth - 1))
        case 2, 3: return .binary(.multiply, expression(depth: depth - 1), expression(depth: depth - 1))
        case 4: return .binary(.divide, expression(depth: depth - 1), expression(depth: depth - 1))
        case 5:
            let base = expression(depth: depth - 1)
            if case .constant(.e) = base { return .builtin(.exp, expression(depth: depth - 1)) }
            return .binary(.power, base, chance(50) ? .number(pick([2, 3, -1, 0.5, 10])) : expression(depth: depth - 1))
        case 6:
            let operand = expression(depth: depth - 1)
            if case .number = operand { return .negate(.variable(pick(names))) }
            return .negate(operand)
        case 7, 8: return .builtin(pick(Builtin.allCases), expression(depth: depth - 1))
        case 9:
            return chance(50) ? .call("f", [expression(depth: depth - 1)])
                : .call("L", [expression(depth: depth - 1), expression(depth: depth - 1)])
        case 10: return .prime("g", order: Int(1 + random.next() % 2), [expression(depth: depth - 1)])
        default:
            return .derivative(expression(depth: depth - 1), variable: pick(["x", "w1", "θ"]), order: Int(1 + random.next() % 3))
        }
    }
}

/// What the kernel prints, it reads: parse(print(e)) == e for both printed forms.
