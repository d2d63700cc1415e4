import CalculusLanguage
import CalculusSession
import JupyterProtocol
import KernelServer
import Rendering

/// The calculus language behind the kernel server's `Interpreter` seam: runs cells in a `Session`,
/// renders each result, and answers completion, inspection and `is_complete` from the language core.
public final class CalculusInterpreter: Interpreter {
    public static let version = "0.1.0"

    public let session = Session()
    public let kernelInfo: KernelInfo = CalculusInterpreter.makeKernelInfo()

    public init() {}

    public func execute(_ request: ExecutionRequest) throws(ExecutionError) {
        // Hold each value back until the next one arrives: the last one is the cell's execute_result,
        // the earlier ones are display_data, in order.
        var pending: RenderedOutput?
        func flushPending(asResult: Bool) {
            guard let output = pending else { return }
            let bundle = MimeBundle(data: output.data)
            request.publish(asResult ? .executeResult(bundle) : .displayData(bundle))
            pending = nil
        }
        do {
            try session.execute(request.code, isInterrupted: request.isInterrupted) { result in
                flushPending(asResult: false)
                switch Renderer.render(result) {
                case .display(let output): pending = output
                case .stream(let text): request.publish(.stream(name: "stdout", text: text))
                }
            }
            flushPending(asResult: true)
        } catch {
            flushPending(asResult: false)
            let rendered = ErrorRenderer.render(error, cell: request.code)
            throw ExecutionError(name: rendered.name, value: rendered.value, traceback: rendered.traceback)
        }
    }

    public func evaluate(expression: String) throws(ExecutionError) -> MimeBundle {
        do {
            let parsed = try Parser.parseExpression(expression, boundNames: session.environment.boundNames)
            let result = try session.evaluate(parsed, at: [], in: session.environment)
            return MimeBundle(data: ValueRenderer.render(result).data)
        } catch {
            let rendered = ErrorRenderer.render(CellError(error: error, statementRange: nil), cell: expression)
            throw ExecutionError(name: rendered.name, value: rendered.value, traceback: rendered.traceback)
        }
    }

    public func complete(code: String, cursorPosition: Int) -> Completion {
        let found = CellAnalysis.completions(in: code, at: cursorPosition, environment: session.environment)
        return Completion(matches: found.matches, cursorStart: found.start, cursorEnd: found.end)
    }

    public func inspect(code: String, cursorPosition: Int, detailLevel: Int) -> MimeBundle? {
        guard let text = CellAnalysis.documentation(in: code, at: cursorPosition, environment: session.environment) else {
            return nil
        }
        return MimeBundle(data: ["text/plain": .string(text), "text/markdown": .string("```\n\(text)\n```")])
    }

    public func isComplete(code: String) -> Completeness {
        switch CellAnalysis.completeness(of: code) {
        case .complete: .complete
        case .incomplete(let indent): .incomplete(indent: indent)
        case .invalid: .invalid
        }
    }

    static func makeKernelInfo() -> KernelInfo {
        KernelInfo(
            implementation: "calculus-kernel",
            implementationVersion: version,
            languageInfo: [
                "name": "calculus",
                "version": .string(version),
                "mimetype": "text/x-calculus",
                "file_extension": ".calc",
                "pygments_lexer": "text",
                "codemirror_mode": "text/plain",
            ],
            banner: """
                calculus-kernel \(version): derivatives with every step, and backpropagation you can watch.
                Try: d/dx sin(x^2)    table d/dx [(3x+1)^2, sin(x^2)]    x = 2; w = 3; backward ((w*x)^2 - 10)^2
                """,
            helpLinks: [
                (text: "Calculus language", url: "https://github.com/calculus-kernel/calculus-kernel#language-tour"),
                (text: "Jupyter messaging", url: "https://jupyter-client.readthedocs.io/en/latest/messaging.html"),
            ]
        )
    }
}
