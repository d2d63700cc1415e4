"""Applications of the derivative, this kernel beside SymPy in the same run: `taylor tan(x) at x = 0
order 20` beside sympy.series(tan(x), x, 0, 21), and the Hessian of a 10-weight loss (a sigmoid
unit's squared error plus weight decay) beside sympy.hessian. Ours is timed to its result with every
step ("computing": the cell parsed, resolved and computed, as symbolic_bench.py times a derivation
with its steps beside sympy.diff), which is the comparison with SymPy, whose functions compute and
render nothing; and from the cell to its full mime bundle (steps, table, picture, JSON serialized),
the kernel's whole work before sending. SymPy is timed as symbolic_bench.py times it (its cache
cleared before each run).

Usage: .venv/bin/python benchmarks/applications_bench.py PATH/TO/calculus-bench
"""
import json
import subprocess
import sys

import sympy

from symbolic_bench import sympy_seconds

x = sympy.Symbol("x")
weights = sympy.symbols("w1:11")
coefficients = [0.5, -0.3, 0.8, -0.1, 0.6, -0.7, 0.2, 0.9, -0.4, 0.35]
u = sum(c * w for c, w in zip(coefficients, weights))
loss = (1 / (1 + sympy.exp(-u)) - 1) ** 2 + 0.01 * sum(w ** 2 for w in weights)
ROWS = {
    "taylor tan(x) at x = 0 order 20": lambda: sympy.series(sympy.tan(x), x, 0, 21),
    "hessian of a 10-weight loss": lambda: sympy.hessian(loss, weights),
}
ROUNDS = 3


def main():
    print(f"{'row':34}{'computing (ms)':>16}{'to bundle (ms)':>16}{'bundle (KB)':>13}{'SymPy (ms)':>12}"
          f"{'SymPy/computing':>17}{'SymPy/to bundle':>17}")
    ours, computing, theirs, sizes = {}, {}, {}, {}
    for _ in range(ROUNDS):
        output = subprocess.run([sys.argv[1], "applications"], capture_output=True, text=True, check=True).stdout
        for line in output.splitlines():
            row = json.loads(line)
            ours[row["name"]] = min(ours.get(row["name"], float("inf")), row["seconds"])
            computing[row["name"]] = min(computing.get(row["name"], float("inf")), row["computing_seconds"])
            sizes[row["name"]] = row["bundle_bytes"]
        for name, run in ROWS.items():
            theirs[name] = min(theirs.get(name, float("inf")), sympy_seconds(run, budget=1.0))
    for name in ROWS:
        print(f"{name:34}{computing[name] * 1e3:>16.3f}{ours[name] * 1e3:>16.3f}{sizes[name] / 1024:>13.1f}"
              f"{theirs[name] * 1e3:>12.2f}{theirs[name] / computing[name]:>16.1f}x{theirs[name] / ours[name]:>16.1f}x")


if __name__ == "__main__":
    main()
