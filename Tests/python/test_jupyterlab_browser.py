"""JupyterLab and Notebook 7 in a real browser: Debian's Chromium, driven by selenium.

- A notebook with steps, a chain-rule table, a computation graph and a plot runs on the installed
  'calculus' kernel, and the test reads the rendered page: MathJax typeset the math, the table has its
  rows, both pictures are there, and no cell shows an error.
- Every committed notebook is opened as a newcomer opens it, without running it, from a fresh Jupyter
  data folder (so nothing is trusted: HTML is sanitized and image/svg+xml is not rendered), in
  JupyterLab and in Notebook 7: every output that carries a picture shows one, tables are intact and
  math is typeset; and the same in both after running all cells.

Screenshots are kept in out/screenshots/."""
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


NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    """A Jupyter server on loopback (JupyterLab and Notebook 7) with its own config, data, runtime,
    settings and notebook folders: a fresh data folder trusts no notebook."""
    home = tmp_path_factory.mktemp("lab")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "calculus", "display_name": "Calculus", "language": "calculus"}
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in CELLS]
    nbformat.write(notebook, home / "browser.ipynb")
    (home / "committed").mkdir()
    for path in NOTEBOOKS:
        shutil.copy(path, home / "committed" / path.name)
    port, token = free_port(), "calculus-browser-test"
    # No "news" pop-up over the screenshot.
    (home / "config" / "labconfig").mkdir(parents=True)
    (home / "config" / "labconfig" / "page_config.json").write_text(json.dumps(
        {"disabledExtensions": {"@jupyterlab/apputils-extension:announcements": True}}))
    # Every cell rendered, not only those scrolled into view, so that the page can be counted.
    settings = home / "settings" / "@jupyterlab" / "notebook-extension"
    settings.mkdir(parents=True)
    (settings / "tracker.jupyterlab-settings").write_text(json.dumps({"windowingMode": "none"}))
    environment = dict(os.environ, JUPYTER_CONFIG_DIR=str(home / "config"), JUPYTER_RUNTIME_DIR=str(home / "runtime"),
                       JUPYTER_DATA_DIR=str(home / "data"), JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
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
    # Leaving a notebook that ran asks "leave the page?": the answer is yes.
    options.set_capability("unhandledPromptBehavior", "accept")
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

    run_all(browser)

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
    # The graph and the plot: images by data URI inside the HTML member.
    for index in (2, 3):
        pictures = cells[index].find_elements(By.CSS_SELECTOR, ".jp-RenderedHTMLCommon img")
        assert pictures, f"cell {index} shows no picture"
        assert pictures[0].size["width"] > 300 and pictures[0].size["height"] > 100


def run_all(browser):
    """Run → Run All Cells, through the menu as a user would."""
    from selenium.webdriver.common.by import By

    run_menu = wait_for(lambda: [item for item in browser.find_elements(By.CSS_SELECTOR, ".lm-MenuBar-item")
                                 if item.text.strip() == "Run"], 30, "the Run menu")
    run_menu[0].click()
    wait_for(lambda: browser.find_element(By.CSS_SELECTOR, "li.lm-Menu-item[data-command='runmenu:run-all']"),
             10, "Run All Cells").click()


def committed_counts(path):
    """What a notebook's committed outputs carry: pictures (images by data URI in HTML), tables (in
    HTML, or in Markdown shown where there is no HTML member), and Markdown with math."""
    counts = {"pictures": 0, "tables": 0, "math": 0}
    for cell in nbformat.read(path, as_version=4).cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            html, markdown = data.get("text/html", ""), data.get("text/markdown", "")
            # Whatever carries a picture, in any form, must show one on the page.
            counts["pictures"] += "image/svg+xml" in data or "<svg" in html or "data:image/svg+xml" in html
            counts["tables"] += "<table" in html or (not html and "| --- |" in markdown)
            counts["math"] += not html and "$" in markdown
    return counts


def committed_errors(path):
    """Outputs that are errors on purpose (cells tagged raises-exception)."""
    return sum(output.get("output_type") == "error"
               for cell in nbformat.read(path, as_version=4).cells for output in cell.get("outputs", []))


# Counted on the page: pictures that loaded, tables, and Markdown outputs MathJax has typeset.
PAGE_COUNTS = """
// Only the notebook in view: JupyterLab keeps the others it has opened in the page, hidden.
const panel = document.querySelector('.jp-NotebookPanel:not(.lm-mod-hidden)') || document;
const outputs = Array.from(panel.querySelectorAll('.jp-OutputArea-output'));
return {
  pictures: outputs.filter(o => Array.from(o.querySelectorAll('img')).some(
      i => i.src.startsWith('data:image/svg+xml') && i.complete && i.naturalWidth > 0)).length,
  tables: outputs.filter(o => o.querySelector('table tbody tr')).length,
  math: outputs.filter(o => o.querySelector('.jp-RenderedMarkdown mjx-container')).length,
  spilled: outputs.filter(o => o.innerText.includes('<svg')).length,
  title: document.title,
};
"""


def open_and_count(browser, url, name, expected, timeout=90):
    from selenium.webdriver.common.by import By

    browser.get(url)
    wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, ".jp-Notebook .jp-Cell"), 90, "the notebook's cells")
    counts = {}

    def complete():
        nonlocal counts
        counts = browser.execute_script(PAGE_COUNTS)
        return name in counts.pop("title") and all(counts[key] >= expected[key] for key in expected)

    try:
        wait_for(complete, timeout, f"{expected} on the page")
    except AssertionError:
        pass  # reported below with what was counted
    return counts


@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_committed_notebooks_show_every_picture_untrusted(lab, browser, front_end):
    base, token = lab
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shown, failures = 0, []
    for path in NOTEBOOKS:
        expected = committed_counts(path)
        # `reset`: a workspace of this notebook alone, not the ones opened before it.
        route = f"lab/tree/committed/{path.name}?reset&" if front_end == "lab" else f"notebooks/committed/{path.name}?"
        counts = open_and_count(browser, f"{base}/{route}token={token}", path.stem[:10], expected)
        browser.save_screenshot(str(SCREENSHOTS / f"untrusted-{front_end}-{path.stem}.png"))
        if any(counts[key] != expected[key] for key in expected) or counts["spilled"]:
            failures.append(f"{path.name}: committed {expected}, shown {counts}")
        shown += counts["pictures"]
    assert not failures, "\n".join(failures)
    assert shown >= 17


@pytest.mark.parametrize("front_end", ["lab", "notebook7"])
def test_committed_notebooks_show_every_picture_after_running(lab, browser, front_end):
    from selenium.webdriver.common.by import By

    base, token = lab
    for path in NOTEBOOKS:
        expected = committed_counts(path)
        route = f"lab/tree/committed/{path.name}?reset&" if front_end == "lab" else f"notebooks/committed/{path.name}?"
        open_and_count(browser, f"{base}/{route}token={token}", path.stem[:10], expected)
        wait_for(lambda: "Calculus" in browser.find_element(By.CSS_SELECTOR, ".jp-KernelName, .jp-Toolbar-kernelName").text,
                 60, "the Calculus kernel")
        run_all(browser)
        code_cells = len([cell for cell in nbformat.read(path, as_version=4).cells if cell.cell_type == "code"])

        def finished():
            prompts = [prompt.text.strip() for prompt in
                       browser.find_elements(By.CSS_SELECTOR, ".jp-CodeCell .jp-InputArea-prompt")]
            return len(prompts) == code_cells and all(p.startswith("[") and p[1:-2].strip().isdigit() for p in prompts)

        wait_for(finished, 180, f"every cell of {path.name} to finish")
        counts = {}

        def complete():
            nonlocal counts
            counts = browser.execute_script(PAGE_COUNTS)
            counts.pop("title")
            return all(counts[key] >= expected[key] for key in expected)

        try:
            wait_for(complete, 60, f"{expected} after running {path.name}")
        except AssertionError:
            pass
        errors = browser.find_elements(
            By.CSS_SELECTOR, ".jp-NotebookPanel:not(.lm-mod-hidden) [data-mime-type='application/vnd.jupyter.stderr']")
        assert len(errors) == committed_errors(path), [error.text for error in errors]
        assert all(counts[key] == expected[key] for key in expected) and not counts["spilled"], \
            f"{path.name}: committed {expected}, shown after running {counts}"



def save_and_open(lab, browser, name, notebook):
    """Saves `notebook` through the server's contents API (as JupyterLab saves one) and opens it in
    JupyterLab, in a workspace of its own."""
    base, token = lab
    request = urllib.request.Request(
        f"{base}/api/contents/{name}?token={token}", method="PUT",
        data=json.dumps({"type": "notebook", "format": "json", "content": notebook}).encode(),
        headers={"Content-Type": "application/json"})
    urllib.request.urlopen(request, timeout=10)
    browser.get(f"{base}/lab/tree/{name}?reset&token={token}")


def test_explore_slider_moved_with_the_keyboard_changes_picture_and_numbers(lab, browser):
    """JupyterLab with its widget manager (jupyterlab_widgets): the slider of an `explore`, moved with
    the arrow keys, changes the tangent line's numbers and its picture on the page."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "calculus", "display_name": "Calculus", "language": "calculus"}
    notebook.cells = [nbformat.v4.new_code_cell("explore tangent sin(x) at x = a with a in -3..3")]
    save_and_open(lab, browser, "explore.ipynb", notebook)
    wait_for(lambda: "Calculus" in browser.find_element(By.CSS_SELECTOR, ".jp-KernelName").text, 90, "the Calculus kernel")
    run_all(browser)

    def rendering():
        return browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output .widget-html-content")

    try:
        wait_for(lambda: "y = x" in rendering().text, 60, "the widget's rendering at a = 0")
    except AssertionError:
        browser.save_screenshot(str(SCREENSHOTS / "explore-failed.png"))
        (SCREENSHOTS / "explore-failed.txt").write_text(browser.execute_script(
            "return (document.querySelector('.jp-OutputArea') || document.body).innerHTML"))
        raise
    handle = wait_for(lambda: browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output .widget-slider .noUi-handle"),
                      30, "the slider's handle")
    before = rendering().find_element(By.CSS_SELECTOR, "img").get_attribute("src")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SCREENSHOTS / "explore-before.png"))
    handle.click()
    for _ in range(5):
        handle.send_keys(Keys.ARROW_RIGHT)  # five steps of 0.06: a = 0.3
    try:
        wait_for(lambda: "sin(0.3)" in rendering().text, 30, "the rendering at a = 0.3")
    except AssertionError:
        browser.save_screenshot(str(SCREENSHOTS / "explore-failed.png"))
        raise
    text = rendering().text
    assert "0.955336489125606" in text  # the slope cos(0.3)
    after = rendering().find_element(By.CSS_SELECTOR, "img").get_attribute("src")
    assert after != before, "the picture did not change"
    readout = browser.find_element(By.CSS_SELECTOR, ".jp-OutputArea-output .widget-readout").text
    assert readout.strip() == "0.3", readout
    browser.save_screenshot(str(SCREENSHOTS / "explore-after.png"))


def test_trusted_explore_notebook_shows_its_saved_sliders_without_running(lab, browser):
    """A notebook the user saved is trusted when it opens again: then JupyterLab draws each `explore`
    output from the widget state saved in the notebook's metadata (what `calculus-kernel run` writes,
    as Jupyter writes it), without a kernel having run anything: every slider at its starting value,
    with its rendering and picture, and no "model not found"."""
    from selenium.webdriver.common.by import By

    path = ROOT / "notebooks" / "09-explore.ipynb"
    notebook = nbformat.read(path, as_version=4)
    state = notebook.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    sliders = [model["state"] for model in state.values() if model["model_name"] == "FloatSliderModel"]
    assert len(sliders) >= 4
    # The server signs a notebook saved with every output marked trusted, as it does for the user's own saves.
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.metadata["trusted"] = True
    save_and_open(lab, browser, "trusted-explore.ipynb", notebook)
    panel = ".jp-NotebookPanel:not(.lm-mod-hidden)"
    try:
        wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, f"{panel} .widget-slider")) == len(sliders),
                 60, f"{len(sliders)} sliders restored from the saved state")
    finally:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        browser.save_screenshot(str(SCREENSHOTS / "trusted-explore.png"))
    readouts = [element.text.strip() for element in browser.find_elements(By.CSS_SELECTOR, f"{panel} .widget-readout")]
    assert sorted(readouts) == sorted(format(slider["value"], "g") for slider in sliders), readouts
    renderings = browser.find_elements(By.CSS_SELECTOR, f"{panel} .widget-html-content")
    assert len(renderings) == len(sliders)
    assert "tangent sin(x) at x = a: y = x" in renderings[0].text
    assert len(browser.find_elements(By.CSS_SELECTOR, f"{panel} .widget-html-content img")) >= 4
    text = browser.find_element(By.CSS_SELECTOR, panel).text
    assert "Error displaying widget" not in text and "Loading widget" not in text
