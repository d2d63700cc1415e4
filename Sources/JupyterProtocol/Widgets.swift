import JSON

/// The Jupyter widget messaging protocol (version 2.1, as ipywidgets 8 and jupyterlab_widgets 3
/// speak it), for a kernel with no Python: the state of the few models `explore` shows, from the
/// `@jupyter-widgets/base` and `@jupyter-widgets/controls` modules (2.0.0) the front end ships, and
/// the messages that open, update and display them. Nothing here knows what a slider is for.
public enum Widgets {
    public static let target = "jupyter.widget"
    public static let protocolVersion = "2.1.0"
    public static let viewMime = "application/vnd.jupyter.widget-view+json"
    public static let stateMime = "application/vnd.jupyter.widget-state+json"
    static let base = "@jupyter-widgets/base"
    static let controls = "@jupyter-widgets/controls"
    static let moduleVersion = "2.0.0"

    /// A reference to another model inside a state: `IPY_MODEL_<id>`.
    public static func reference(_ id: String) -> JSONValue { .string("IPY_MODEL_\(id)") }

    static func model(_ name: String, module: String, view: String?, viewModule: String = controls) -> [String: JSONValue] {
        [
            "_model_module": .string(module), "_model_module_version": .string(moduleVersion), "_model_name": .string(name),
            "_view_module": .string(viewModule), "_view_module_version": .string(moduleVersion),
            "_view_name": view.map(JSONValue.string) ?? .null,
        ]
    }

    public static func layout() -> [String: JSONValue] {
        model("LayoutModel", module: base, view: "LayoutView", viewModule: base)
    }

    public static func sliderStyle() -> [String: JSONValue] {
        var state = model("SliderStyleModel", module: controls, view: "StyleView", viewModule: base)
        state["description_width"] = ""
        state["handle_color"] = .null
        return state
    }

    public static func htmlStyle() -> [String: JSONValue] {
        var state = model("HTMLStyleModel", module: controls, view: "StyleView", viewModule: base)
        for key in ["background", "font_size", "text_color"] { state[key] = .null }
        state["description_width"] = ""
        return state
    }

    /// A float slider that reports every position while it is dragged (`continuous_update`).
    public static func floatSlider(
        description: String, minimum: Double, maximum: Double, step: Double, value: Double, layout: String, style: String
    ) -> [String: JSONValue] {
        var state = model("FloatSliderModel", module: controls, view: "FloatSliderView")
        state["description"] = .string(description)
        state["min"] = .double(minimum)
        state["max"] = .double(maximum)
        state["step"] = .double(step)
        state["value"] = .double(value)
        state["continuous_update"] = true
        state["orientation"] = "horizontal"
        state["readout"] = true
        state["readout_format"] = ".4~g"  // four significant digits, no trailing zeros (d3-format)
        state["disabled"] = false
        state["behavior"] = "drag-tap"
        return described(state, layout: layout, style: style)
    }

    /// The fields every described control of `@jupyter-widgets/controls` 2.0.0 has.
    static func described(_ state: [String: JSONValue], layout: String, style: String) -> [String: JSONValue] {
        var state = state
        state["layout"] = reference(layout)
        state["style"] = reference(style)
        state["_dom_classes"] = []
        state["tabbable"] = .null
        state["tooltip"] = .null
        state["description_allow_html"] = false
        return state
    }

    public static func html(_ value: String, layout: String, style: String) -> [String: JSONValue] {
        var state = model("HTMLModel", module: controls, view: "HTMLView")
        state["value"] = .string(value)
        state["placeholder"] = ""
        state["description"] = ""
        return described(state, layout: layout, style: style)
    }

    public static func verticalBox(children: [String], layout: String) -> [String: JSONValue] {
        var state = model("VBoxModel", module: controls, view: "VBoxView")
        state["children"] = .array(children.map(reference))
        state["box_style"] = ""
        state["layout"] = reference(layout)
        state["_dom_classes"] = []
        state["tabbable"] = .null
        state["tooltip"] = .null
        return state
    }

    /// The `data` of a `comm_open` that creates a model, and its `metadata`.
    public static func openData(_ state: [String: JSONValue]) -> (data: JSONValue, metadata: JSONValue) {
        (["state": .object(state), "buffer_paths": []], ["version": .string(protocolVersion)])
    }

    /// The `data` of an `update` (or, for a change the front end made, its `echo_update`).
    public static func update(_ state: [String: JSONValue], echo: Bool = false) -> JSONValue {
        ["method": .string(echo ? "echo_update" : "update"), "state": .object(state), "buffer_paths": []]
    }

    /// The display member that shows a model.
    public static func view(_ id: String) -> JSONValue {
        ["model_id": .string(id), "version_major": 2, "version_minor": 0]
    }

    /// Every model's state as a notebook keeps it (`metadata.widgets`), so that a re-opened notebook
    /// can show its widgets again: the front end reads it where the kernel is not running.
    public struct SavedState {
        var models: [(id: String, state: [String: JSONValue])] = []

        public init() {}

        public mutating func opened(_ id: String, data: JSONValue) {
            models.append((id, data["state"]?.objectValue ?? [:]))
        }

        public mutating func updated(_ id: String, data: JSONValue) {
            guard data["method"]?.stringValue == "update", let changes = data["state"]?.objectValue,
                let index = models.firstIndex(where: { $0.id == id })
            else { return }
            models[index].state.merge(changes) { $1 }
        }

        public var isEmpty: Bool { models.isEmpty }

        /// `{"application/vnd.jupyter.widget-state+json": {"version_major": 2, "version_minor": 0, "state": {…}}}`.
        public var notebookMetadata: JSONValue {
            var state: [String: JSONValue] = [:]
            for (id, model) in models {
                state[id] = [
                    "model_name": model["_model_name"] ?? .null, "model_module": model["_model_module"] ?? .null,
                    "model_module_version": model["_model_module_version"] ?? .null, "state": .object(model),
                ]
            }
            return [stateMime: ["version_major": 2, "version_minor": 0, "state": .object(state)]]
        }
    }
}
