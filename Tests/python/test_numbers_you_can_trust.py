"""LANGUAGE.md, "Numbers you can trust": values where the textbook form cancels or overflows in
floating point, against a 50-digit reference (SymPy's evalf, on mpmath), through `at`, `d/dx … at`
and `grad`; and the printed value of random expressions of the SymPy corpus against the same
reference."""
import math
import random

import sympy

from calculus_oracle import Generator, to_sympy, x

VALUE_MIME = "application/vnd.calculus.value+json"
DERIVATIVE_MIME = "application/vnd.calculus.derivative+json"
GRADIENT_MIME = "application/vnd.calculus.gradient+json"


def run(client, code: str) -> dict:
    outputs = []
    reply = client.execute_interactive(code, timeout=30, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", f"{code}: {reply['content'].get('evalue')}"
    return [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]


def error(client, code: str) -> str:
    reply = client.execute_interactive(code, timeout=30, output_hook=lambda message: None)
    assert reply["content"]["status"] == "error", code
    return f"{reply['content']['ename']}: {reply['content']['evalue']}"


def reference(source: str, point: float, derivative: bool = False) -> float:
    expression = to_sympy(source)
    if derivative:
        expression = sympy.diff(expression, x)
    return float(expression.subs(x, sympy.Float(point, 50)).evalf(50))


# (expression in x, point): saturated activations, softplus tails, log-sigmoid, cancellation.
CASES = [
    ("sigmoid(x)", 40), ("sigmoid(x)", 36), ("sigmoid(x)", 700), ("sigmoid(x)", -700),
    ("tanh(x)", 20), ("tanh(x)", 30), ("tanh(x)", -30),
    ("softplus(x)", -800), ("softplus(x)", 800), ("softplus(x)", -40),
    ("ln(sigmoid(x))", -800), ("ln(sigmoid(x))", 800), ("ln(sigmoid(x))", 40),
    ("ln(1 + e^(-x))", 50), ("ln(1 + x)", 1e-12), ("e^x - 1", 1e-10),
    ("(1 - cos(x))/x^2", 1e-5), ("(1 - cos(x))/x^2", 1e-3),
    ("sigmoid(sigmoid(sigmoid(sigmoid(x))))", 30), ("sigmoid(2*sigmoid(3*sigmoid(x) + 20) + 15)", 1),
]


def close(ours, exact):
    return math.isclose(ours, exact, rel_tol=1e-12, abs_tol=0)


def test_saturated_and_cancelling_values_match_a_50_digit_reference(kernel):
    failures = []
    for source, point in CASES:
        value = run(kernel, f"{source} at x = {point}")[VALUE_MIME]["value"]
        if not close(value, reference(source, point)):
            failures.append(f"{source} at x = {point}: {value}, reference {reference(source, point)!r}")
        slope = run(kernel, f"d/dx {source} at x = {point}")[DERIVATIVE_MIME]["value"]
        if not close(slope, reference(source, point, derivative=True)):
            failures.append(f"d/dx {source} at x = {point}: {slope}, reference {reference(source, point, True)!r}")
    assert not failures, "\n".join(failures)


def test_autograd_gradients_of_saturated_activations_are_tiny_not_zero(kernel):
    failures = []
    for source, point in [("sigmoid(x)", 40), ("sigmoid(x)", -700), ("tanh(x)", 20), ("tanh(x)", -30),
                          ("softplus(x)", -700), ("sigmoid(sigmoid(sigmoid(sigmoid(x))))", 30)]:
        gradient = run(kernel, f"x = {point}; grad {source} wrt x")[GRADIENT_MIME]["gradient"]["x"]
        exact = reference(source, point, derivative=True)
        if gradient == 0 or not math.isclose(gradient, exact, rel_tol=1e-12):
            failures.append(f"grad {source} at x = {point}: {gradient}, reference {exact!r}")
    assert not failures, "\n".join(failures)


def test_points_without_a_derivative_say_so(kernel):
    assert error(kernel, "d/dx abs(x) at x = 0") == "MathError: abs is not differentiable at 0"
    assert "derivative of sqrt is unbounded at 0" in error(kernel, "d/dx sqrt(x) at x = 0")
    assert run(kernel, "d/dx relu(x) at x = 0")[DERIVATIVE_MIME]["value"] == 0


def test_random_expressions_print_values_right_to_their_digits(kernel):
    generator = Generator(seed=20261202)
    rng = random.Random(7)
    checked, failures = 0, []
    for _ in range(300):
        source = generator.expression(depth=3)
        point = round(rng.uniform(-2.5, 2.5), 3)
        try:
            exact = reference(source, point)
        except (TypeError, ValueError, ZeroDivisionError):
            continue
        if not math.isfinite(exact) or exact == 0:
            continue
        outputs = []
        reply = kernel.execute_interactive(f"{source} at x = {point}", timeout=30, output_hook=outputs.append)
        if reply["content"]["status"] != "ok":
            continue  # outside the real domain somewhere inside (the reference may be complex there)
        value = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"][VALUE_MIME]["value"]
        checked += 1
        if not math.isclose(value, exact, rel_tol=1e-12):
            failures.append(f"{source} at x = {point}: {value!r}, reference {exact!r}")
    print(f"\nchecked {checked} values against a 50-digit reference")
    assert checked >= 150
    assert not failures, "\n".join(failures[:15])
