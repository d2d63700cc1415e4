"""Symbolic differentiation, this engine beside sympy.diff in the same run: the seed expressions,
a 50-deep nest, a 30-factor product and a 200-term sum (the rows of calculus-bench symbolic).

Usage: .venv/bin/python benchmarks/symbolic_bench.py PATH/TO/calculus-bench
"""
import json
import subprocess
import sys
import time

import sympy
from sympy.core.cache import clear_cache

x = sympy.Symbol("x")
sigmoid = lambda u: 1 / (1 + sympy.exp(-u))
ROWS = {
    "seed (3x+1)^2": (3 * x + 1) ** 2, "seed sin(x^2)": sympy.sin(x ** 2), "seed sin(cos x)": sympy.sin(sympy.cos(x)),
    "seed e^(2x)": sympy.exp(2 * x), "seed sigmoid(x)": sigmoid(x), "seed (2x+1)^3": (2 * x + 1) ** 3,
    "seed e^(x^2)": sympy.exp(x ** 2),
}
nest = x
for _ in range(50):
    nest = sympy.sin(nest)
ROWS["50-deep nest"] = nest
ROWS["30-factor product"] = sympy.Mul(*[(x + i) for i in range(1, 31)], evaluate=False)
ROWS["200-term sum"] = sympy.Add(*[i * x ** (i % 7 + 1) * sympy.sin(i * x) for i in range(1, 201)])


def sympy_seconds(run, budget=0.5):
    """The mean seconds of `run` (a SymPy computation) in the best of five batches, as calculus-bench
    times ours. SymPy caches results: the cache is cleared before each run (outside the timing), or
    this would time a dictionary lookup."""
    run()
    best = float("inf")
    for _ in range(5):
        runs, spent, start = 0, 0.0, time.perf_counter()
        while time.perf_counter() - start < budget / 5:
            clear_cache()
            began = time.perf_counter()
            run()
            spent += time.perf_counter() - began
            runs += 1
        best = min(best, spent / runs)
    return best


# This shared machine's speed drifts over minutes: each row is measured on both sides in each of a
# few alternating rounds, and each side keeps its best, so neither is timed only in a slow spell.
ROUNDS = 3


def main():
    print(f"{'row':22}{'calculus (µs)':>16}{'sympy.diff (µs)':>18}{'sympy/ours':>12}")
    for name, expression in ROWS.items():
        ours = theirs = float("inf")
        for _ in range(ROUNDS):
            output = subprocess.run([sys.argv[1], "symbolic", name], capture_output=True, text=True, check=True).stdout
            ours = min(ours, json.loads(output)["seconds"])
            theirs = min(theirs, sympy_seconds(lambda: sympy.diff(expression, x)))
        print(f"{name:22}{ours * 1e6:>16.1f}{theirs * 1e6:>18.1f}{theirs / ours:>11.1f}x")


if __name__ == "__main__":
    main()
