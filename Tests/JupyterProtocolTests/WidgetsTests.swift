import JupyterProtocol
import Testing

@Suite struct WidgetsTests {
    @Test func savedWidgetStateFollowsTheUpdates() {
        var saved = Widgets.SavedState()
        saved.opened("m1", data: Widgets.openData(Widgets.html("before", layout: "l", style: "s")).data)
        saved.updated("m1", data: Widgets.update(["value": "after"]))
        let state = saved.notebookMetadata[Widgets.stateMime]?["state"]?["m1"]
        #expect(state?["model_name"] == "HTMLModel")
        #expect(state?["state"]?["value"] == "after")
    }
}
