import CalculusKernel
import JSON
import JupyterProtocol
import KernelServer
import Testing

/// LANGUAGE.md, "Explore", through the interpreter: the widget models it opens and its answer when a
/// slider moves.
@Suite struct ExploreWidgetTests {
    @Test func theInterpreterOpensModelsAndAnswersAMove() throws {
        let interpreter = CalculusInterpreter()
        var outputs: [ExecutionOutput] = []
        try interpreter.execute(ExecutionRequest(code: "explore tangent sin(x) at x = a with a in -3..3", executionCount: 1) {
            outputs.append($0)
        })
        var models: [String: String] = [:]
        var shown: MimeBundle?
        for output in outputs {
            switch output {
            case .commOpen(let id, let target, let data, let metadata):
                #expect(target == "jupyter.widget")
                #expect(metadata["version"] == "2.1.0")
                models[data["state"]?["_model_name"]?.stringValue ?? ""] = id
            case .executeResult(let bundle): shown = bundle
            default: break
            }
        }
        #expect(shown?.data[Widgets.viewMime]?["model_id"]?.stringValue == models["VBoxModel"])
        #expect(shown?.plainText?.contains("a = 0 (-3 to 3, step 0.06)") == true)
        #expect(Set(interpreter.openComms.values) == ["jupyter.widget"])
        let slider = try #require(models["FloatSliderModel"])
        let html = try #require(models["HTMLModel"])
        var replies: [ExecutionOutput] = []
        interpreter.receiveComm(id: slider, data: ["method": "update", "state": ["value": 1.0], "buffer_paths": []], closing: false) {
            replies.append($0)
        }
        let rendering = replies.compactMap { output -> String? in
            guard case .commMessage(html, let data) = output else { return nil }
            return data["state"]?["value"]?.stringValue
        }
        #expect(rendering.count == 1)
        #expect(rendering.first?.contains("0.5403023058681398") == true)
        #expect(replies.contains { if case .commMessage(slider, let data) = $0 { data["method"] == "echo_update" } else { false } })
        replies = []
        interpreter.receiveComm(id: html, data: ["method": "request_state"], closing: false) { replies.append($0) }
        guard case .commMessage(html, let state)? = replies.first else { Issue.record("no state"); return }
        #expect(state["state"]?["value"]?.stringValue?.contains("0.5403023058681398") == true)
        interpreter.receiveComm(id: slider, data: [:], closing: true) { _ in }
        #expect(interpreter.openComms[slider] == nil)
    }
}
