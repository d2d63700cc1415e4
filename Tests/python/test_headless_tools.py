"""The tools people run notebooks with, as they run them with ipykernel: papermill (parameters
injected in the calculus language by the plugin in python/calculus-papermill), `calculus-kernel run
--parameter`, `jupyter nbconvert --to html --execute`, and the kernel behind jupyter-kernel-gateway
(kernels started over REST, cells run over its WebSocket)."""
import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
BINARY = os.environ.get("CALCULUS_KERNEL_BINARY", str(ROOT / ".build/debug/calculus-kernel"))
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def parameterised_notebook(path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "calculus", "display_name": "Calculus", "language": "calculus"}
    parameters = nbformat.v4.new_code_cell("rate = 0.1\nsteps = 2")
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [nbformat.v4.new_markdown_cell("# Parameters"), parameters, nbformat.v4.new_code_cell("rate*steps")]
    nbformat.write(notebook, path)


def result_text(cell):
    return "".join(output["data"]["text/plain"] for output in cell.outputs if output.output_type == "execute_result")


def test_papermill_injects_parameters_in_the_calculus_language(tmp_path):
    parameterised_notebook(tmp_path / "in.ipynb")
    subprocess.run([str(BIN / "papermill"), str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), "-k", "calculus",
                    "-p", "rate", "0.5", "-p", "steps", "4"], check=True, capture_output=True, timeout=120)
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert "injected-parameters" in cells[2].metadata["tags"]
    assert "rate = 0.5\nsteps = 4" in cells[2].source
    assert result_text(cells[3]) == "rate·steps = 2"


def test_papermill_refuses_a_parameter_the_language_has_no_meaning_for(tmp_path):
    parameterised_notebook(tmp_path / "in.ipynb")
    run = subprocess.run([str(BIN / "papermill"), str(tmp_path / "in.ipynb"), str(tmp_path / "out.ipynb"), "-k", "calculus",
                          "-p", "flag", "True"], capture_output=True, text=True, timeout=120)
    assert run.returncode != 0
    assert "the calculus language takes numbers and expressions as parameters, not bool" in run.stderr


def test_run_takes_parameters_without_jupyter(tmp_path):
    parameterised_notebook(tmp_path / "in.ipynb")
    subprocess.run([BINARY, "run", str(tmp_path / "in.ipynb"), "--output", str(tmp_path / "out.ipynb"),
                    "--parameter", "rate=0.5", "--parameter", "steps=2*2"], check=True, timeout=60)
    cells = nbformat.read(tmp_path / "out.ipynb", as_version=4).cells
    assert cells[2].metadata["tags"] == ["injected-parameters"] and "rate = 0.5" in cells[2].source
    assert result_text(cells[3]) == "rate·steps = 2"
    bad = subprocess.run([BINARY, "run", str(tmp_path / "in.ipynb"), "--parameter", "rate=0.5)"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode != 0 and "--parameter rate=0.5)" in bad.stderr


def test_nbconvert_executes_every_notebook_to_a_page_with_its_pictures_and_math(tmp_path):
    for path in NOTEBOOKS:
        subprocess.run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--execute", str(path), "--output-dir", str(tmp_path)],
                       check=True, capture_output=True, timeout=300)
        page = (tmp_path / f"{path.stem}.html").read_text()
        committed = sum("data:image/svg+xml" in output.get("data", {}).get("text/html", "")
                        for cell in nbformat.read(path, as_version=4).cells for output in cell.get("outputs", []))
        assert page.count("data:image/svg+xml;base64,") >= committed, path.name
        assert "<svg" not in page.split("</head>")[1].replace("<svg xmlns", ""), f"{path.name} has inline SVG"
        assert "MathJax" in page and ("\\frac" in page or "$" in page), path.name


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_seed_runs_behind_jupyter_kernel_gateway(tmp_path):
    import websocket

    port, token = free_port(), "calculus-gateway-test"
    server = subprocess.Popen(
        [str(BIN / "jupyter"), "kernelgateway", "--KernelGatewayApp.ip=127.0.0.1", f"--KernelGatewayApp.port={port}",
         f"--KernelGatewayApp.auth_token={token}"],
        env=dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path)), stdout=subprocess.DEVNULL, stderr=open(tmp_path / "gateway.log", "w"))
    base, headers = f"127.0.0.1:{port}", {"Authorization": f"token {token}"}
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(urllib.request.Request(f"http://{base}/api/kernelspecs", headers=headers), timeout=2)
                break
            except OSError:
                assert server.poll() is None and time.monotonic() < deadline, (tmp_path / "gateway.log").read_text()[-2000:]
                time.sleep(0.3)
        request = urllib.request.Request(f"http://{base}/api/kernels", data=json.dumps({"name": "calculus"}).encode(),
                                         headers=dict(headers, **{"Content-Type": "application/json"}), method="POST")
        kernel = json.load(urllib.request.urlopen(request, timeout=30))
        socket_ = websocket.create_connection(f"ws://{base}/api/kernels/{kernel['id']}/channels", header=headers, timeout=30)
        message_id = uuid.uuid4().hex
        code = "x = 2; w = 3; target = 10; loss = ((w*x)^2 - target)^2; grad loss wrt w"
        socket_.send(json.dumps({
            "header": {"msg_id": message_id, "msg_type": "execute_request", "username": "test", "session": uuid.uuid4().hex,
                       "version": "5.3", "date": ""},
            "parent_header": {}, "metadata": {}, "channel": "shell",
            "content": {"code": code, "silent": False, "store_history": True, "user_expressions": {}, "allow_stdin": False},
        }))
        result = None
        while True:
            message = json.loads(socket_.recv())
            if message.get("parent_header", {}).get("msg_id") != message_id:
                continue
            if message["msg_type"] == "execute_result":
                result = message["content"]["data"]
            if message["msg_type"] == "status" and message["content"]["execution_state"] == "idle":
                break
        socket_.close()
        assert result is not None and result["text/plain"].startswith("grad loss wrt w = 1248")
        assert result["application/vnd.calculus.gradient+json"]["gradient"]["w"] == 1248
    finally:
        server.terminate()
        server.wait(timeout=20)
