"""Every notebook in notebooks/ runs through Jupyter (nbclient + the installed kernelspec) without an
error, except in cells tagged raises-exception, and its outputs are valid nbformat."""
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
