import CalculusLanguage
import Glibc

/// The curves of `plot E1, E2 for x in a..b`, sampled and cut into pieces: a curve stops where the
/// expression is undefined (outside its domain) and breaks at a pole (`tan x`, `1/x`), so that a
/// picture never draws a vertical line through infinity. No drawing here: the renderer draws.
public struct PlotData: Sendable, Equatable {
    public struct Point: Sendable, Equatable {
        public var x: Double
        public var y: Double
    }

    public struct Curve: Sendable, Equatable {
        public var expression: Expression
        /// Pieces of the curve, each drawn as one line; the gaps between them are undefined or poles.
        public var segments: [[Point]]
    }

    public var variable: String
    public var from: Double
    public var to: Double
    public var curves: [Curve]
    /// Samples per curve.
    public var sampleCount: Int
}

extension Session {
    /// Samples per curve when the plot gives no `step`.
    public static let defaultPlotSamples = 401
    /// The most samples per curve.
    public static let maximumPlotSamples = 100_000

    func plot(
        _ expressions: [Expression], _ range: RangeSpecification, in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> PlotData {
        let base = evaluator(environment, isInterrupted)
        let from = try base.evaluate(range.from)
        let to = try base.evaluate(range.to)
        guard from < to else {
            throw CalculusError(.math, "a plot needs a range from low to high, not \(NumberFormatting.shortest(from))..\(NumberFormatting.shortest(to))")
        }
        var count = Self.defaultPlotSamples
        if let stepExpression = range.step {
            let step = try base.evaluate(stepExpression)
            guard step > 0 else { throw CalculusError(.math, "the step must be positive") }
            let steps = ((to - from) / step + 1e-9).rounded(.down)
            guard steps < Double(Self.maximumPlotSamples) else {
                throw CalculusError(.limit, "the plot would have \(NumberFormatting.shortest(steps + 1)) points per curve; at most \(Self.maximumPlotSamples)")
            }
            count = max(2, Int(steps) + 1)
        }
        let resolved = try expressions.map { (expression) throws(CalculusError) in
            try environment.checkCalls(in: expression)
            return expression.containsDerivative ? try resolve(expression, in: environment, isInterrupted: isInterrupted) : expression
        }
        let xs = (0..<count).map { from + (to - from) * Double($0) / Double(count - 1) }
        var curves: [PlotData.Curve] = []
        for (expression, body) in zip(expressions, resolved) {
            if isInterrupted() { throw CalculusError.interruptedByUser }
            // Undefined points (a MathError, or not finite) are gaps; a name with no value is the user's error.
            var sampler = base.with([range.variable: from])
            func value(at x: Double) throws(CalculusError) -> Double? {
                do {
                    sampler.setValue(x, of: range.variable)
                    let y = try sampler.evaluate(body)
                    return y.isFinite ? y : nil
                } catch where error.kind == .math {
                    return nil
                }
            }
            var ys: [Double?] = []
            ys.reserveCapacity(count)
            for x in xs { ys.append(try value(at: x)) }
            let jump = Self.poleJumpThreshold(ys.compactMap { $0 })
            var segments: [[PlotData.Point]] = []
            var current: [PlotData.Point] = []
            for index in xs.indices {
                guard let y = ys[index] else {
                    if !current.isEmpty { segments.append(current); current = [] }
                    continue
                }
                if let previous = current.last, Swift.abs(y - previous.y) > jump {
                    // A large jump is a pole when the function between the samples is not between them.
                    let middle = try value(at: (previous.x + xs[index]) / 2)
                    let low = Swift.min(previous.y, y), high = Swift.max(previous.y, y)
                    if middle.map({ $0 < low || $0 > high }) ?? true {
                        segments.append(current)
                        current = []
                    }
                }
                current.append(PlotData.Point(x: xs[index], y: y))
            }
            if !current.isEmpty { segments.append(current) }
            curves.append(PlotData.Curve(expression: expression, segments: segments))
        }
        return PlotData(variable: range.variable, from: from, to: to, curves: curves, sampleCount: count)
    }

    /// A jump between neighbouring samples larger than half the curve's typical spread (the middle
    /// 90% of its values) is checked for a pole.
    static func poleJumpThreshold(_ values: [Double]) -> Double {
        guard values.count > 2 else { return .infinity }
        let sorted = values.sorted()
        let low = sorted[Int(Double(sorted.count - 1) * 0.05)]
        let high = sorted[Int(Double(sorted.count - 1) * 0.95)]
        let spread = high - low
        return spread > 0 ? spread / 2 : .infinity
    }
}
