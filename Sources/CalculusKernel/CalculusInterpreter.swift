import CalculusLanguage
import CalculusSession
import JSON
import JupyterProtocol
import KernelServer
import Rendering

/// The calculus language behind the kernel server's `Interpreter` seam: runs cells in a `Session`,
/// renders each result, and answers completion, inspection and `is_complete` from the language core.
public final class CalculusInterpreter: Interpreter {
    public static let version = "0.1.0"

    public let session = Session()
    public let kernelInfo: KernelInfo = CalculusInterpreter.makeKernelInfo()

    /// Every widget model this kernel opened and still has, with its current state.
    private var models: [String: [String: JSONValue]] = [:]
    /// The `explore` each slider belongs to, by the slider's model id.
    private var explorations: [String: Exploration] = [:]
    private var modelCount = 0

    /// An `explore` on the page: its statement, the sliders' names by model id, their values, and the
    /// model that shows the rendering.
    final class Exploration {
        let statement: Statement
        let sliders: [ExploreResult.SliderState]
        let sliderNames: [String: String]
        var values: [String: Double]
        let htmlModel: String

        init(
            statement: Statement, sliders: [ExploreResult.SliderState], sliderNames: [String: String], values: [String: Double],
            htmlModel: String
        ) {
            self.statement = statement
            self.sliders = sliders
            self.sliderNames = sliderNames
            self.values = values
            self.htmlModel = htmlModel
        }
    }

    public init() {}

    public var openComms: [String: String] { models.mapValues { _ in Widgets.target } }

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
                case .display(var output):
                    if case .explore(let exploration) = result {
                        output.data[Widgets.viewMime] = openWidgets(for: exploration, publish: request.publish)
                    }
                    pending = output
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

    // MARK: Widgets

    private func newModel(_ state: [String: JSONValue], publish: (ExecutionOutput) -> Void) -> String {
        modelCount += 1
        let id = "calculus-model-\(modelCount)"
        models[id] = state
        let (data, metadata) = Widgets.openData(state)
        publish(.commOpen(id: id, target: Widgets.target, data: data, metadata: metadata))
        return id
    }

    /// Opens the models of an `explore` (a slider per name, the rendering under them, a box around
    /// them) and gives the display member that shows the box.
    private func openWidgets(for result: ExploreResult, publish: (ExecutionOutput) -> Void) -> JSONValue {
        var children: [String] = []
        var names: [String: String] = [:]
        for slider in result.sliders {
            let layout = newModel(Widgets.layout(), publish: publish)
            let style = newModel(Widgets.sliderStyle(), publish: publish)
            let id = newModel(
                Widgets.floatSlider(
                    description: slider.name, minimum: slider.minimum, maximum: slider.maximum, step: slider.step,
                    value: slider.value, layout: layout, style: style),
                publish: publish)
            names[id] = slider.name
            children.append(id)
        }
        let htmlLayout = newModel(Widgets.layout(), publish: publish)
        let htmlStyle = newModel(Widgets.htmlStyle(), publish: publish)
        let html = newModel(
            Widgets.html(ExploreRenderer.html(result.outcome), layout: htmlLayout, style: htmlStyle), publish: publish)
        children.append(html)
        let box = newModel(Widgets.verticalBox(children: children, layout: newModel(Widgets.layout(), publish: publish)), publish: publish)
        let exploration = Exploration(
            statement: result.statement, sliders: result.sliders, sliderNames: names, values: result.values, htmlModel: html)
        for id in names.keys { explorations[id] = exploration }
        return Widgets.view(box)
    }

    /// A slider moved (`update` with its new value): the statement runs again at the sliders' values
    /// and the rendering model gets the result. `request_state` is answered with the model's state;
    /// `comm_close` forgets the model.
    public func receiveComm(id: String, data: JSONValue, closing: Bool, publish: (ExecutionOutput) -> Void) {
        guard models[id] != nil else { return }
        if closing {
            models[id] = nil
            explorations[id] = nil
            return
        }
        switch data["method"]?.stringValue {
        case "request_state":
            publish(.commMessage(id: id, data: Widgets.update(models[id] ?? [:])))
        case "update":
            let changes = data["state"]?.objectValue ?? [:]
            models[id]?.merge(changes) { $1 }
            publish(.commMessage(id: id, data: Widgets.update(changes, echo: true)))
            guard let exploration = explorations[id], let name = exploration.sliderNames[id],
                let value = changes["value"]?.doubleValue, value.isFinite
            else { return }
            exploration.values[name] = Session.onStep(value)
            let html = ExploreRenderer.html(session.explore(exploration.statement, at: exploration.values, sliders: exploration.sliders))
            models[exploration.htmlModel]?["value"] = .string(html)
            publish(.commMessage(id: exploration.htmlModel, data: Widgets.update(["value": .string(html)])))
        default:
            break
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
