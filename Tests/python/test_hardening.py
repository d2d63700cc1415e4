"""Hostile input, faults and load against a kernel process started from a connection file.

Each test tries a fault, then proves that nothing was lost: the next valid request is answered
first, with the right parent, the next execution count, and the bindings made before the fault.
Every fault tried is counted into out/hardening.json; the README's fault table quotes it.
"""
import json
import os
import signal
import socket
import stat
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

import pytest
import zmq

sys.path.insert(0, str(Path(__file__).parent))
from kernel_process import BINARY, DELIMITER, ROOT, KernelProcess  # noqa: E402

REPORT = ROOT / "out" / "hardening.json"
tried = Counter()


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(dict(sorted(tried.items())), indent=1) + "\n")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    process = KernelProcess(tmp_path_factory.mktemp("hardening"))
    yield process
    assert process.process.poll() is None, "the kernel died during the hardening tests"
    process.stop()


@pytest.fixture
def client(kernel):
    connected = kernel.client()
    connected.wait_until_ready()
    yield connected
    connected.close()


def outputs_of(client, msg_id, timeout=30.0):
    """The iopub messages of one request, up to its 'idle' status."""
    outputs = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        message = client.iopub_message(timeout=deadline - time.monotonic())
        if message is None:
            break
        if message["parent_header"].get("msg_id") != msg_id:
            continue
        if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
            return outputs
        outputs.append(message)
    raise AssertionError(f"no idle status for {msg_id}")


def run(client, code, timeout=30.0):
    """Executes code; the next shell message must be its reply. Returns (reply, iopub outputs)."""
    msg_id = client.execute(code)
    reply = client.reply(timeout=timeout)
    assert reply is not None, f"no reply to {code!r}"
    assert reply["parent_header"]["msg_id"] == msg_id, "a reply came for another request"
    return reply, outputs_of(client, msg_id)


def plain_result(outputs):
    results = [m["content"]["data"]["text/plain"] for m in outputs if m["msg_type"] == "execute_result"]
    return results[-1] if results else None


# ---------------------------------------------------------------------------------------------
# Wire faults: each followed by a valid request that must be served as if the fault never came.

def signed(client, header=None, content=None, header_bytes=None, content_bytes=None):
    header_bytes = header_bytes if header_bytes is not None else json.dumps(header).encode()
    content_bytes = content_bytes if content_bytes is not None else json.dumps(content or {}).encode()
    parts = [header_bytes, b"{}", b"{}", content_bytes]
    return [DELIMITER, client.sign(parts)] + parts


def good_header(client, msg_type="execute_request"):
    return {"msg_id": uuid.uuid4().hex, "msg_type": msg_type, "session": client.session, "username": "test",
            "date": "2026-01-01T00:00:00.000000Z", "version": "5.4"}


def execute_content(code):
    return {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False}


def flip_last(signature):
    return signature[:-1] + (b"0" if signature[-1:] != b"0" else b"1")


WIRE_FAULTS = {
    "wrong signature": lambda c: (lambda f: f[:1] + [flip_last(f[1])] + f[2:])(
        signed(c, good_header(c), execute_content("lost = 1"))),
    "missing signature": lambda c: (lambda f: f[:1] + [b""] + f[2:])(
        signed(c, good_header(c), execute_content("lost = 1"))),
    "no delimiter": lambda c: signed(c, good_header(c), execute_content("lost = 1"))[1:],
    "too few frames": lambda c: signed(c, good_header(c), execute_content("lost = 1"))[:3],
    "one empty frame": lambda c: [b""],
    "header not UTF-8": lambda c: signed(c, header_bytes=b'{"msg_id": "\xff\xfe", "msg_type": "execute_request"}',
                                         content=execute_content("lost = 1")),
    "content not JSON": lambda c: signed(c, good_header(c), content_bytes=b'{"code": "lost = 1",'),
    "header not an object": lambda c: signed(c, header_bytes=b'["execute_request"]', content=execute_content("x")),
    "header without msg_type": lambda c: signed(
        c, {k: v for k, v in good_header(c).items() if k != "msg_type"}, execute_content("lost = 1")),
    "header without msg_id": lambda c: signed(
        c, {k: v for k, v in good_header(c).items() if k != "msg_id"}, execute_content("lost = 1")),
    "unknown msg_type": lambda c: signed(c, good_header(c, "frobnicate_request"), {}),
    "fields of the wrong type": lambda c: signed(c, good_header(c, "complete_request"), {"code": 42, "cursor_pos": "x"}),
}
# Faults a handler can still answer: a complete_request whose fields have the wrong types is read
# with the spec's defaults (no code, cursor at its end) and answered; the rest are dropped.
ANSWERED = {"fields of the wrong type": "complete_reply"}
REPEATS = 50


@pytest.mark.parametrize("fault", sorted(WIRE_FAULTS))
def test_wire_fault_is_dropped_and_the_next_request_served(kernel, client, fault):
    reply, _ = run(client, "served = 0")
    count = reply["content"]["execution_count"]
    for attempt in range(1, REPEATS + 1):
        client.shell.send_multipart(WIRE_FAULTS[fault](client))
        tried[f"wire: {fault}"] += 1
        if fault in ANSWERED:
            answer = client.reply()
            assert answer["msg_type"] == ANSWERED[fault] and answer["content"]["status"] == "ok"
        reply, outputs = run(client, "served = served + 1\nserved")
        assert reply["content"]["status"] == "ok"
        assert reply["content"]["execution_count"] == count + attempt
        assert plain_result(outputs) == f"served = {attempt}"
    # None of the faulty requests ran: "lost" was never bound.
    reply, outputs = run(client, "lost")
    assert plain_result(outputs) == "lost"
    assert kernel.process.poll() is None


def test_dropped_messages_are_logged(kernel, client):
    before = kernel.log_text().count("dropped a message")
    client.shell.send_multipart(WIRE_FAULTS["content not JSON"](client))
    client.shell.send_multipart(WIRE_FAULTS["wrong signature"](client))
    run(client, "1")
    log = kernel.log_text()
    assert log.count("dropped a message") == before + 2
    assert "content is not JSON" in log


def test_replayed_message_is_refused(kernel, client):
    run(client, "replays = 0")
    frames = signed(client, good_header(client), execute_content("replays = replays + 1\nreplays"))
    client.shell.send_multipart(frames)
    assert client.reply()["content"]["status"] == "ok"
    for _ in range(REPEATS):
        client.shell.send_multipart(frames)
        tried["wire: replayed message"] += 1
        _, outputs = run(client, "replays")
        assert plain_result(outputs) == "replays = 1"
    # The control channel shares the guard: a replayed request there is not answered twice.
    frames = signed(client, good_header(client, "kernel_info_request"), {})
    client.control.send_multipart(frames)
    assert client.reply("control")["msg_type"] == "kernel_info_reply"
    client.control.send_multipart(frames)
    assert client.reply("control", timeout=1.0) is None
    assert "refused a replayed message" in kernel.log_text()


def test_hundred_megabyte_frames(kernel, client):
    run(client, "kept = 42")
    junk = os.urandom(100 << 20)
    client.shell.send_multipart([junk])
    tried["wire: 100 MB junk frame"] += 1
    reply, outputs = run(client, "kept + 1", timeout=120)
    assert plain_result(outputs) == "kept + 1 = 43"

    # A signed request with 100 MB of code: answered, with a LimitError, not run.
    huge = "kept = 0 " + " " * (100 << 20)
    msg_id = client.execute(huge)
    tried["wire: 100 MB signed cell"] += 1
    reply = client.reply(timeout=120)
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "LimitError"
    reply, outputs = run(client, "kept")
    assert plain_result(outputs) == "kept = 42"
    del junk, huge


def test_raw_tcp_garbage_and_silent_connections(kernel, client):
    """Bytes that are not ZMTP at all, and a connection that never says anything."""
    silent = socket.create_connection((kernel.ip, kernel.ports["shell_port"]))
    for _ in range(REPEATS):
        with socket.create_connection((kernel.ip, kernel.ports["shell_port"])) as raw:
            raw.sendall(os.urandom(4096))
        tried["wire: raw TCP garbage"] += 1
    for port in ("control_port", "hb_port", "iopub_port"):
        with socket.create_connection((kernel.ip, kernel.ports[port])) as raw:
            raw.sendall(b"\xff" + os.urandom(1024))
        tried["wire: raw TCP garbage"] += 1
    _, outputs = run(client, "d/dx x^3")
    assert plain_result(outputs).endswith("3x²")
    silent.close()


# ---------------------------------------------------------------------------------------------
# Interrupts: long statements of each engine stop within 200 ms, bindings intact.

LONG_DEFINITIONS = "\n".join(["f1(x) = sin(x) + cos(x)"] + [f"f{i}(x) = f{i-1}(x) + f{i-1}(2x)" for i in range(2, 13)])
LONG_STATEMENTS = {
    "value table": "table f12(x) for x in 0..1 step 0.0001",
    "deep autograd": "descend f8(w) wrt w rate 0.0001 for 100000 steps",
    "high-order derivative": "d^40/dx^40 tan(x)*sigmoid(x)",
}


def interrupt_kernel(kernel, client, how):
    if how == "SIGINT":
        os.kill(kernel.process.pid, signal.SIGINT)
    else:
        client.send("interrupt_request", {}, channel="control")


@pytest.mark.parametrize("how", ["interrupt_request", "SIGINT"])
@pytest.mark.parametrize("statement", sorted(LONG_STATEMENTS))
def test_interrupt_stops_a_long_statement_within_200_ms(kernel, client, statement, how):
    run(client, LONG_DEFINITIONS + "\nw = 0.5\nkept = 7")
    msg_id = client.execute(LONG_STATEMENTS[statement])
    assert client.reply(timeout=2.0) is None, "the statement finished before it could be interrupted"
    began = time.perf_counter()
    interrupt_kernel(kernel, client, how)
    reply = client.reply(timeout=10)
    elapsed = time.perf_counter() - began
    assert reply["parent_header"]["msg_id"] == msg_id
    assert reply["content"]["status"] == "error"
    assert reply["content"]["ename"] == "Interrupted"
    tried[f"interrupt: {statement} by {how}"] += 1
    print(f"{statement} by {how}: replied {elapsed * 1000:.1f} ms after the interrupt")
    assert elapsed < 0.2
    if how == "interrupt_request":
        assert client.reply("control")["msg_type"] == "interrupt_reply"
    _, outputs = run(client, "kept + w")
    assert plain_result(outputs) == "kept + w = 7.5"


def test_heartbeat_and_control_answer_during_a_ten_second_statement(kernel, client):
    run(client, LONG_DEFINITIONS + "\nw = 0.5")
    heartbeat = kernel.context.socket(zmq.REQ)
    heartbeat.linger = 0
    heartbeat.connect(kernel.endpoint("hb"))
    msg_id = client.execute(LONG_STATEMENTS["deep autograd"])
    pings = infos = 0
    began = time.monotonic()
    while time.monotonic() - began < 10:
        heartbeat.send(b"ping")
        assert heartbeat.poll(1000), "the heartbeat stopped answering"
        assert heartbeat.recv() == b"ping"
        pings += 1
        if pings % 10 == 0:
            client.send("kernel_info_request", {}, channel="control")
            info = client.reply("control", timeout=1.0)
            assert info is not None and info["msg_type"] == "kernel_info_reply"
            infos += 1
        time.sleep(0.1)
    assert client.reply(timeout=0) is None, "the statement did not run for ten seconds"
    tried["busy 10 s: heartbeat pings answered"] += pings
    tried["busy 10 s: control kernel_info answered"] += infos
    client.send("interrupt_request", {}, channel="control")
    reply = client.reply(timeout=5)
    assert reply["parent_header"]["msg_id"] == msg_id and reply["content"]["ename"] == "Interrupted"
    heartbeat.close()


# ---------------------------------------------------------------------------------------------
# Load: 4 clients, 2,500 execute_requests each, interleaved; nothing lost or crossed.

@pytest.fixture
def fresh_kernel(tmp_path):
    """A kernel of its own, so that memory measured under load is not the other tests' heap."""
    process = KernelProcess(tmp_path)
    yield process
    assert process.process.poll() is None
    process.stop()


def test_four_clients_interleaved(fresh_kernel):
    kernel = fresh_kernel
    clients = [kernel.client() for _ in range(4)]
    for each in clients:
        each.wait_until_ready()
    names = [f"load{index}" for index in range(len(clients))]
    for each, name in zip(clients, names):
        run(each, f"{name} = 0")
    for each in clients:  # the other clients' outputs from the set-up
        while each.iopub_message(timeout=0.2):
            pass

    poller = zmq.Poller()
    for each in clients:
        poller.register(each.shell, zmq.POLLIN)
        poller.register(each.iopub, zmq.POLLIN)
    sent = defaultdict(list)        # client index -> msg_ids in order
    replies = defaultdict(list)     # client index -> parent msg_ids in arrival order
    results = defaultdict(dict)     # client index -> msg_id -> text/plain of its execute_result
    foreign = Counter()

    def receive_all():
        for index, each in enumerate(clients):
            while each.shell.poll(0):
                reply = each.parse(each.shell.recv_multipart())
                assert reply["msg_type"] == "execute_reply" and reply["content"]["status"] == "ok"
                replies[index].append(reply["parent_header"]["msg_id"])
            while each.iopub.poll(0):
                message = each.parse(each.iopub.recv_multipart())
                if message["msg_type"] != "execute_result":
                    continue
                if message["parent_header"].get("session") == each.session:
                    results[index][message["parent_header"]["msg_id"]] = message["content"]["data"]["text/plain"]
                else:
                    foreign[index] += 1

    def drive(per_client, window=64):
        goal = {index: len(sent[index]) + per_client for index in range(len(clients))}
        while any(len(replies[index]) < goal[index] for index in goal):
            for index, each in enumerate(clients):  # interleaved: one request per client per turn
                if len(sent[index]) < goal[index] and len(sent[index]) - len(replies[index]) < window:
                    sent[index].append(each.execute(f"{names[index]} = {names[index]} + 1; {names[index]}"))
            assert poller.poll(10_000), "the kernel stopped answering under load"
            receive_all()
        # iopub runs on its own thread: the last results may arrive just after the last replies.
        total = sum(len(ids) for ids in sent.values())
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and any(
                len(results[index]) + foreign[index] < total for index in range(len(clients))):
            poller.poll(100)
            receive_all()

    drive(250)
    time.sleep(0.5)
    after_1000 = kernel.resident_megabytes()
    drive(2250)
    time.sleep(0.5)
    after_10000 = kernel.resident_megabytes()

    for index, name in enumerate(names):
        assert replies[index] == sent[index], "replies missing, doubled or out of order"
        assert len(sent[index]) == 2500
        expected = {msg_id: f"{name} = {k}" for k, msg_id in enumerate(sent[index], start=1)}
        assert results[index] == expected, "an execute_result is missing or wrong"
        assert foreign[index] == 3 * 2500, "every client sees the others' results on iopub, by their session"
        _, outputs = run(clients[index], name)
        assert plain_result(outputs) == f"{name} = 2500"
    tried["load: execute_requests from 4 interleaved clients"] += sum(len(ids) for ids in sent.values())
    growth = (after_10000 - after_1000) / after_1000
    print(f"resident memory: {after_1000:.1f} MB after 1,000 requests, {after_10000:.1f} MB after 10,000 "
          f"({growth * 100:+.1f}%)")
    REPORT.parent.mkdir(exist_ok=True)
    (REPORT.parent / "hardening-memory.json").write_text(json.dumps(
        {"after_1000_MB": round(after_1000, 2), "after_10000_MB": round(after_10000, 2)}) + "\n")
    assert growth < 0.10
    for each in clients:
        each.close()


def test_vanished_client_does_not_wedge_the_kernel(kernel, client):
    run(client, LONG_DEFINITIONS)
    for _ in range(10):
        ghost = kernel.client()
        ghost.wait_until_ready()
        ghost.execute("table f8(x) for x in 0..1 step 0.001")
        ghost.send("kernel_info_request", {}, channel="control")
        ghost.close()  # gone before any reply
        tried["client vanished mid-request"] += 1
    reply, outputs = run(client, "d/dx sin(x^2)", timeout=60)
    assert plain_result(outputs).endswith("= 2x·cos(x²)")


# ---------------------------------------------------------------------------------------------
# Restart, shutdown, security.

def test_restart_gives_a_fresh_session():
    from jupyter_client.manager import start_new_kernel
    manager, kc = start_new_kernel(kernel_name="calculus")
    try:
        kc.execute_interactive("before_restart = 3", timeout=30)
        old_pid = manager.provisioner.process.pid
        kc.stop_channels()
        manager.restart_kernel(now=False)
        kc = manager.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=30)
        outputs = []
        reply = kc.execute_interactive("before_restart", timeout=30, output_hook=outputs.append)
        assert reply["content"]["execution_count"] == 1
        texts = [m["content"].get("data", {}).get("text/plain") for m in outputs if m["msg_type"] == "execute_result"]
        assert texts == ["before_restart"], "the old binding survived the restart"
        assert manager.provisioner.process.pid != old_pid
        with pytest.raises(ProcessLookupError):
            os.kill(old_pid, 0)
        tried["restart_kernel"] += 1
    finally:
        kc.stop_channels()
        manager.shutdown_kernel()


def test_shutdown_leaves_no_process_or_socket(tmp_path):
    for channel in ("control", "shell"):
        process = KernelProcess(tmp_path)
        probe = process.client()
        probe.wait_until_ready()
        run(probe, "d/dx x^2")
        probe.send("shutdown_request", {"restart": False}, channel=channel)
        assert probe.reply(channel)["content"]["status"] == "ok"
        assert process.process.wait(timeout=10) == 0
        probe.close()
        assert not set(process.ports.values()) & {port for _, port in listening_addresses()}
        for port in process.ports.values():
            with socket.socket() as check:
                # As a new kernel's libzmq would: connections the kernel closed may linger in
                # TIME_WAIT, which SO_REUSEADDR allows, but no socket may still be bound.
                check.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                check.bind((process.ip, port))
        process.stop()
        tried[f"shutdown_request on {channel}"] += 1


def listening_addresses(pid=None):
    """Local addresses of the TCP sockets a process (or any process) listens on, from /proc."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir() if pid else []:
        try:
            target = os.readlink(fd)
        except OSError:
            continue
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    addresses = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if (pid is None or fields[9] in inodes) and fields[3] == "0A":  # 0A: LISTEN
                host, port = fields[1].split(":")
                if len(host) == 8:
                    host = socket.inet_ntoa(bytes.fromhex(host)[::-1])
                addresses.append((host, int(port, 16)))
    return sorted(addresses)


def test_binds_only_to_the_connection_files_ip(kernel, client):
    expected = sorted((kernel.ip, port) for port in kernel.ports.values())
    assert listening_addresses(kernel.process.pid) == expected


def test_binds_to_another_loopback_ip_when_asked(tmp_path):
    process = KernelProcess(tmp_path, ip="127.0.0.2")
    try:
        probe = process.client()
        probe.wait_until_ready()
        assert listening_addresses(process.process.pid) == sorted(("127.0.0.2", p) for p in process.ports.values())
        probe.close()
    finally:
        process.stop()


def test_empty_key_warns_loudly_and_still_works(tmp_path):
    process = KernelProcess(tmp_path, key="")
    try:
        probe = process.client()
        probe.wait_until_ready()
        _, outputs = run(probe, "d/dx x^2")
        assert plain_result(outputs).endswith("= 2x")
        assert "EMPTY KEY" in process.log_text()
        probe.close()
    finally:
        process.stop()


def test_the_key_is_never_logged(kernel):
    assert kernel.key.decode() not in kernel.log_text()
    assert len(kernel.log_text()) > 0, "the log is empty: the faults above should have been logged"


def test_kernelspec_is_not_world_writable(tmp_path):
    def install(prefix):
        subprocess.run([BINARY, "install", "--prefix", str(prefix)], check=True, capture_output=True,
                       preexec_fn=lambda: os.umask(0))
        return prefix / "share/jupyter/kernels/calculus"

    destination = install(tmp_path)
    destination.chmod(0o777)  # left so by an earlier careless install
    install(tmp_path)
    for path in [destination, *destination.iterdir()]:
        mode = path.stat().st_mode
        assert not mode & stat.S_IWOTH, f"{path} is world-writable"
        assert not mode & stat.S_IWGRP, f"{path} is group-writable"
