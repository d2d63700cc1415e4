"""Kernel speed, side by side in one run: calculus-kernel, ipykernel, and a bare pyzmq signed echo.

Usage: .venv/bin/python benchmarks/kernel_bench.py [--rounds N] [--starts N]

For each kernel: time from launch to the first kernel_info_reply (the client's own launch cost is
included, as a user sees it), the round trip of execute_request('1+1') to execute_reply plus iopub
idle (median and p99, one minimal signed pyzmq client for all), and the kernel's idle resident memory. The floor is a pyzmq ROUTER that
verifies and signs like a kernel but does nothing else: no kernel can beat it.
"""
import argparse
import hashlib
import hmac
import json
import os
import statistics
import subprocess
import sys
import time
import uuid

import zmq
from jupyter_client.manager import KernelManager


def rss_megabytes(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def percentile(values, fraction):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(fraction * (len(ordered) - 1))))]


class RawClient:
    """The same minimal signed client for every kernel and for the floor: it builds and signs
    requests and reads only what it needs (the parent id and status), so that the figures measure
    the kernels, not a client library's deserialization."""

    def __init__(self, key: bytes, shell: str, iopub: str = None):
        self.key = key
        self.context = zmq.Context()
        self.shell = self.context.socket(zmq.DEALER)
        self.shell.connect(shell)
        self.iopub = None
        if iopub:
            self.iopub = self.context.socket(zmq.SUB)
            self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
            self.iopub.connect(iopub)

    def sign(self, parts):
        mac = hmac.new(self.key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()

    def send(self, msg_type: str, content: bytes) -> str:
        msg_id = uuid.uuid4().hex
        header = json.dumps({"msg_id": msg_id, "msg_type": msg_type, "session": "bench", "username": "bench",
                             "date": "2026-01-01T00:00:00.000000Z", "version": "5.4"}).encode()
        parts = [header, b"{}", b"{}", content]
        self.shell.send_multipart([b"<IDS|MSG>", self.sign(parts)] + parts)
        return msg_id

    def reply(self, msg_id: str):
        while True:
            frames = self.shell.recv_multipart()
            split = frames.index(b"<IDS|MSG>")
            if not hmac.compare_digest(self.sign(frames[split + 2:split + 6]), frames[split + 1]):
                raise RuntimeError("bad signature from the kernel")
            if msg_id.encode() in frames[split + 3]:
                return

    def idle(self, msg_id: str):
        while True:
            frames = self.iopub.recv_multipart()
            split = frames.index(b"<IDS|MSG>")
            if msg_id.encode() in frames[split + 3] and b'"idle"' in frames[split + 5]:
                return

    def execute(self, code: str):
        msg_id = self.send("execute_request", json.dumps({
            "code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False,
            "stop_on_error": True}).encode())
        self.reply(msg_id)
        if self.iopub:
            self.idle(msg_id)

    def close(self):
        self.context.destroy(linger=0)


def measure_kernel(name: str, code: str, rounds: int, starts: int):
    startup = []
    for _ in range(starts):
        manager = KernelManager(kernel_name=name)
        began = time.perf_counter()
        manager.start_kernel(stderr=subprocess.DEVNULL)
        client = manager.client()
        # No heartbeat channel: its thread makes its socket late, and a client stopped at once
        # could race it ("Too many open files" from a dying context). Both kernels start the same way.
        client.start_channels(hb=False)
        client.kernel_info()
        client.get_shell_msg(timeout=30)
        startup.append(time.perf_counter() - began)
        client.stop_channels()
        manager.shutdown_kernel(now=False)

    manager = KernelManager(kernel_name=name)
    manager.start_kernel(stderr=subprocess.DEVNULL)
    ready = manager.client()
    ready.start_channels(hb=False)
    ready.wait_for_ready(timeout=30)
    ready.stop_channels()
    info = manager.get_connection_info()
    client = RawClient(info["key"], f"tcp://{info['ip']}:{info['shell_port']}", f"tcp://{info['ip']}:{info['iopub_port']}")
    time.sleep(0.3)  # let the subscription reach the kernel
    for _ in range(50):  # warm up
        client.execute(code)
    trips = []
    for _ in range(rounds):
        began = time.perf_counter()
        client.execute(code)
        trips.append(time.perf_counter() - began)
    time.sleep(0.5)
    memory = rss_megabytes(manager.provisioner.process.pid)
    client.close()
    manager.shutdown_kernel(now=False)
    return {
        "startup_ms": statistics.median(startup) * 1000,
        "median_us": statistics.median(trips) * 1e6,
        "p99_us": percentile(trips, 0.99) * 1e6,
        "rss_mb": memory,
    }


FLOOR_SERVER = r"""
import hashlib, hmac, sys, zmq
key = sys.argv[1].encode()
context = zmq.Context()
socket = context.socket(zmq.ROUTER)
port = socket.bind_to_random_port("tcp://127.0.0.1")
print(port, flush=True)
while True:
    frames = socket.recv_multipart()
    split = frames.index(b"<IDS|MSG>")
    parts = frames[split + 2:split + 6]
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in parts: mac.update(part)
    if not hmac.compare_digest(mac.hexdigest().encode(), frames[split + 1]):
        continue
    if parts[3] == b'{"stop": true}':
        break
    reply = [parts[0].replace(b"execute_request", b"execute_reply"), parts[0], b"{}", b'{"status": "ok"}']
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in reply: mac.update(part)
    socket.send_multipart(frames[:split] + [b"<IDS|MSG>", mac.hexdigest().encode()] + reply)
"""


def measure_floor(rounds: int):
    key = uuid.uuid4().hex.encode()
    server = subprocess.Popen([sys.executable, "-c", FLOOR_SERVER, key.decode()], stdout=subprocess.PIPE, text=True)
    port = int(server.stdout.readline())
    client = RawClient(key, f"tcp://127.0.0.1:{port}")
    for _ in range(50):
        client.execute("1+1")
    trips = []
    for _ in range(rounds):
        began = time.perf_counter()
        client.execute("1+1")
        trips.append(time.perf_counter() - began)
    client.send("stop", b'{"stop": true}')
    server.wait(timeout=10)
    client.close()
    return {"median_us": statistics.median(trips) * 1e6, "p99_us": percentile(trips, 0.99) * 1e6}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=1000)
    parser.add_argument("--starts", type=int, default=5)
    args = parser.parse_args()

    ours = measure_kernel("calculus", "1+1", args.rounds, args.starts)
    # A typical derivative cell (its steps rendered to every mime), beside its own 1+1 row.
    derivative = measure_kernel("calculus", "d/dz sigmoid(z) at z = 0", args.rounds, 1)
    python = measure_kernel("python3", "1+1", args.rounds, args.starts)
    floor = measure_floor(args.rounds)

    print(f"{'':28}{'calculus-kernel':>18}{'ipykernel':>14}{'pyzmq floor':>14}{'ipykernel/ours':>16}{'ours/floor':>12}")
    print(f"{'startup to kernel_info (ms)':28}{ours['startup_ms']:>18.1f}{python['startup_ms']:>14.1f}{'':>14}"
          f"{python['startup_ms'] / ours['startup_ms']:>15.1f}x{'':>12}")
    for key, label in (("median_us", "round trip median (µs)"), ("p99_us", "round trip p99 (µs)")):
        print(f"{label:28}{ours[key]:>18.0f}{python[key]:>14.0f}{floor[key]:>14.0f}"
              f"{python[key] / ours[key]:>15.1f}x{ours[key] / floor[key]:>11.2f}x")
    print(f"{'idle resident memory (MB)':28}{ours['rss_mb']:>18.1f}{python['rss_mb']:>14.1f}")
    print(f"{'d/dz sigmoid(z) at z = 0':28}{derivative['median_us']:>18.0f}  µs median, {derivative['p99_us']:.0f} µs p99 (calculus-kernel only)")


if __name__ == "__main__":
    main()
