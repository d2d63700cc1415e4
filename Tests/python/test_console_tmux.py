"""`jupyter console` on the calculus kernel, typed into a real terminal (tmux): a line that ends in a
binary operator or leaves a bracket open continues on the next line, because the kernel's
is_complete_reply says "incomplete"; the finished derivative comes back as Out[n]."""
import os
import shutil
import subprocess
import sys
import time
import uuid

import pytest

TMUX = shutil.which("tmux")
pytestmark = pytest.mark.skipif(not TMUX, reason="needs tmux (scripts/bootstrap.sh --test)")


class Terminal:
    def __init__(self, command, environment):
        self.name = f"calculus-{uuid.uuid4().hex[:8]}"
        subprocess.run([TMUX, "new-session", "-d", "-s", self.name, "-x", "160", "-y", "50", command],
                       check=True, env=environment)

    def screen(self):
        return subprocess.run([TMUX, "capture-pane", "-p", "-J", "-t", self.name, "-S", "-200"],
                              capture_output=True, text=True).stdout

    def type(self, text):
        subprocess.run([TMUX, "send-keys", "-t", self.name, "-l", text], check=True)

    def enter(self):
        subprocess.run([TMUX, "send-keys", "-t", self.name, "Enter"], check=True)

    def wait_for(self, text, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} did not appear; the screen shows:\n{self.screen()}")

    def close(self):
        subprocess.run([TMUX, "kill-session", "-t", self.name], capture_output=True)


@pytest.fixture
def console(tmp_path):
    environment = dict(os.environ, JUPYTER_CONFIG_DIR=str(tmp_path / "config"), JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
                       IPYTHONDIR=str(tmp_path / "ipython"), TERM="xterm-256color")
    jupyter = os.path.join(os.path.dirname(sys.executable), "jupyter")
    terminal = Terminal(f"{jupyter} console --kernel calculus", environment)
    try:
        terminal.wait_for("In [1]:", timeout=60)
        yield terminal
    finally:
        terminal.close()


def test_a_derivative_typed_across_two_lines(console):
    console.type("d/dx sin(x^2) +")
    console.enter()
    # The line ends in '+': the console asks is_complete, the kernel says incomplete, the input continues.
    screen = console.wait_for("...:", timeout=10)
    assert "Out[1]" not in screen
    console.type("cos(x)")
    console.enter()
    screen = console.wait_for("Out[1]:")
    assert "d/dx sin(x²) + cos(x) = 2x·cos(x²) - sin(x)" in screen

    # An open bracket continues too; the steps of the chain rule come with the answer.
    console.type("d/dx (x^2")
    console.enter()
    console.wait_for("...:", timeout=10)
    console.type("+ 1)^3")
    console.enter()
    screen = console.wait_for("Out[2]:")
    assert "d/dx (x² + 1)³ = 6x·(x² + 1)²" in screen
    assert "chain rule" in screen
