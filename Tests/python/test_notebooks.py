"""Every notebook in notebooks/ runs through Jupyter (nbclient + the installed kernelspec) without an
error, except in cells tagged raises-exception, and its outputs are valid nbformat."""
import os
import subprocess
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_runs_through_jupyter(path):
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="calculus", timeout=60).execute()
    nbformat.validate(notebook)
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        if "raises-exception" in cell.metadata.get("tags", []):
            assert errors, f"cell tagged raises-exception did not raise: {cell.source!r}"
        else:
            assert not errors, f"{path.name}: {cell.source!r} failed: {errors[0].evalue if errors else ''}"


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ is empty"


def plain_outputs(notebook):
    """Each code cell's outputs as (type, text/plain or stream text, ename): what must not change."""
    cells = []
    for cell in notebook.cells:
        if cell.cell_type == "code":
            cells.append([(o.output_type, o.get("data", {}).get("text/plain") or o.get("text"), o.get("ename"))
                          for o in cell.outputs])
    return cells


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_calculus_kernel_run_matches_jupyter(path, tmp_path):
    """`calculus-kernel run` (no Jupyter) writes valid nbformat with the same outputs nbclient gets."""
    binary = os.environ.get("CALCULUS_KERNEL_BINARY", str(Path(__file__).parents[2] / ".build/debug/calculus-kernel"))
    target = tmp_path / path.name
    subprocess.run([binary, "run", str(path), "--output", str(target)], check=True, timeout=120)
    headless = nbformat.read(target, as_version=4)
    nbformat.validate(headless)
    through_jupyter = nbformat.read(path, as_version=4)
    NotebookClient(through_jupyter, kernel_name="calculus", timeout=60).execute()
    assert plain_outputs(headless) == plain_outputs(through_jupyter)


def test_run_fails_on_an_untagged_error(tmp_path):
    binary = os.environ.get("CALCULUS_KERNEL_BINARY", str(Path(__file__).parents[2] / ".build/debug/calculus-kernel"))
    script = tmp_path / "bad.calc"
    script.write_text("x = 1\nsine(x)\n")
    result = subprocess.run([binary, "run", str(script)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 1
    assert "did you mean sin?" in result.stderr
