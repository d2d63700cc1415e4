import CMPFR

/// Evaluates an expression written out in numbers (no names, calls or derivatives left) with GNU
/// MPFR, at precisions that double until two in a row round to the same double: the value a double
/// evaluation cannot vouch for when a sum cancels most of its digits (`(1 - cos(x))/x²` near 0).
/// Each MPFR operation is correctly rounded, so doubling the precision settles every printed digit.
public enum PreciseEvaluator {
    /// The first precision tried, in bits, and the last: 8,192 bits is about 2,500 decimal digits.
    static let startingBits = 128
    static let maximumBits = 8_192

    /// The value rounded to the nearest double, or nil when the expression has something MPFR is not
    /// asked to evaluate (a name, a call, a derivative) or leaves its domain at some precision.
    public static func value(of expression: Expression) -> Double? {
        var previous: Double?
        var bits = startingBits
        while bits <= maximumBits {
            guard let value = evaluate(expression, bits: bits) else { return nil }
            if value == previous { return value }
            previous = value
            bits *= 2
        }
        return previous
    }

    /// One number of `bits` precision, freed with its owner.
    final class Number {
        let pointer: UnsafeMutablePointer<__mpfr_struct>

        init(bits: Int) {
            pointer = .allocate(capacity: 1)
            mpfr_init2(pointer, mpfr_prec_t(bits))
        }

        deinit {
            mpfr_clear(pointer)
            pointer.deallocate()
        }

        var double: Double { mpfr_get_d(pointer, MPFR_RNDN) }
        var isFinite: Bool { mpfr_number_p(pointer) != 0 }
        var sign: Int32 { mpfr_cmp_si(pointer, 0) }
    }

    static func evaluate(_ expression: Expression, bits: Int) -> Double? {
        guard let result = number(expression, bits: bits), result.isFinite else { return nil }
        let value = result.double
        return value.isFinite ? value : nil
    }

    /// The expression's value at `bits` precision; nil outside a domain or for a node it does not take.
    static func number(_ expression: Expression, bits: Int) -> Number? {
        let result = Number(bits: bits)
        let r = result.pointer
        switch expression {
        case .number(let value):
            mpfr_set_d(r, value, MPFR_RNDN)
        case .constant(.pi):
            mpfr_const_pi(r, MPFR_RNDN)
        case .constant(.e):
            mpfr_set_si(r, 1, MPFR_RNDN)
            mpfr_exp(r, r, MPFR_RNDN)
        case .negate(let operand):
            guard let a = number(operand, bits: bits) else { return nil }
            mpfr_neg(r, a.pointer, MPFR_RNDN)
        case .binary(let op, let left, let right):
            guard let a = number(left, bits: bits), let b = number(right, bits: bits) else { return nil }
            switch op {
            case .add: mpfr_add(r, a.pointer, b.pointer, MPFR_RNDN)
            case .subtract: mpfr_sub(r, a.pointer, b.pointer, MPFR_RNDN)
            case .multiply: mpfr_mul(r, a.pointer, b.pointer, MPFR_RNDN)
            case .divide:
                guard b.sign != 0 else { return nil }
                mpfr_div(r, a.pointer, b.pointer, MPFR_RNDN)
            case .power: mpfr_pow(r, a.pointer, b.pointer, MPFR_RNDN)
            }
        case .builtin(let function, let argument):
            guard let a = number(argument, bits: bits) else { return nil }
            apply(function, a.pointer, into: r)
        case .variable, .call, .prime, .derivative, .derivativeBySubexpression:
            return nil
        }
        return result.isFinite ? result : nil
    }

    static func apply(_ function: Builtin, _ a: UnsafeMutablePointer<__mpfr_struct>, into r: UnsafeMutablePointer<__mpfr_struct>) {
        switch function {
        case .sin: mpfr_sin(r, a, MPFR_RNDN)
        case .cos: mpfr_cos(r, a, MPFR_RNDN)
        case .tan: mpfr_tan(r, a, MPFR_RNDN)
        case .sec: mpfr_sec(r, a, MPFR_RNDN)
        case .csc: mpfr_csc(r, a, MPFR_RNDN)
        case .cot: mpfr_cot(r, a, MPFR_RNDN)
        case .asin: mpfr_asin(r, a, MPFR_RNDN)
        case .acos: mpfr_acos(r, a, MPFR_RNDN)
        case .atan: mpfr_atan(r, a, MPFR_RNDN)
        case .sinh: mpfr_sinh(r, a, MPFR_RNDN)
        case .cosh: mpfr_cosh(r, a, MPFR_RNDN)
        case .tanh: mpfr_tanh(r, a, MPFR_RNDN)
        case .exp: mpfr_exp(r, a, MPFR_RNDN)
        case .ln: mpfr_log(r, a, MPFR_RNDN)
        case .sqrt: mpfr_sqrt(r, a, MPFR_RNDN)
        case .abs: mpfr_abs(r, a, MPFR_RNDN)
        case .sigmoid:
            // 1/(1 + e^(-u)): MPFR's exponent range is vast, so neither form overflows.
            mpfr_neg(r, a, MPFR_RNDN)
            mpfr_exp(r, r, MPFR_RNDN)
            mpfr_add_si(r, r, 1, MPFR_RNDN)
            mpfr_si_div(r, 1, r, MPFR_RNDN)
        case .softplus:
            mpfr_exp(r, a, MPFR_RNDN)
            mpfr_log1p(r, r, MPFR_RNDN)
        case .relu:
            if mpfr_cmp_si(a, 0) > 0 { mpfr_set(r, a, MPFR_RNDN) } else { mpfr_set_si(r, 0, MPFR_RNDN) }
        case .sign:
            let sign = mpfr_cmp_si(a, 0)
            mpfr_set_si(r, sign > 0 ? 1 : (sign < 0 ? -1 : 0), MPFR_RNDN)
        case .heaviside:
            mpfr_set_si(r, mpfr_cmp_si(a, 0) > 0 ? 1 : 0, MPFR_RNDN)
        }
    }
}
