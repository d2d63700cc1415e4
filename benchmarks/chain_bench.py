"""dL/dw through a chain of named links (a1 = sin(w*x), a2 = a1*w + 1, ..., L = a_n), this kernel
(steps and full mime bundle included) beside SymPy substituting the definitions into L and
differentiating, in the same run. SymPy's time grows with the cube of the chain's length: each
row gives it at most SYMPY_BUDGET seconds, and a row it does not finish reports that budget as a
lower bound (the ratio then is a lower bound too).

Usage: .venv/bin/python benchmarks/chain_bench.py PATH/TO/calculus-bench [LINKS ...]
"""
import json
import multiprocessing
import subprocess
import sys
import time

SYMPY_BUDGET = 120.0


def sympy_seconds(links, answer):
    import sympy
    sys.setrecursionlimit(1_000_000)
    w, x = sympy.symbols("w x")
    began = time.perf_counter()
    expression = sympy.sin(w * x)
    for _ in range(2, links + 1):
        expression = expression * w + 1  # substituting a_{k-1} into a_k = a_{k-1}*w + 1
    derivative = sympy.diff(expression, w)
    answer.put(time.perf_counter() - began)
    answer.put(float(derivative.subs({w: 0.9, x: 0.5})))


def sympy_row(links):
    answer = multiprocessing.Queue()
    process = multiprocessing.Process(target=sympy_seconds, args=(links, answer))
    process.start()
    process.join(SYMPY_BUDGET)
    if process.is_alive():
        process.kill()
        return None
    return answer.get()


def main():
    bench = sys.argv[1]
    rows = [int(n) for n in sys.argv[2:]] or [100, 1000]
    print(f"{'links':>6}{'calculus (ms)':>16}{'bundle (KB)':>13}{'SymPy (ms)':>14}{'SymPy/ours':>12}")
    for links in rows:
        ours = json.loads(subprocess.run([bench, "chain", str(links)], capture_output=True, text=True, check=True).stdout)
        theirs = sympy_row(links)
        ratio = f"{theirs / ours['seconds']:.0f}x" if theirs else f">{SYMPY_BUDGET / ours['seconds']:.0f}x"
        sympy_text = f"{theirs * 1e3:.1f}" if theirs else f">{SYMPY_BUDGET * 1e3:.0f}"
        print(f"{links:>6}{ours['seconds'] * 1e3:>16.2f}{ours['bundle_bytes'] / 1024:>13.1f}{sympy_text:>14}{ratio:>12}")


if __name__ == "__main__":
    main()
