"""Every notebook in notebooks/ is executed twice, by Jupyter (nbclient through the installed
kernelspec) and by `calculus-kernel run` (no Jupyter), and both results are compared with the outputs
committed in the notebook: text/plain, stream text, error names and every JSON mime of the kernel.
Ids, timings and execution counts are ignored. A changed answer fails here; after a deliberate change,
re-run `calculus-kernel run NOTEBOOK --output NOTEBOOK` and review the diff."""
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

ROOT = Path(__file__).parents[2]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
BINARY = os.environ.get("CALCULUS_KERNEL_BINARY", str(ROOT / ".build/debug/calculus-kernel"))


def comparable_outputs(notebook):
    """Per code cell, what must not change: each output's type, its plain text (or stream text),
    its error name and message, and its application/vnd.calculus.* members."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        outputs = []
        for output in cell.outputs:
            data = output.get("data", {})
            outputs.append({
                "type": output.output_type,
                "text": data.get("text/plain") or output.get("text"),
                "error": (output.get("ename"), output.get("evalue")) if output.output_type == "error" else None,
                "json": {mime: value for mime, value in data.items() if mime.startswith("application/vnd.calculus.")},
                "members": sorted(data),
            })
        cells.append((cell.source, outputs))
    return cells


def assert_same_outputs(actual, committed, how):
    for index, ((source, got), (_, want)) in enumerate(zip(comparable_outputs(actual), comparable_outputs(committed))):
        assert got == want, f"{how}: code cell {index + 1} ({source!r}) differs from the committed outputs"
    assert len(actual.cells) == len(committed.cells)


def assert_errors_only_where_tagged(notebook, name):
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in cell.metadata.get("tags", []):
            assert errors, f"{name}: cell tagged raises-exception did not raise: {cell.source!r}"
        else:
            assert not errors, f"{name}: {cell.source!r} failed: {errors[0].evalue if errors else ''}"


def test_there_are_the_course_notebooks():
    names = [path.name for path in NOTEBOOKS]
    assert len(names) >= 7, names
    for path in NOTEBOOKS:
        committed = nbformat.read(path, as_version=4)
        code = [cell for cell in committed.cells if cell.cell_type == "code"]
        assert all(cell.outputs for cell in code), f"{path.name} is committed without its outputs"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_jupyter_gives_the_committed_outputs(path):
    committed = nbformat.read(path, as_version=4)
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(notebook, kernel_name="calculus", timeout=60).execute()
    nbformat.validate(notebook)
    assert_errors_only_where_tagged(notebook, path.name)
    assert_same_outputs(notebook, committed, "nbclient")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_calculus_kernel_run_gives_the_committed_outputs(path, tmp_path):
    """`calculus-kernel run` (no Jupyter) writes valid nbformat with the committed outputs."""
    target = tmp_path / path.name
    subprocess.run([BINARY, "run", str(path), "--output", str(target)], check=True, timeout=120)
    headless = nbformat.read(target, as_version=4)
    nbformat.validate(headless)
    assert_same_outputs(headless, nbformat.read(path, as_version=4), "calculus-kernel run")


def test_a_changed_answer_is_caught(tmp_path):
    """The comparison itself: a committed output edited by one digit must not match."""
    path = next(p for p in NOTEBOOKS if p.name.startswith("04-"))
    committed = nbformat.read(path, as_version=4)
    edited = nbformat.read(path, as_version=4)
    for cell in edited.cells:
        for output in cell.get("outputs", []):
            text = output.get("data", {}).get("text/plain", "")
            if "1248" in text:
                output["data"]["text/plain"] = text.replace("1248", "1247")
    with pytest.raises(AssertionError):
        assert_same_outputs(committed, edited, "edited")


def test_run_fails_on_an_untagged_error(tmp_path):
    script = tmp_path / "bad.calc"
    script.write_text("x = 1\nsine(x)\n")
    result = subprocess.run([BINARY, "run", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "did you mean sin?" in result.stderr
