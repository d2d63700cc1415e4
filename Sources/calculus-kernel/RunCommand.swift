import ArgumentParser
import CalculusKernel
import Foundation
import JupyterProtocol
import KernelServer
import Threads

/// `calculus-kernel run NOTEBOOK.ipynb | SCRIPT.calc`: executes every code cell in order, in-process,
/// with no Jupyter at all. A notebook's outputs are written back in nbformat 4; a failing cell makes
/// the exit status 1 unless it is tagged `raises-exception`, as nbclient does.
struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run", abstract: "Execute a notebook (.ipynb) or a script (.calc) headless.")

    @Argument(help: "The notebook or script.")
    var path: String

    @Option(help: "Where to write the executed notebook (default: over the input).")
    var output: String?

    @Option(help: "Seconds one cell may take before it is interrupted.")
    var timeout: Double = 120

    func run() throws {
        // A short-lived process: memory freed between cells stays mapped for the next one.
        FreeMemory.keepFreedPagesUntilIdle()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if path.hasSuffix(".calc") {
            let source = String(decoding: data, as: UTF8.self)
            let failed = OSThread.runWithLargeStack { () -> Bool in
                let (outputs, error) = execute(source, count: 1, interpreter: CalculusInterpreter())
                for output in outputs { EvalCommand.write(Self.plainText(output), to: 1) }
                if let error { EvalCommand.write(error.traceback.map(EvalCommand.strippingColor).joined(separator: "\n") + "\n", to: 2) }
                return error != nil
            }
            if failed { throw ExitCode(1) }
            return
        }
        guard case .object(var notebook) = try JSONValue.parse(Array(data)), case .array(var cells)? = notebook["cells"] else {
            throw ValidationError("\(path) is not an nbformat 4 notebook")
        }
        let timeout = self.timeout
        let failure: String? = OSThread.runWithLargeStack { () -> String? in
            let interpreter = CalculusInterpreter()
            var count = 0
            var failure: String?
            for index in cells.indices {
                guard case .object(var cell) = cells[index], cell["cell_type"] == "code" else { continue }
                let source = Self.text(cell["source"])
                count += 1
                let (outputs, error) = execute(source, count: count, interpreter: interpreter, timeout: timeout)
                var json = outputs.map { Self.json($0, count: count) }
                if let error {
                    json.append(["output_type": "error", "ename": .string(error.name), "evalue": .string(error.value),
                                 "traceback": .array(error.traceback.map(JSONValue.string))])
                    let tags = cell["metadata"]?["tags"]?.arrayValue ?? []
                    if !tags.contains("raises-exception"), failure == nil {
                        failure = "cell \(count) failed: \(error.name): \(error.value)"
                    }
                }
                cell["outputs"] = .array(json)
                cell["execution_count"] = .int(count)
                cells[index] = .object(cell)
                if failure != nil { break }
            }
            return failure
        }
        notebook["cells"] = .array(cells)
        let target = output ?? path
        try Data((JSONValue.object(notebook).prettySerialized() + "\n").utf8).write(to: URL(fileURLWithPath: target))
        if let failure {
            EvalCommand.write("\(path): \(failure)\n", to: 2)
            throw ExitCode(1)
        }
    }

    /// Runs one cell and collects what it published; a timer interrupts it after `timeout` seconds.
    private func execute(
        _ source: String, count: Int, interpreter: CalculusInterpreter, timeout: Double = .infinity
    ) -> ([ExecutionOutput], ExecutionError?) {
        let deadline = Date().addingTimeInterval(timeout)
        var outputs: [ExecutionOutput] = []
        let request = ExecutionRequest(
            code: source, executionCount: count, isInterrupted: { Date() > deadline }, publish: { outputs.append($0) })
        do {
            try interpreter.execute(request)
            return (outputs, nil)
        } catch {
            return (outputs, error)
        }
    }

    static func text(_ value: JSONValue?) -> String {
        switch value {
        case .string(let text): text
        case .array(let lines): lines.compactMap(\.stringValue).joined()
        default: ""
        }
    }

    static func plainText(_ output: ExecutionOutput) -> String {
        switch output {
        case .stream(_, let text): text
        case .displayData(let bundle), .executeResult(let bundle): (bundle.plainText ?? "") + "\n"
        }
    }

    static func json(_ output: ExecutionOutput, count: Int) -> JSONValue {
        switch output {
        case .stream(let name, let text):
            ["output_type": "stream", "name": .string(name), "text": .string(text)]
        case .displayData(let bundle):
            ["output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
        case .executeResult(let bundle):
            ["output_type": "execute_result", "execution_count": .int(count), "data": .object(bundle.data),
             "metadata": .object(bundle.metadata)]
        }
    }
}
