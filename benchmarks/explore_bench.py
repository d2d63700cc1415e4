"""The round trip of a slider move in `explore`: from a `comm_msg` update sent by a Jupyter client to
the kernel's update of the HTML model carrying the statement's new rendering, for the tangent line
and the backpropagation demo. An absolute goal: under 20 ms, so that dragging feels continuous
(a browser sends a move about every 16 ms while a slider is dragged).

Usage: .venv/bin/python benchmarks/explore_bench.py [MOVES]
"""
import statistics
import sys
import time

from jupyter_client.manager import start_new_kernel

CASES = {
    "tangent sin(x) at x = a": ("explore tangent sin(x) at x = a with a in -3..3", -3.0, 3.0),
    "backward ((w*x)^2 - target)^2": ("x = 2; target = 10\nexplore backward ((w*x)^2 - target)^2 with w in 0..5", 0.0, 5.0),
}


def open_explore(client, code):
    opens, messages = {}, []
    client.execute_interactive(code, timeout=30, output_hook=messages.append)
    for message in messages:
        if message["msg_type"] == "comm_open":
            opens[message["content"]["data"]["state"]["_model_name"]] = message["content"]["comm_id"]
    return opens["FloatSliderModel"], opens["HTMLModel"]


def round_trip(client, slider, html, value):
    began = time.perf_counter()
    client.shell_channel.send(client.session.msg(
        "comm_msg", {"comm_id": slider, "data": {"method": "update", "state": {"value": value}, "buffer_paths": []}}))
    while True:
        message = client.get_iopub_msg(timeout=10)
        content = message["content"]
        if message["msg_type"] == "comm_msg" and content["comm_id"] == html:
            return time.perf_counter() - began, len(content["data"]["state"]["value"])


def main():
    moves = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    manager, client = start_new_kernel(kernel_name="calculus")
    try:
        print(f"{'explore':34}{'moves':>7}{'median (ms)':>13}{'p99 (ms)':>10}{'HTML (KB)':>11}")
        for name, (code, low, high) in CASES.items():
            slider, html = open_explore(client, code)
            times, size = [], 0
            for index in range(moves):
                value = round(low + (high - low) * (index % 100) / 100, 6)
                seconds, size = round_trip(client, slider, html, value)
                times.append(seconds)
                time.sleep(0.005)  # let each move's idle status go out before the next, as a drag would
            times.sort()
            p99 = times[min(len(times) - 1, int(len(times) * 0.99))]
            print(f"{name:34}{moves:>7}{statistics.median(times) * 1e3:>13.2f}{p99 * 1e3:>10.2f}{size / 1024:>11.1f}")
    finally:
        client.stop_channels()
        manager.shutdown_kernel()


if __name__ == "__main__":
    main()
