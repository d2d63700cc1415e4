"""`explore` through the Jupyter widget protocol, spoken by the kernel itself (LANGUAGE.md, "Explore"):
the comm_open of each model, the display with the widget view and its fallbacks, a slider move
(`comm_msg` with `method: update`) answered by an update of the HTML model with the statement's
rendering at the new value, moves sent at once rendering only the last, comm_info and comm_close,
an error at a pole that the next move recovers from, and the session's bindings left as they were."""
import time

import pytest

VIEW = "application/vnd.jupyter.widget-view+json"


def execute(kernel, code):
    """Runs a cell and returns (reply, iopub messages up to idle)."""
    messages = []
    reply = kernel.execute_interactive(code, timeout=30, output_hook=messages.append)
    return reply, messages


def explore(kernel, code):
    reply, messages = execute(kernel, code)
    assert reply["content"]["status"] == "ok", reply["content"]
    opens = {m["content"]["comm_id"]: dict(m["content"], metadata=m["metadata"]) for m in messages if m["msg_type"] == "comm_open"}
    shown = [m for m in messages if m["msg_type"] in ("execute_result", "display_data") and VIEW in m["content"]["data"]]
    assert len(shown) == 1
    data = shown[0]["content"]["data"]
    by_name = {}
    for comm_id, content in opens.items():
        assert content["target_name"] == "jupyter.widget"
        assert content["metadata"]["version"].startswith("2.")  # the message's metadata, as front ends read it
        by_name.setdefault(content["data"]["state"]["_model_name"], []).append(comm_id)
    return opens, by_name, data


def send_update(kernel, comm_id, value):
    message = kernel.session.msg("comm_msg", {"comm_id": comm_id, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}})
    kernel.shell_channel.send(message)
    return message["header"]["msg_id"]


def html_updates(kernel, html_id, until_parent, timeout=10):
    """Every update of the HTML model until the message `until_parent` has gone idle."""
    updates = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = kernel.get_iopub_msg(timeout=deadline - time.monotonic())
        content = message["content"]
        if message["msg_type"] == "comm_msg" and content["comm_id"] == html_id and content["data"]["method"] == "update":
            updates.append((time.monotonic(), content["data"]["state"]["value"]))
        if (message["msg_type"] == "status" and content["execution_state"] == "idle"
                and message["parent_header"].get("msg_id") == until_parent):
            return updates
    raise AssertionError("no idle after the moves")


def test_explore_opens_models_and_displays_the_box_with_fallbacks(kernel):
    opens, by_name, data = explore(kernel, "explore tangent sin(x) at x = a with a in -3..3")
    assert sorted(by_name) == ["FloatSliderModel", "HTMLModel", "HTMLStyleModel", "LayoutModel", "SliderStyleModel", "VBoxModel"]
    box = opens[data[VIEW]["model_id"]]["data"]["state"]
    assert box["_model_name"] == "VBoxModel" and box["_model_module"] == "@jupyter-widgets/controls"
    slider = opens[by_name["FloatSliderModel"][0]]["data"]["state"]
    assert (slider["min"], slider["max"], slider["value"], slider["description"]) == (-3, 3, 0, "a")
    assert slider["continuous_update"] is True
    assert box["children"] == [f"IPY_MODEL_{by_name['FloatSliderModel'][0]}", f"IPY_MODEL_{by_name['HTMLModel'][0]}"]
    # Where no widget manager is: the rendering at the initial value, picture and all.
    assert "a = 0 (-3 to 3, step 0.06)" in data["text/plain"]
    assert "y = x" in data["text/plain"]
    assert '<img src="data:image/svg+xml;base64,' in data["text/html"]
    assert data["application/vnd.calculus.explore+json"]["sliders"][0]["name"] == "a"


def test_a_slider_move_updates_the_rendering_and_ten_moves_render_only_the_last(kernel):
    _, by_name, _ = explore(kernel, "explore tangent sin(x) at x = a with a in -3..3")
    slider, html = by_name["FloatSliderModel"][0], by_name["HTMLModel"][0]
    updates = html_updates(kernel, html, send_update(kernel, slider, 1.0))
    assert len(updates) == 1
    assert "0.5403023058681398" in updates[0][1]  # the slope cos(1)
    values = [0.1 * k for k in range(2, 11)] + [2.0]
    for value in values[:-1]:
        send_update(kernel, slider, value)
    sent = time.monotonic()
    last = send_update(kernel, slider, values[-1])
    updates = html_updates(kernel, html, last)
    assert len(updates) == 1, [u[1][:80] for u in updates]
    assert "-0.4161468365471424" in updates[0][1]  # the slope cos(2)
    assert updates[0][0] - sent < 0.2


def test_comm_info_lists_the_models_and_comm_close_is_honoured(kernel):
    _, by_name, _ = explore(kernel, "explore d/dx sin(k*x) at x = 1 with k in 0..3")
    reply = kernel.comm_info(target_name="jupyter.widget", reply=True)
    comms = reply["content"]["comms"]
    assert by_name["FloatSliderModel"][0] in comms
    assert all(c["target_name"] == "jupyter.widget" for c in comms.values())
    slider, html = by_name["FloatSliderModel"][0], by_name["HTMLModel"][0]
    updates = html_updates(kernel, html, send_update(kernel, slider, 2.0))
    assert "2cos(2)" in updates[0][1] or "-0.8322936730942848" in updates[0][1]
    kernel.shell_channel.send(kernel.session.msg("comm_close", {"comm_id": slider, "data": {}}))
    time.sleep(0.2)
    reply = kernel.comm_info(target_name="jupyter.widget", reply=True)
    assert slider not in reply["content"]["comms"]
    assert html_updates(kernel, html, send_update(kernel, slider, 1.0)) == []


def test_an_error_at_a_pole_shows_and_the_next_move_recovers(kernel):
    _, by_name, data = explore(kernel, "explore d/dx 1/(x - k) at x = 1 with k in 0..2")
    assert "MathError" in data["text/plain"]
    slider, html = by_name["FloatSliderModel"][0], by_name["HTMLModel"][0]
    updates = html_updates(kernel, html, send_update(kernel, slider, 0.5))
    assert "-4" in updates[0][1] and "MathError" not in updates[0][1]


def test_the_sessions_bindings_are_left_as_they_were(kernel):
    execute(kernel, "a = 7")
    _, by_name, _ = explore(kernel, "explore tangent sin(x) at x = a with a in -3..3")
    html_updates(kernel, by_name["HTMLModel"][0], send_update(kernel, by_name["FloatSliderModel"][0], 1.5))
    reply, messages = execute(kernel, "a")
    results = [m for m in messages if m["msg_type"] == "execute_result"]
    assert results[0]["content"]["data"]["text/plain"] == "a = 7"


@pytest.mark.parametrize("code", ["explore y = 3 with a in 0..1", "explore print 1 with a in 0..1",
                                  "explore d/dx x^2 with a in 2..1", "explore d/dx x^2"])
def test_what_cannot_be_explored_is_a_clear_error(kernel, code):
    reply, _ = execute(kernel, code)
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] in ("SyntaxError", "MathError")
