import ArgumentParser
import CalculusKernel
import CalculusLanguage
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

    @Option(
        name: .customLong("parameter"),
        help: "NAME=VALUE: a number or an expression bound in a cell injected after the cell tagged `parameters`, as papermill does (repeatable).")
    var parameters: [String] = []

    /// The cell papermill would inject for these parameters: `name = value` lines, each checked to
    /// be a binding of a number or an expression in the language.
    static func parameterCell(_ parameters: [String]) throws -> String {
        var lines = ["# Parameters"]
        for parameter in parameters {
            guard let equals = parameter.firstIndex(of: "=") else {
                throw ValidationError("--parameter takes NAME=VALUE, as in --parameter rate=0.5 (not \(parameter))")
            }
            let line = "\(parameter[..<equals].trimmingCharacters(in: .whitespaces)) = \(parameter[parameter.index(after: equals)...].trimmingCharacters(in: .whitespaces))"
            do {
                let statements = try Parser.parseCell(line)
                guard statements.count == 1, case .bind = statements[0].kind else {
                    throw ValidationError("--parameter \(parameter): give a name and a number or an expression, as in rate=0.5")
                }
            } catch let error as CalculusError {
                throw ValidationError("--parameter \(parameter): \(error.message)")
            }
            lines.append(line)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// The cells with the parameter cell in place: after the cell tagged `parameters` (or first when
    /// there is none), replacing a cell injected before.
    static func injecting(_ source: String, into cells: [JSONValue]) -> [JSONValue] {
        func tags(_ cell: JSONValue) -> [JSONValue] { cell["metadata"]?["tags"]?.arrayValue ?? [] }
        var cells = cells.filter { !tags($0).contains("injected-parameters") }
        let injected: JSONValue = [
            "cell_type": "code", "id": .string(UUID().uuidString.prefix(8).lowercased()), "execution_count": .null,
            "outputs": [], "source": .string(source),
            "metadata": ["tags": ["injected-parameters"]],
        ]
        let position = cells.firstIndex { tags($0).contains("parameters") }.map { $0 + 1 } ?? 0
        cells.insert(injected, at: position)
        return cells
    }

    func run() throws {
        // A short-lived process: memory freed between cells stays mapped for the next one.
        FreeMemory.keepFreedPagesUntilIdle()
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        if path.hasSuffix(".calc") {
            let source = (parameters.isEmpty ? "" : try Self.parameterCell(parameters)) + String(decoding: data, as: UTF8.self)
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
        if !parameters.isEmpty { cells = Self.injecting(try Self.parameterCell(parameters), into: cells) }
        let timeout = self.timeout
        let finished: (String?, JSONValue?) = OSThread.runWithLargeStack { () -> (String?, JSONValue?) in
            let interpreter = CalculusInterpreter()
            var count = 0
            var failure: String?
            var widgets = Widgets.SavedState()
            for index in cells.indices {
                guard case .object(var cell) = cells[index], cell["cell_type"] == "code" else { continue }
                let source = Self.text(cell["source"])
                count += 1
                let (outputs, error) = execute(source, count: count, interpreter: interpreter, timeout: timeout)
                var json = outputs.compactMap { Self.json($0, count: count) }
                for output in outputs {
                    switch output {
                    case .commOpen(let id, _, let data, _): widgets.opened(id, data: data)
                    case .commMessage(let id, let data): widgets.updated(id, data: data)
                    default: break
                    }
                }
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
            // The widgets' state, as Jupyter saves it: a re-opened notebook shows the sliders again.
            return (failure, widgets.isEmpty ? JSONValue?.none : widgets.notebookMetadata)
        }
        let failure = finished.0
        notebook["cells"] = .array(cells)
        var metadata = notebook["metadata"]?.objectValue ?? [:]
        if let widgets = finished.1 { metadata["widgets"] = widgets } else { metadata.removeValue(forKey: "widgets") }
        notebook["metadata"] = .object(metadata)
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
        case .commOpen, .commMessage: ""
        }
    }

    static func json(_ output: ExecutionOutput, count: Int) -> JSONValue? {
        switch output {
        case .stream(let name, let text):
            ["output_type": "stream", "name": .string(name), "text": .string(text)]
        case .displayData(let bundle):
            ["output_type": "display_data", "data": .object(bundle.data), "metadata": .object(bundle.metadata)]
        case .executeResult(let bundle):
            ["output_type": "execute_result", "execution_count": .int(count), "data": .object(bundle.data),
             "metadata": .object(bundle.metadata)]
        case .commOpen, .commMessage:
            nil  // Not an output: the widgets' state goes into the notebook's metadata.
        }
    }
}
