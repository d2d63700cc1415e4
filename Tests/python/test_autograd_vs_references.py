"""The autograd engine against references: on 300+ seeded random expressions with random bindings,
every gradient agrees with SymPy's symbolic gradient to 1e-9 relative, and on the operations
micrograd has (+, -, *, /, constant powers, relu) with micrograd's backward pass."""
import math
import random

import sympy
from micrograd.engine import Value

from calculus_oracle import Generator, is_real_number, to_sympy, w, x, y

GRADIENT_MIME = "application/vnd.calculus.gradient+json"


def gradient(client, bindings: dict, source: str):
    code = "; ".join(f"{name} = {value!r}" for name, value in bindings.items()) + f"\ngrad {source} wrt x, y, w"
    outputs = []
    reply = client.execute_interactive(code, timeout=30, output_hook=outputs.append)
    if reply["content"]["status"] != "ok":
        return reply["content"]["ename"], reply["content"]["evalue"]
    data = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"][GRADIENT_MIME]
    return data["gradient"], data["value"]


class ThreeVariableGenerator(Generator):
    def leaf(self):
        r = self.random.random()
        if r < 0.7:
            return self.random.choice(["x", "y", "w"])
        return str(self.random.choice([1, 2, 3, 0.5, 1.5]))


def test_gradients_agree_with_sympy(kernel):
    generator = ThreeVariableGenerator(seed=5)
    values = random.Random(11)
    checked, skipped, failures = 0, 0, []
    while checked < 300:
        source = generator.expression(depth=3)
        bindings = {"x": round(values.uniform(0.2, 2.0), 3), "y": round(values.uniform(-1.5, 1.5), 3),
                    "w": round(values.uniform(0.3, 2.5), 3)}
        expression = to_sympy(source)
        point = {x: bindings["x"], y: bindings["y"], w: bindings["w"]}
        parts = list(sympy.preorder_traversal(expression))
        if not all(is_real_number(p.subs(point).evalf()) for p in parts):
            skipped += 1  # outside the real domain here; the kernel would rightly say MathError
            continue
        ours, value = gradient(kernel, bindings, source)
        assert isinstance(ours, dict), f"{source} at {bindings}: {ours}: {value}"
        for symbol in (x, y, w):
            reference = sympy.diff(expression, symbol).subs(point).evalf()
            if not is_real_number(reference):
                continue
            if not math.isclose(ours[str(symbol)], float(reference), rel_tol=1e-9, abs_tol=1e-9):
                failures.append(f"grad {source} wrt {symbol} at {bindings}: ours {ours[str(symbol)]}, SymPy {reference}")
        checked += 1
    print(f"\nchecked {checked} gradients (3 variables each) against SymPy; skipped {skipped} outside the domain")
    assert not failures, "\n".join(failures[:10])


def micrograd_value(source: str, bindings: dict):
    """Evaluates a micrograd-compatible expression with micrograd Values."""
    leaves = {name: Value(value) for name, value in bindings.items()}
    result = eval(source.replace("^", "**"), {"relu": lambda v: (v if isinstance(v, Value) else Value(v)).relu()}, dict(leaves))
    if not isinstance(result, Value):
        result = Value(result)  # a constant expression: every gradient is 0
    result.backward()
    return result, leaves


def test_gradients_agree_with_micrograd(kernel):
    rng = random.Random(3)

    def expression(depth):
        if depth == 0 or rng.random() < 0.2:
            return rng.choice(["x", "y", "w", "2", "0.5", "3"])
        kind = rng.random()
        a, b = expression(depth - 1), expression(depth - 1)
        if kind < 0.25:
            return f"({a} + {b})"
        if kind < 0.4:
            return f"({a} - {b})"
        if kind < 0.65:
            return f"({a} * {b})"
        if kind < 0.75:
            return f"({a} / ({b} * {b} + 1))"
        if kind < 0.88:
            return f"({a})^{rng.choice([2, 3])}"
        return f"relu({a})"

    failures = []
    for _ in range(100):
        source = expression(4)
        bindings = {"x": round(rng.uniform(-2, 2), 3), "y": round(rng.uniform(-2, 2), 3), "w": round(rng.uniform(-2, 2), 3)}
        result, leaves = micrograd_value(source, bindings)
        ours, value = gradient(kernel, bindings, source)
        assert isinstance(ours, dict), f"{source}: {ours}: {value}"
        assert math.isclose(value, result.data, rel_tol=1e-12, abs_tol=1e-12)
        for name, leaf in leaves.items():
            if not math.isclose(ours[name], leaf.grad, rel_tol=1e-9, abs_tol=1e-9):
                failures.append(f"grad {source} wrt {name} at {bindings}: ours {ours[name]}, micrograd {leaf.grad}")
    assert not failures, "\n".join(failures[:10])
