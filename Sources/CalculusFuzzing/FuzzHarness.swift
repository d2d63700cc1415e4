import CalculusLanguage
import CalculusSession
import JSON
import Rendering
import Threads

/// One fuzz input through every layer a cell goes through: parse, evaluate, differentiate, run
/// autograd, render every mime, serialize the JSON. An input may fail with any `CalculusError` (that
/// is the language working); it may not crash, hang past the interrupt, or produce a bundle that
/// breaks the output contract. Those are checked here with `preconditionFailure`, so libFuzzer
/// records them as crashes.
public enum FuzzHarness {
    /// Each cell is interrupted after this long, as a user would; an input that runs much longer
    /// than this (libFuzzer's -timeout) has found a loop that does not check for interrupts.
    public static let budget: Duration = .milliseconds(500)

    /// What became of one input.
    public struct Outcome: Sendable, Equatable {
        public var results = 0
        public var errors: [CalculusError.Kind] = []
        /// Each output's text/plain or error message, when asked for (to compare two builds).
        public var transcript: [String] = []
    }

    /// Runs `input` on a thread with the language's deep stack and checks every output.
    public static func run(_ input: [UInt8], keepingTranscript: Bool = false) -> Outcome {
        let outcome = OSThread.runWithLargeStack { runHere(String(decoding: input, as: UTF8.self), keepingTranscript: keepingTranscript) }
        // An interrupted derivation frees its steps on a thread of its own; libFuzzer's leak check
        // after this input must not find them still held by a thread that has not run yet.
        OSThread.waitForBackgroundReleases()
        return outcome
    }

    static func runHere(_ cell: String, keepingTranscript: Bool) -> Outcome {
        var outcome = Outcome()
        let session = Session()
        // The cell as typed, then its text as the body of a derivative and of a backward pass
        // (a syntax error when the cell is not one expression, which is fine and cheap).
        for code in [cell, "d/dx (\(cell))", "x = 0.7\nbackward (\(cell))"] {
            let clock = ContinuousClock()
            let deadline = clock.now.advanced(by: budget)
            do {
                try session.execute(code, isInterrupted: { clock.now > deadline }) { result in
                    outcome.results += 1
                    let output = Renderer.render(result)
                    check(output, code: code)
                    if keepingTranscript, case .display(let rendered) = output {
                        outcome.transcript.append(rendered.data[MimeType.plain]?.stringValue ?? "")
                    }
                }
            } catch {
                outcome.errors.append(error.error.kind)
                let rendered = ErrorRenderer.render(error, cell: code)
                check(rendered, code: code)
                if keepingTranscript { outcome.transcript.append("\(rendered.name): \(rendered.value)") }
            }
        }
        return outcome
    }

    static func check(_ output: Renderer.Output, code: String) {
        switch output {
        case .stream: break
        case .display(let rendered):
            guard let plain = rendered.data[MimeType.plain]?.stringValue, !plain.isEmpty else {
                preconditionFailure("a result without text/plain for \(code.debugDescription)")
            }
            checkJSON(.object(rendered.data), code: code)
        }
    }

    static func check(_ error: RenderedError, code: String) {
        guard !error.name.isEmpty, !error.value.isEmpty, !error.traceback.isEmpty else {
            preconditionFailure("an error without name, message or traceback for \(code.debugDescription)")
        }
        checkJSON(.array(error.traceback.map(JSONValue.string)), code: code)
    }

    /// What goes on the wire must be JSON that reads back to the same bytes.
    static func checkJSON(_ value: JSONValue, code: String) {
        let bytes = value.serialized()
        guard let reread = try? JSONValue.parse(bytes), reread.serialized() == bytes else {
            preconditionFailure("a bundle that does not survive JSON for \(code.debugDescription)")
        }
    }
}
