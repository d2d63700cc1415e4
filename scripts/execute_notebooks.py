"""Execute every notebook of a folder through Jupyter (nbclient + the installed 'calculus' kernelspec).

Usage: execute_notebooks.py SOURCE_DIR OUTPUT_DIR

Each executed copy is written to OUTPUT_DIR and validated with nbformat. A cell that raises fails the
run unless it is tagged `raises-exception`, as nbclient defines.
"""
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def execute(path: Path, output_dir: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    started = time.perf_counter()
    client = NotebookClient(notebook, kernel_name="calculus", timeout=120, resources={"metadata": {"path": str(path.parent)}})
    client.execute()
    nbformat.validate(notebook)
    target = output_dir / path.name
    nbformat.write(notebook, target)
    print(f"  {path.name}: {len(notebook.cells)} cells in {time.perf_counter() - started:.2f} s -> {target}")


def main() -> int:
    source, output = Path(sys.argv[1]), Path(sys.argv[2])
    output.mkdir(parents=True, exist_ok=True)
    notebooks = sorted(source.glob("*.ipynb"))
    if not notebooks:
        print(f"no notebooks in {source}", file=sys.stderr)
        return 1
    for path in notebooks:
        execute(path, output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
