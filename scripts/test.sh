#!/usr/bin/env bash
# Every test: the Swift suites (swift test), then the Jupyter conformance suite and the notebook
# runs against the installed kernelspec (pytest in the project's venv), the hardening suite, and a
# 60-second libFuzzer smoke over the language.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh --test

echo "== building"
swift build
binary="$(swift build --show-bin-path)/calculus-kernel"
test -x "$binary"

echo "== swift test"
swift test

echo "== installing the kernelspec into .venv"
VIRTUAL_ENV="$PWD/.venv" "$binary" install --sys-prefix

echo "== pytest (Jupyter conformance, notebooks, browser, console, hardening)"
CALCULUS_KERNEL_BINARY="$binary" .venv/bin/python -m pytest -q Tests/python

echo "== fuzz smoke (libFuzzer, 60 s; scripts/fuzz.sh SECONDS for longer runs)"
scripts/fuzz.sh 60
