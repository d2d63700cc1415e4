import CalculusLanguage
import Glibc

/// `explore STATEMENT with a in lo..hi`: the statement, its sliders, and its result at their values.
public struct ExploreResult: Sendable, Equatable {
    public struct SliderState: Sendable, Equatable {
        public var name: String
        public var minimum: Double
        public var maximum: Double
        public var step: Double
        public var value: Double
    }

    public var statement: Statement
    public var sliders: [SliderState]
    /// The statement's result at the sliders' values, or the error it gave there (a pole, say).
    public var outcome: Outcome

    public enum Outcome: Sendable, Equatable {
        case result(StatementResult)
        case error(CalculusError)
    }

    public var values: [String: Double] { Dictionary(uniqueKeysWithValues: sliders.map { ($0.name, $0.value) }) }
}

extension Session {
    /// Steps a slider has when `explore` gives none: a hundred across its range.
    static let defaultSliderSteps = 100.0

    func explore(
        _ statement: Statement, sliders: [RangeSpecification], in environment: Environment, isInterrupted: @escaping @Sendable () -> Bool
    ) throws(CalculusError) -> ExploreResult {
        let base = evaluator(environment, isInterrupted)
        var states: [ExploreResult.SliderState] = []
        for slider in sliders {
            let low = try base.evaluate(slider.from)
            let high = try base.evaluate(slider.to)
            guard low < high else {
                throw CalculusError(
                    .math, "a slider goes from low to high, not \(NumberFormatting.shortest(low))..\(NumberFormatting.shortest(high))",
                    symbol: slider.variable)
            }
            let step = try slider.step.map { (step) throws(CalculusError) in try base.evaluate(step) } ?? (high - low) / Self.defaultSliderSteps
            guard step > 0, step <= high - low else {
                throw CalculusError(.math, "the step of \(slider.variable)'s slider must be positive and at most its range", symbol: slider.variable)
            }
            // It starts in the middle of its range, on a step.
            let middle = low + ((high - low) / 2 / step).rounded(.down) * step
            states.append(.init(name: slider.variable, minimum: low, maximum: high, step: step, value: Self.onStep(middle)))
        }
        var result = ExploreResult(statement: statement, sliders: states, outcome: .error(CalculusError(.math, "")))
        result.outcome = explore(statement, at: result.values, sliders: states, in: environment, isInterrupted: isInterrupted)
        return result
    }

    /// A slider's value without the last bit of a sum of steps (0.30000000000000004 is 0.3): twelve
    /// significant digits, as a front end's slider steps in decimals.
    public static func onStep(_ value: Double) -> Double {
        guard value != 0, value.isFinite else { return value }
        let scale = Glibc.pow(10, 11 - Glibc.floor(Glibc.log10(Swift.abs(value))))
        return (value * scale).rounded() / scale
    }

    /// Runs `statement` with the slider names bound to `values`, in a copy of the environment: the
    /// session's other bindings are as they were, and nothing stays bound afterwards.
    func explore(
        _ statement: Statement, at values: [String: Double], sliders: [ExploreResult.SliderState], in environment: Environment,
        isInterrupted: @escaping @Sendable () -> Bool
    ) -> ExploreResult.Outcome {
        // A point that is a slider (`tangent sin(x) at x = a with a in -3..3`): the pictures span its range.
        switch statement.kind {
        case .tangent(_, let assignments), .taylor(_, let assignments, _):
            if case .variable(let name)? = assignments.first?.value, let slider = sliders.first(where: { $0.name == name }) {
                pictureSpan = slider.minimum...slider.maximum
            }
        default:
            break
        }
        defer { pictureSpan = nil }
        var scratch = environment
        do throws(CalculusError) {
            for (name, value) in values.sorted(by: { $0.key < $1.key }) {
                try scratch.bind(name, to: .number(value)) { self.evaluator($0, isInterrupted) }
            }
            guard let result = try run(statement, in: &scratch, isInterrupted: isInterrupted) else {
                return .error(CalculusError(.syntax, "the statement shows nothing to explore"))
            }
            return .result(result)
        } catch {
            return .error(error)
        }
    }

    /// The statement of an `explore` at new slider values (each move of a slider in a notebook).
    public func explore(
        _ statement: Statement, at values: [String: Double], sliders: [ExploreResult.SliderState],
        isInterrupted: @escaping @Sendable () -> Bool = { false }
    ) -> ExploreResult.Outcome {
        explore(statement, at: values, sliders: sliders, in: environment, isInterrupted: isInterrupted)
    }
}
