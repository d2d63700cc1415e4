import Foundation

/// Numbers print as the shortest decimal that reads back to the same double:
/// `1248`, `0.25`, `0.016966349814049132`, `1e-05`.
public enum NumberFormatting {
    public static func shortest(_ value: Double) -> String {
        if value == 0 { return "0" }  // also for -0.0
        if value.isNaN { return "nan" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        if value == value.rounded(), abs(value) < 1e16 { return String(Int64(value)) }
        var text = value.description  // Swift prints the shortest round-tripping form.
        if text.utf8.count > 2, text.utf8.last == UInt8(ascii: "0"), text.utf8.dropLast().last == UInt8(ascii: ".") {
            text.removeLast(2)
        }
        return text
    }

    /// For reading in a table: six significant digits (`0.0169663`, `4.24835e-18`), and a value that
    /// needs no more than that in full (`1248`, `0.25`). Plain text and JSON keep `shortest`.
    public static func readable(_ value: Double) -> String {
        guard value.isFinite, value != 0 else { return shortest(value) }
        // A whole number of at most six digits is its own six-digit form.
        if value == value.rounded(), abs(value) < 1e6 { return shortest(value) }
        let six = String(format: "%.6g", value)
        if Double(six) == value { return shortest(value) }
        return six
    }
}
