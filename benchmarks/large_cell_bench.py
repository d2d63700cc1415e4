"""A large cell end to end: `grad` of a 20,000-term sum (a cell of about 400 KB) sent to the installed
calculus kernel through jupyter_client, until its reply and idle, beside micrograd building and
back-propagating the same graph in the same run (micrograd has no parser: it is given the graph).

Usage: .venv/bin/python benchmarks/large_cell_bench.py [ROUNDS]
"""
import statistics
import sys
import threading
import time

from jupyter_client.manager import start_new_kernel
from micrograd.engine import Value

TERMS = 20_000
CELL = "grad " + " + ".join(f"({k}*x + w)^2" for k in range(1, TERMS + 1)) + " wrt w, x"


def micrograd_seconds():
    began = time.perf_counter()
    x, w = Value(0.5), Value(1.5)
    total = Value(0.0)
    for k in range(1, TERMS + 1):
        total = total + (k * x + w) ** 2
    total.backward()
    return time.perf_counter() - began, (w.grad, x.grad)


def kernel_seconds(client):
    began = time.perf_counter()
    reply = client.execute_interactive(CELL, timeout=120, output_hook=lambda message: None)
    assert reply["content"]["status"] == "ok", reply["content"]
    return time.perf_counter() - began


def main():
    # micrograd's backward sorts the graph recursively: give it room for the sum's 80,000 levels.
    sys.setrecursionlimit(1_000_000)
    threading.stack_size(1 << 29)
    thread = threading.Thread(target=measure)
    thread.start()
    thread.join()


def measure():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    manager, client = start_new_kernel(kernel_name="calculus")
    try:
        client.execute_interactive("x = 0.5; w = 1.5", timeout=30)
        ours, theirs = [], []
        for _ in range(rounds):  # alternating, so that neither side is timed only in a slow spell
            ours.append(kernel_seconds(client))
            seconds, _ = micrograd_seconds()
            theirs.append(seconds)
    finally:
        client.stop_channels()
        manager.shutdown_kernel(now=True)
    print(f"cell of {len(CELL) / 1024:.0f} KB, {TERMS} terms")
    print(f"{'':34}{'median (ms)':>14}{'best (ms)':>12}")
    print(f"{'calculus-kernel, end to end':34}{statistics.median(ours) * 1e3:>14.1f}{min(ours) * 1e3:>12.1f}")
    print(f"{'micrograd, build + backward':34}{statistics.median(theirs) * 1e3:>14.1f}{min(theirs) * 1e3:>12.1f}")
    print(f"micrograd / ours (medians): {statistics.median(theirs) / statistics.median(ours):.1f}x")


if __name__ == "__main__":
    main()
