#!/usr/bin/env bash
# The main job: build the kernel, install its kernelspec into the project's venv, and execute every
# sample notebook headless through Jupyter (nbclient). Executed copies land in out/notebooks/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

echo "== building (release, with the Swift runtime linked in: faster start, less memory)"
swift build -c release --static-swift-stdlib --scratch-path .build-static --product calculus-kernel
binary="$PWD/.build-static/release/calculus-kernel"
test -x "$binary"

echo "== installing the kernelspec into .venv"
VIRTUAL_ENV="$PWD/.venv" "$binary" install --sys-prefix

echo "== executing notebooks/ headless"
mkdir -p out/notebooks
.venv/bin/python scripts/execute_notebooks.py notebooks out/notebooks
echo "Executed notebooks are in $PWD/out/notebooks"
