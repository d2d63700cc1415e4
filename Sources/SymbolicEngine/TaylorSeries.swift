import CalculusLanguage

/// Exact Taylor coefficients by series arithmetic (as computer algebra systems expand series): every
/// node of the expression becomes its truncated series about the point, combined by the rules for
/// sums, products, quotients and each built-in (`exp(u)` from `e′ = e·u′`, `sin`/`cos` as a pair, a
/// quotient by long division). It answers only where every coefficient is an exact fraction: the
/// point and every number rational, and each built-in at a base value where its own value is (`e⁰`,
/// `sin(0)`, `ln(1)`). Elsewhere (`sin` about 1, a name without a value, a fraction past 128 bits) it
/// gives nil, and the coefficients come from the derivatives instead (`TaylorExpansion`).
/// Repeated differentiation of `tan` twenty times builds polynomials in `sec` and `tan` of growing
/// size; its series takes a few hundred fraction operations.
public enum TaylorSeries {
    /// A fraction of 128-bit integers in lowest terms, denominator positive.
    public struct Fraction: Hashable, Sendable {
        public var numerator: Int128
        public var denominator: Int128

        static let zero = Fraction(0)
        static let one = Fraction(1)

        init(_ whole: Int128) {
            numerator = whole
            denominator = 1
        }

        /// nil when the denominator is 0.
        init?(_ numerator: Int128, _ denominator: Int128) {
            guard denominator != 0 else { return nil }
            let divisor = Self.gcd(numerator.magnitude, denominator.magnitude)
            let sign: Int128 = denominator < 0 ? -1 : 1
            self.numerator = sign * numerator / Int128(divisor)
            self.denominator = sign * denominator / Int128(divisor)
        }

        /// The fraction a double is exactly, when it is a decimal of at most 15 significant digits
        /// that reads back as itself (`0.35` is 7/20), else nil.
        init?(exactly value: Double) {
            guard value.isFinite else { return nil }
            var scale: Int128 = 1
            var scaled = value
            for _ in 0..<16 {
                if scaled == scaled.rounded(), Swift.abs(scaled) < 1e17 {
                    self.init(Int128(scaled), scale)
                    return
                }
                scale *= 10
                scaled = value * Double(scale)
            }
            return nil
        }

        static func gcd(_ a: UInt128, _ b: UInt128) -> UInt128 {
            // In 64 bits where both fit: 128-bit division is done in software, several times slower.
            if let small = UInt64(exactly: a), let other = UInt64(exactly: b) {
                var (a, b) = (small, other)
                while b != 0 { (a, b) = (b, a % b) }
                return a == 0 ? 1 : UInt128(a)
            }
            var (a, b) = (a, b)
            while b != 0 { (a, b) = (b, a % b) }
            return a == 0 ? 1 : a
        }

        var isZero: Bool { numerator == 0 }

        static func + (a: Fraction, b: Fraction) throws(Overflow) -> Fraction {
            // Over the least common denominator, cross-reduced first, so that sums of k! terms stay small.
            let divisor = Int128(gcd(a.denominator.magnitude, b.denominator.magnitude))
            let (left, o1) = a.numerator.multipliedReportingOverflow(by: b.denominator / divisor)
            let (right, o2) = b.numerator.multipliedReportingOverflow(by: a.denominator / divisor)
            let (sum, o3) = left.addingReportingOverflow(right)
            let (denominator, o4) = a.denominator.multipliedReportingOverflow(by: b.denominator / divisor)
            guard !(o1 || o2 || o3 || o4), let result = Fraction(sum, denominator) else { throw Overflow() }
            return result
        }

        static func * (a: Fraction, b: Fraction) throws(Overflow) -> Fraction {
            let g1 = Int128(gcd(a.numerator.magnitude, b.denominator.magnitude))
            let g2 = Int128(gcd(b.numerator.magnitude, a.denominator.magnitude))
            let (numerator, o1) = (a.numerator / g1).multipliedReportingOverflow(by: b.numerator / g2)
            let (denominator, o2) = (a.denominator / g2).multipliedReportingOverflow(by: b.denominator / g1)
            guard !(o1 || o2), let result = Fraction(numerator, denominator) else { throw Overflow() }
            return result
        }

        static prefix func - (a: Fraction) -> Fraction {
            var negated = a
            negated.numerator = -a.numerator
            return negated
        }

        static func - (a: Fraction, b: Fraction) throws(Overflow) -> Fraction { try a + (-b) }

        func dividedBy(_ b: Fraction) throws(Overflow) -> Fraction {
            guard let inverse = Fraction(b.denominator, b.numerator) else { throw Overflow() }
            return try self * inverse
        }

        public var doubleValue: Double { Self.double(numerator) / Self.double(denominator) }

        /// Through Int64 where it fits: the generic 128-bit conversion is many times slower.
        static func double(_ value: Int128) -> Double {
            if let small = Int64(exactly: value) { return Double(small) }
            return Double(value)
        }

        /// `3`, `-1/6`: as the language writes it (nil when a part is past a double's exact integers).
        public var expression: Expression? {
            let limit: Int128 = 1 << 53
            guard numerator.magnitude < limit.magnitude, denominator < limit else { return nil }
            let top = Expression.number(Self.double(numerator))
            return denominator == 1 ? top : .binary(.divide, top, .number(Self.double(denominator)))
        }
    }

    /// Thrown where the series stops being exact; the caller falls back to derivatives.
    struct Overflow: Error {}

    typealias Series = [Fraction]

    /// The coefficients c₀…c_order of `expression` about `variable = point`, or nil where they are
    /// not all exact fractions.
    public static func coefficients(
        of expression: Expression, variable: String, point: Expression, order: Int
    ) -> [Fraction]? {
        guard let a = rational(point) else { return nil }
        var run = Run(variable: variable, point: a, count: order + 1)
        return try? run.series(expression)
    }

    /// A number written with digits and fractions (`1/2`, `-3`), not π or e.
    static func rational(_ expression: Expression) -> Fraction? {
        switch expression {
        case .number(let value): return Fraction(exactly: value)
        case .negate(let inner): return rational(inner).map { -$0 }
        case .binary(let op, let left, let right):
            guard let a = rational(left), let b = rational(right) else { return nil }
            switch op {
            case .add: return try? a + b
            case .subtract: return try? a - b
            case .multiply: return try? a * b
            case .divide: return b.isZero ? nil : try? a.dividedBy(b)
            case .power:
                guard b.denominator == 1, b.numerator.magnitude <= 64 else { return nil }
                var result = Fraction.one
                for _ in 0..<Int(b.numerator.magnitude) { guard let next = try? result * a else { return nil }; result = next }
                return b.numerator < 0 ? (result.isZero ? nil : try? Fraction.one.dividedBy(result)) : result
            }
        default: return nil
        }
    }

    struct Run {
        let variable: String
        let point: Fraction
        let count: Int

        func constant(_ value: Fraction) -> Series {
            var series = Series(repeating: .zero, count: count)
            series[0] = value
            return series
        }

        mutating func series(_ expression: Expression) throws(Overflow) -> Series {
            switch expression {
            case .number(let value):
                guard let exact = Fraction(exactly: value) else { throw Overflow() }
                return constant(exact)
            case .variable(let name):
                guard name == variable else { throw Overflow() }
                var series = constant(point)
                if count > 1 { series[1] = .one }
                return series
            case .negate(let inner):
                return try series(inner).map { -$0 }
            case .binary(.add, let a, let b):
                return try Self.add(try series(a), try series(b))
            case .binary(.subtract, let a, let b):
                return try Self.add(try series(a), try series(b).map { -$0 })
            case .binary(.multiply, let a, let b):
                return try Self.multiply(try series(a), try series(b))
            case .binary(.divide, let a, let b):
                return try Self.divide(try series(a), try series(b))
            case .binary(.power, let base, let exponent):
                guard let n = rational(exponent) else { throw Overflow() }
                return try power(try series(base), n)
            case .builtin(let function, let argument):
                return try builtin(function, try series(argument))
            case .constant, .call, .prime, .derivative, .derivativeBySubexpression:
                throw Overflow()
            }
        }

        static func add(_ a: Series, _ b: Series) throws(Overflow) -> Series {
            var sum = a
            for k in sum.indices { sum[k] = try a[k] + b[k] }
            return sum
        }

        static func multiply(_ a: Series, _ b: Series) throws(Overflow) -> Series {
            var product = Series(repeating: .zero, count: a.count)
            for k in a.indices {
                var total = Fraction.zero
                for j in 0...k where !a[j].isZero && !b[k - j].isZero { total = try total + (try a[j] * b[k - j]) }
                product[k] = total
            }
            return product
        }

        /// a/b by long division; b's constant term must not be 0 (a pole, or a limit this does not take).
        static func divide(_ a: Series, _ b: Series) throws(Overflow) -> Series {
            guard !b[0].isZero else { throw Overflow() }
            var quotient = Series(repeating: .zero, count: a.count)
            for k in a.indices {
                var rest = a[k]
                for j in stride(from: 1, through: k, by: 1) where !b[j].isZero && !quotient[k - j].isZero {
                    rest = try rest - (try b[j] * quotient[k - j])
                }
                quotient[k] = try rest.dividedBy(b[0])
            }
            return quotient
        }

        /// Σ j·uⱼ·vₖ₋ⱼ for j = 1…k, the k-th coefficient of x·u′·v that the recurrences below divide by k.
        static func weighted(_ u: Series, _ v: Series, _ k: Int) throws(Overflow) -> Fraction {
            var total = Fraction.zero
            for j in stride(from: 1, through: k, by: 1) where !u[j].isZero && !v[k - j].isZero {
                total = try total + (try Fraction(Int128(j)) * (try u[j] * v[k - j]))
            }
            return total
        }

        /// uⁿ: whole n by repeated products, otherwise (1 + …)ⁿ by its recurrence (only where u starts at 1).
        func power(_ u: Series, _ n: Fraction) throws(Overflow) -> Series {
            if n.denominator == 1, n.numerator.magnitude <= 64 {
                var result = constant(.one)
                for _ in 0..<Int(n.numerator.magnitude) { result = try Self.multiply(result, u) }
                return n.numerator < 0 ? try Self.divide(constant(.one), result) : result
            }
            guard u[0] == .one else { throw Overflow() }
            // p = uⁿ satisfies u·p′ = n·u′·p: k·pₖ = Σ (n·j − (k − j))·uⱼ·pₖ₋ⱼ.
            var p = constant(.one)
            for k in stride(from: 1, to: count, by: 1) {
                var total = Fraction.zero
                for j in 1...k where !u[j].isZero {
                    let weight = try (try n * Fraction(Int128(j))) - Fraction(Int128(k - j))
                    total = try total + (try weight * (try u[j] * p[k - j]))
                }
                p[k] = try total.dividedBy(Fraction(Int128(k)))
            }
            return p
        }

        /// e^u for u starting at 0: k·eₖ = Σ j·uⱼ·eₖ₋ⱼ.
        func exponential(_ u: Series) throws(Overflow) -> Series {
            guard u[0].isZero else { throw Overflow() }
            var e = constant(.one)
            for k in stride(from: 1, to: count, by: 1) { e[k] = try (try Self.weighted(u, e, k)).dividedBy(Fraction(Int128(k))) }
            return e
        }

        /// sin(u) and cos(u) (or sinh and cosh) together, for u starting at 0.
        func sineAndCosine(_ u: Series, hyperbolic: Bool) throws(Overflow) -> (Series, Series) {
            guard u[0].isZero else { throw Overflow() }
            var s = constant(.zero)
            var c = constant(.one)
            for k in stride(from: 1, to: count, by: 1) {
                let size = Fraction(Int128(k))
                s[k] = try (try Self.weighted(u, c, k)).dividedBy(size)
                let next = try (try Self.weighted(u, s, k)).dividedBy(size)
                c[k] = hyperbolic ? next : -next
            }
            return (s, c)
        }

        /// The integral of a series with constant term `start`: for atan, asin, ln from their derivatives.
        func integral(of derivative: Series, start: Fraction) throws(Overflow) -> Series {
            var result = constant(start)
            for k in stride(from: 1, to: count, by: 1) { result[k] = try derivative[k - 1].dividedBy(Fraction(Int128(k))) }
            return result
        }

        func derivative(_ u: Series) throws(Overflow) -> Series {
            var result = constant(.zero)
            for k in stride(from: 0, to: count - 1, by: 1) { result[k] = try Fraction(Int128(k + 1)) * u[k + 1] }
            return result
        }

        func builtin(_ function: Builtin, _ u: Series) throws(Overflow) -> Series {
            let one = constant(.one)
            switch function {
            case .exp: return try exponential(u)
            case .sin: return try sineAndCosine(u, hyperbolic: false).0
            case .cos: return try sineAndCosine(u, hyperbolic: false).1
            case .tan:
                let (s, c) = try sineAndCosine(u, hyperbolic: false)
                return try Self.divide(s, c)
            case .sec: return try Self.divide(one, try sineAndCosine(u, hyperbolic: false).1)
            case .sinh: return try sineAndCosine(u, hyperbolic: true).0
            case .cosh: return try sineAndCosine(u, hyperbolic: true).1
            case .tanh:
                let (s, c) = try sineAndCosine(u, hyperbolic: true)
                return try Self.divide(s, c)
            case .sigmoid:
                // 1/(1 + e^(-u)): e^(-u) starts at 1, so the denominator starts at 2.
                return try Self.divide(one, try Self.add(one, try exponential(u.map { -$0 })))
            case .ln:
                // ln(u) for u starting at 1: the integral of u′/u.
                guard u[0] == .one else { throw Overflow() }
                return try integral(of: try Self.divide(try derivative(u), u), start: .zero)
            case .sqrt:
                return try power(u, Fraction(1, 2)!)
            case .atan:
                guard u[0].isZero else { throw Overflow() }
                return try integral(of: try Self.divide(try derivative(u), try Self.add(one, try Self.multiply(u, u))), start: .zero)
            case .asin:
                guard u[0].isZero else { throw Overflow() }
                let root = try power(try Self.add(one, try Self.multiply(u, u).map { -$0 }), Fraction(1, 2)!)
                return try integral(of: try Self.divide(try derivative(u), root), start: .zero)
            case .relu:
                guard !u[0].isZero else { throw Overflow() }
                return u[0].numerator > 0 ? u : constant(.zero)
            case .abs:
                guard !u[0].isZero else { throw Overflow() }
                return u[0].numerator > 0 ? u : u.map { -$0 }
            case .csc, .cot, .acos, .softplus, .sign, .heaviside:
                // Their values at the points this reaches are not fractions (or they have a pole there).
                throw Overflow()
            }
        }
    }
}
