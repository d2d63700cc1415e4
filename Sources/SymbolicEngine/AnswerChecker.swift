import CalculusLanguage

/// "Check your answer": decides whether two expressions are the same function, by structure where
/// simplification shows it and by sampling points inside the domain where it does not.
public struct AnswerChecker: Sendable {
    public struct Verdict: Sendable {
        public var isEqual: Bool
        public var method: String
        public var counterexample: (point: [String: Double], answer: Double, expected: Double)?
    }

    /// Sample values, spread and irregular so that special points (0, 1, π/2) are unlikely.
    static let samples: [Double] = [0.7317, 1.3183, -0.4129, 2.1377, 0.3521, -1.6093, 2.9047, 0.0531, -2.4463, 1.8866, -0.8711, 3.3303]

    public init() {}

    public func compare(
        answer: Expression, expected: Expression, evaluator: NumericEvaluator
    ) throws(CalculusError) -> Verdict {
        let simplifier = Simplifier()
        let difference = simplifier.simplify(.binary(.subtract, answer, expected))
        if difference == .number(0) {
            return Verdict(isEqual: true, method: "identical after simplifying", counterexample: nil)
        }
        let known = evaluator.environment.values.merging(evaluator.overrides) { $1 }
        var names = Array(Set(answer.freeVariables + expected.freeVariables)).filter { known[$0] == nil }
        names.sort()
        var agreed = 0
        var compared = 0
        // Of the points where they differ, show the one where they differ most (clearest to a student).
        var clearest: (point: [String: Double], answer: Double, expected: Double, gap: Double)?
        for trial in 0..<48 {
            var point: [String: Double] = [:]
            for (offset, name) in names.enumerated() {
                point[name] = Self.samples[(trial * 5 + offset * 7) % Self.samples.count] * (trial >= 24 ? 0.37 : 1)
            }
            let at = evaluator.with(point)
            guard let a = try? at.evaluate(answer), let b = try? at.evaluate(expected) else { continue }
            compared += 1
            let scale = Swift.max(1, Swift.abs(a), Swift.abs(b))
            let gap = Swift.abs(a - b) / scale
            if gap > 1e-9 {
                if gap > clearest?.gap ?? 0 { clearest = (point, a, b, gap) }
            } else {
                agreed += 1
            }
            if compared >= 12 { break }
        }
        if let clearest {
            return Verdict(isEqual: false, method: "differs at a sample point",
                           counterexample: (clearest.point, clearest.answer, clearest.expected))
        }
        guard agreed >= 3 else {
            throw CalculusError(.math, "could not find points where both expressions are defined to compare them")
        }
        return Verdict(isEqual: true, method: "equal at \(agreed) sample points", counterexample: nil)
    }
}
