import CalculusLanguage

/// A numeric coefficient: an exact fraction while every operation keeps it exact (so that
/// `d/dx x^(1/3)` is `x^(-2/3)/3`, not `0.3333333333333333·x^-0.6666666666666666`), else a double.
enum Coefficient: Hashable, Sendable {
    case rational(Int, Int)
    case real(Double)

    static let zero = Coefficient.rational(0, 1)
    static let one = Coefficient.rational(1, 1)
    static let minusOne = Coefficient.rational(-1, 1)

    /// Integers become exact; anything else stays a double (users' decimals stay decimals).
    init(_ value: Double) {
        if let whole = Int(exactly: value), abs(whole) < 1_000_000_000_000_000 {
            self = .rational(whole, 1)
        } else {
            self = .real(value)
        }
    }

    static func fraction(_ numerator: Int, _ denominator: Int) -> Coefficient {
        guard denominator != 0 else { return .real(Double(numerator) / 0) }
        var p = numerator
        var q = denominator
        if q < 0 { (p, q) = (-p, -q) }
        let divisor = gcd(abs(p), q)
        return .rational(p / max(divisor, 1), q / max(divisor, 1))
    }

    static func gcd(_ a: Int, _ b: Int) -> Int {
        var (a, b) = (a, b)
        while b != 0 { (a, b) = (b, a % b) }
        return a
    }

    var doubleValue: Double {
        switch self {
        case .rational(let p, let q): Double(p) / Double(q)
        case .real(let value): value
        }
    }

    var isZero: Bool { doubleValue == 0 }
    var isOne: Bool { self == .one || self == .real(1) }
    var isNegative: Bool { doubleValue < 0 }
    /// A double that `Coefficient(_:)` would read back as an exact integer.
    var isWholeDouble: Bool {
        if case .real(let value) = self, case .rational = Coefficient(value) { return true }
        return false
    }
    var isInteger: Bool {
        if case .rational(_, 1) = self { return true }
        return false
    }

    var magnitude: Coefficient {
        switch self {
        case .rational(let p, let q): .rational(abs(p), q)
        case .real(let value): .real(abs(value))
        }
    }

    static prefix func - (c: Coefficient) -> Coefficient {
        switch c {
        case .rational(let p, let q): .rational(-p, q)
        case .real(let value): .real(-value)
        }
    }

    static func + (a: Coefficient, b: Coefficient) -> Coefficient {
        if case .rational(let p, let q) = a, case .rational(let r, let s) = b {
            let (ps, o1) = p.multipliedReportingOverflow(by: s)
            let (rq, o2) = r.multipliedReportingOverflow(by: q)
            let (qs, o3) = q.multipliedReportingOverflow(by: s)
            let (sum, o4) = ps.addingReportingOverflow(rq)
            if !(o1 || o2 || o3 || o4) { return fraction(sum, qs) }
        }
        return Coefficient(a.doubleValue + b.doubleValue).realIfInexact(a, b)
    }

    static func * (a: Coefficient, b: Coefficient) -> Coefficient {
        if case .rational(let p, let q) = a, case .rational(let r, let s) = b {
            let (pr, o1) = p.multipliedReportingOverflow(by: r)
            let (qs, o2) = q.multipliedReportingOverflow(by: s)
            if !(o1 || o2) { return fraction(pr, qs) }
        }
        return Coefficient(a.doubleValue * b.doubleValue).realIfInexact(a, b)
    }

    var reciprocal: Coefficient? {
        switch self {
        case .rational(let p, let q): p == 0 ? nil : .fraction(q, p)
        case .real(let value): value == 0 ? nil : .real(1 / value)
        }
    }

    /// `self^n` for a whole `n`, exact where it stays small.
    func power(_ n: Int) -> Coefficient? {
        if n < 0 { return reciprocal?.power(-n) }
        var result = Coefficient.one
        for _ in 0..<min(n, 4096) { result = result * self }
        return n > 4096 ? nil : result
    }

    /// A double result of mixing with a real stays real, even when it happens to be whole.
    private func realIfInexact(_ a: Coefficient, _ b: Coefficient) -> Coefficient {
        if case .real = a { return .real(doubleValue) }
        if case .real = b { return .real(doubleValue) }
        return self
    }

    /// The coefficient as an expression: `3`, `-2`, `1/3`, `0.1`.
    var expression: Expression {
        switch self {
        case .rational(0, 1): .zero
        case .rational(1, 1): .one
        case .rational(let p, 1): .number(Double(p))
        case .rational(let p, let q): .binary(.divide, .number(Double(p)), .number(Double(q)))
        case .real(let value): .number(value)
        }
    }
}
