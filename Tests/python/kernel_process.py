"""A calculus kernel process started by hand from a connection file, and a minimal signed client that
can also send what no well-behaved client would: the tools of the hardening tests."""
import hashlib
import hmac
import json
import os
import socket
import subprocess
import time
import uuid
from pathlib import Path

import zmq

ROOT = Path(__file__).parents[2]
BINARY = os.environ.get("CALCULUS_KERNEL_BINARY", str(ROOT / ".build/debug/calculus-kernel"))
DELIMITER = b"<IDS|MSG>"


def free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for probe in sockets:
        probe.bind(("127.0.0.1", 0))
    ports = [probe.getsockname()[1] for probe in sockets]
    for probe in sockets:
        probe.close()
    return ports


class KernelProcess:
    def __init__(self, directory: Path, key: str = None, ip: str = "127.0.0.1"):
        self.key = (uuid.uuid4().hex if key is None else key).encode()
        self.ip = ip
        ports = free_ports(5)
        self.ports = dict(zip(["shell_port", "iopub_port", "stdin_port", "control_port", "hb_port"], ports))
        self.connection_file = directory / f"kernel-{uuid.uuid4().hex[:8]}.json"
        self.connection_file.write_text(json.dumps(dict(
            self.ports, ip=ip, key=self.key.decode(), transport="tcp", signature_scheme="hmac-sha256",
            kernel_name="calculus")))
        self.log_path = directory / f"{self.connection_file.stem}.log"
        self.log = open(self.log_path, "wb")
        self.process = subprocess.Popen([BINARY, "kernel", "-f", str(self.connection_file)], stderr=self.log,
                                        stdout=subprocess.DEVNULL)
        self.context = zmq.Context()

    def endpoint(self, name):
        return f"tcp://{self.ip}:{self.ports[name + '_port']}"

    def client(self, session=None):
        return RawClient(self, session or uuid.uuid4().hex)

    def log_text(self):
        self.log.flush()
        return self.log_path.read_text(errors="replace")

    def resident_megabytes(self):
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
        return 0.0

    def stop(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        self.log.close()
        self.context.destroy(linger=0)


class RawClient:
    """Signs and sends raw frames; reads replies and iopub messages as plain dictionaries."""

    def __init__(self, kernel: KernelProcess, session: str):
        self.kernel = kernel
        self.session = session
        self.shell = kernel.context.socket(zmq.DEALER)
        self.shell.linger = 0
        self.shell.connect(kernel.endpoint("shell"))
        self.control = kernel.context.socket(zmq.DEALER)
        self.control.linger = 0
        self.control.connect(kernel.endpoint("control"))
        self.iopub = kernel.context.socket(zmq.SUB)
        self.iopub.linger = 0
        self.iopub.setsockopt(zmq.SUBSCRIBE, b"")
        self.iopub.connect(kernel.endpoint("iopub"))

    def sign(self, parts):
        if not self.kernel.key:
            return b""
        mac = hmac.new(self.kernel.key, digestmod=hashlib.sha256)
        for part in parts:
            mac.update(part)
        return mac.hexdigest().encode()

    def frames(self, msg_type, content, msg_id=None):
        msg_id = msg_id or uuid.uuid4().hex
        header = json.dumps({"msg_id": msg_id, "msg_type": msg_type, "session": self.session, "username": "test",
                             "date": "2026-01-01T00:00:00.000000Z", "version": "5.4"}).encode()
        parts = [header, b"{}", b"{}", json.dumps(content).encode()]
        return msg_id, [DELIMITER, self.sign(parts)] + parts

    def send(self, msg_type, content, channel="shell"):
        msg_id, frames = self.frames(msg_type, content)
        getattr(self, channel).send_multipart(frames)
        return msg_id

    def execute(self, code, **extra):
        return self.send("execute_request", dict({"code": code, "silent": False, "store_history": True,
                                                  "user_expressions": {}, "allow_stdin": False}, **extra))

    @staticmethod
    def parse(frames):
        split = frames.index(DELIMITER)
        header, parent, _, content = (json.loads(frame) for frame in frames[split + 2:split + 6])
        return {"header": header, "parent_header": parent, "content": content, "msg_type": header["msg_type"]}

    def reply(self, channel="shell", timeout=10.0):
        """The next reply on a channel, or None when none comes within the timeout."""
        socket_ = getattr(self, channel)
        if not socket_.poll(int(timeout * 1000)):
            return None
        return self.parse(socket_.recv_multipart())

    def iopub_message(self, timeout=10.0):
        if not self.iopub.poll(int(timeout * 1000)):
            return None
        return self.parse(self.iopub.recv_multipart())

    def wait_until_ready(self, timeout=30.0):
        """kernel_info until a reply and the iopub welcome both arrive (the subscription is live)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.send("kernel_info_request", {})
            if self.reply(timeout=1.0):
                while self.iopub_message(timeout=0.5):
                    pass
                return
        raise AssertionError("the kernel never answered kernel_info")

    def close(self):
        for socket_ in (self.shell, self.control, self.iopub):
            socket_.close(linger=0)
