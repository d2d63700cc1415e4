"""JupyterLab in a real browser: Debian's Chromium, driven by selenium, opens a notebook with steps,
a chain-rule table, a computation graph and a plot, runs every cell on the installed 'calculus'
kernel, and the test reads the rendered page: MathJax typeset the math, the table has its rows,
both pictures are there, and no cell shows an error. The screenshot is kept in out/screenshots/."""
import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = shutil.which("chromedriver")

CELLS = [
    "d/dx sin(cos(tan(x^2 + 1)))",
    "table d/dx [(3x+1)^2, sin(x^2), e^(2x)]",
    "x = 2; w = 3; target = 10\nloss = ((w*x)^2 - target)^2\ngraph loss",
    "plot sigmoid(x), d/dx sigmoid(x) for x in -6..6",
]

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and CHROMEDRIVER), reason="needs Debian's chromium and chromium-driver (scripts/bootstrap.sh --test)"
)


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A JupyterLab server on loopback, with its own config, runtime and notebook folders."""
    home = tmp_path_factory.mktemp("lab")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "calculus", "display_name": "Calculus", "language": "calculus"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(notebook, home / "browser.ipynb")
    port, token = free_port(), "calculus-browser-test"
    # No "news" pop-up over the screenshot.
    (home / "config" / "labconfig").mkdir(parents=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    environment = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                       HOME=str(home))
    server = subprocess.Popen(
        [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
         f"--IdentityProvider.token={token}", f"--ServerApp.root_dir={home}", "--ServerApp.open_browser=False",
         "--LabApp.news_url=", "--allow-root"],
        env=environment, stdout=subprocess.DEVNULL, stderr=open(home / "lab.log", "w"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2)
            break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail("JupyterLab did not start:\n" + (home / "lab.log").read_text()[-3000:])
            time.sleep(0.3)
    yield base, token
    server.terminate()
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1800",
                     "--disable-gpu", "--hide-scrollbars"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    yield driver
    driver.quit()


def wait_for(predicate, timeout, what):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            result = predicate()
            if result:
                return result
        except Exception:  # the page is still being built
            pass
        time.sleep(0.25)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def test_jupyterlab_renders_steps_table_graph_and_plot(lab, browser):
    from selenium.webdriver.common.by import By

    base, token = lab
    browser.get(f"{base}/lab/tree/browser.ipynb?token={token}")
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")) == len(CELLS), 90,
             "the notebook's cells")
    wait_for(lambda: "Calculus" in browser.find_element(By.CSS_SELECTOR, ".jp-KernelName").text, 60,
             "the Calculus kernel")

    # Run → Run All Cells, through the menu as a user would.
    run_menu = wait_for(lambda: [item for item in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                                 if item.text.strip() == "Run"], 30, "the Run menu")
    run_menu[0].click()
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "li.lm-Menu-item[data-command='runmenu:run-all']"),
             10, "Run All Cells").click()

    def prompts():
        return [prompt.text.strip() for prompt in
                browser.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputArea-prompt")]

    wait_for(lambda: all(p.startswith("[") and p[1:-2].strip().isdigit() for p in prompts()) and len(prompts()) == len(CELLS),
             120, f"every cell to finish (prompts {prompts()})")
    cells = browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-CodeCell")
    outputs = [cell.find_elements(By.CSS_SELECTOR, ".jp-OutputArea-output") for cell in cells]
    # MathJax 3 replaces $…$ by mjx-container elements once it has typeset them.
    wait_for(lambda: len(cells[0].find_elements(By.CSS_SELECTOR, "mjx-container")) >= 3, 60, "MathJax to typeset the steps")
    time.sleep(1.0)  # let MathJax finish the tables' headers before the screenshot

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "jupyterlab.png"))
    page_errors = browser.find_elements(By.CSS_SELECTOR, "[data-mime-type='application/vnd.jupyter.stderr']")
    (SCREENSHOTS / "jupyterlab-outputs.json").write_text(json.dumps(
        [[output.get_attribute("innerText")[:300] for output in cell_outputs] for cell_outputs in outputs], indent=1))

    assert not page_errors, [error.text for error in page_errors]
    assert all(len(cell_outputs) == 1 for cell_outputs in outputs), [len(o) for o in outputs]
    # Steps: numbered Markdown with typeset math, the answer among them.
    steps = cells[0].find_element(By.CSS_SELECTOR, ".jp-RenderedMarkdown")
    assert "chain rule" in steps.text
    assert len(steps.find_elements(By.CSS_SELECTOR, "mjx-container")) >= 5
    # The chain-rule table: one row per expression, four columns.
    rows = cells[1].find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon table tbody tr")
    assert len(rows) == 3
    assert len(rows[0].find_elements(By.CSS_SELECTOR, "td")) == 4
    # Its cells are typeset too: MathJax puts each symbol on its own line of innerText.
    assert rows[0].find_elements(By.CSS_SELECTOR, "mjx-container")
    assert rows[0].find_elements(By.CSS_SELECTOR, "td")[3].text.replace("\n", "") == "6(3x+1)"
    # The graph and the plot: SVG members, shown by JupyterLab's SVG renderer.
    for index in (2, 3):
        pictures = cells[index].find_elements(By.CSS_SELECTOR, ".jp-RenderedSVG img, .jp-RenderedSVG svg")
        assert pictures, f"cell {index} shows no SVG"
        assert pictures[0].size["width"] > 300 and pictures[0].size["height"] > 100
