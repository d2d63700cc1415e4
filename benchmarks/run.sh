#!/usr/bin/env bash
# Every speed figure, each measured beside its peer in the same run:
#   kernel: calculus-kernel vs ipykernel vs a bare pyzmq signed echo (startup, round trip, memory);
#   language: parse + print throughput of a 10,000-node expression;
#   symbolic: derivatives of the seeds, a 50-deep nest, a 30-factor product, a 200-term sum vs sympy.diff;
#   autograd: a 100,000-op chain and MLP(16, [32, 32, 1]) vs micrograd;
#   large cell: grad of a 20,000-term sum end to end through Jupyter vs micrograd;
#   chains: dL/dw through 100 and 1,000 named links vs SymPy substituting the definitions;
#   applications: taylor tan(x) order 20 vs sympy.series, a 10-weight Hessian vs sympy.hessian;
#   explore: a slider move's round trip to the new rendering (an absolute goal: under 20 ms);
#   rendering: a 500-node graph and a 2,000-point plot to their mime bundles (an absolute goal).
# Usage: benchmarks/run.sh [--rounds N]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/bootstrap.sh

echo "== building (release, static Swift runtime: what the main job installs)"
swift build -c release --static-swift-stdlib --scratch-path .build-static --product calculus-kernel
swift build -c release --product calculus-bench
VIRTUAL_ENV="$PWD/.venv" .build-static/release/calculus-kernel install --sys-prefix >/dev/null

echo "== kernel"
.venv/bin/python benchmarks/kernel_bench.py "$@"
echo "== language"
.build/release/calculus-bench parse
echo "== symbolic"
.venv/bin/python benchmarks/symbolic_bench.py .build/release/calculus-bench
echo "== autograd"
.venv/bin/python benchmarks/autograd_bench.py .build/release/calculus-bench
echo "== a 400 KB cell end to end: grad of a 20,000-term sum vs micrograd building and back-propagating it"
.venv/bin/python benchmarks/large_cell_bench.py
echo "== chains through names: dL/dw through 100 and 1,000 named links"
.venv/bin/python benchmarks/chain_bench.py .build/release/calculus-bench 100 1000
echo "== applications: a Taylor polynomial of order 20 and a 10-weight Hessian"
.venv/bin/python benchmarks/applications_bench.py .build/release/calculus-bench
echo "== explore: a slider move to the updated rendering, through jupyter_client (goal: under 20 ms)"
.venv/bin/python benchmarks/explore_bench.py
echo "== values settled in high precision (MPFR) beside the same cell in double precision"
.build/release/calculus-bench precision
echo "== rendering (goal: under 50 ms each)"
.build/release/calculus-bench render
