"""Applications of the derivative (LANGUAGE.md) against SymPy: tangent lines and Taylor polynomials
of generated functions at several points and orders (`sympy.series`), implicit derivatives of
generated curves (`sympy.idiff`), and gradients, Hessians and Jacobians of generated expressions in
three variables (`sympy.hessian`, `Matrix.jacobian`). Each agrees numerically at sample points, and
each printed result, typed back into the kernel, gives the same numbers."""
import math
import random
import re

import pytest
import sympy

from calculus_oracle import FUNCTIONS, to_sympy, x, y, w

TANGENT_MIME = "application/vnd.calculus.tangent+json"
TAYLOR_MIME = "application/vnd.calculus.taylor+json"
IMPLICIT_MIME = "application/vnd.calculus.implicit+json"
MATRIX_MIME = "application/vnd.calculus.matrix+json"
VALUE_MIME = "application/vnd.calculus.value+json"

# Smooth everywhere near the points used, so that a Taylor polynomial exists there.
SMOOTH = ["sin", "cos", "exp", "tanh", "atan", "sigmoid", "softplus", "sinh", "cosh"]


def run(client, code: str) -> dict:
    outputs = []
    reply = client.execute_interactive(code, timeout=60, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", f"{code}: {reply['content'].get('evalue')}"
    results = [m for m in outputs if m["msg_type"] == "execute_result"]
    return results[-1]["content"]["data"]


def result_text(data: dict) -> str:
    """The text after the first line's last ` = ` (LANGUAGE.md, "What comes back")."""
    return data["text/plain"].split("\n")[0].rsplit(" = ", 1)[1]


def close(a: float, b: float, tolerance: float = 1e-8) -> bool:
    return abs(a - b) <= tolerance * max(1.0, abs(a), abs(b))


def smooth_function(rng: random.Random, depth: int) -> str:
    """A random smooth function of x in the language's ASCII syntax."""
    if depth == 0:
        return rng.choice(["x", "2*x", "x/2", "(x + 1)", "(1 - x)", "x^2"])
    shape = rng.random()
    inner = lambda: smooth_function(rng, depth - 1)
    if shape < 0.45:
        return f"{rng.choice(SMOOTH)}({inner()})"
    if shape < 0.65:
        return f"({inner()})*({inner()})"
    if shape < 0.8:
        return f"({inner()} + {inner()})"
    if shape < 0.9:
        return f"({inner()})^{rng.choice([2, 3])}"
    return f"{inner()}/(2 + {rng.choice(['cos', 'sin', 'tanh'])}({inner()}))"


def taylor_cases(count: int):
    rng = random.Random(18)
    cases = []
    while len(cases) < count:
        text = smooth_function(rng, rng.choice([1, 1, 2]))
        point = rng.choice([0, 0.5, 1, -1, 0.25, 2])
        order = rng.choice([1, 2, 3, 4, 5, 6])
        cases.append((text, point, order))
    return cases


@pytest.mark.parametrize("text,point,order", taylor_cases(110))
def test_tangent_and_taylor_against_sympy_series(kernel, text, point, order):
    f = to_sympy(text)
    a = sympy.nsimplify(point)
    reference = sympy.series(f, x, a, order + 1).removeO()
    slope = sympy.diff(f, x).subs(x, a)
    tangent = f.subs(x, a) + slope * (x - a)

    data = run(kernel, f"taylor {text} at x = {point} order {order}")
    polynomial = data[TAYLOR_MIME]["polynomial"]
    printed = result_text(data)
    line = run(kernel, f"tangent {text} at x = {point}")
    for offset in (0.0, 0.1, -0.17, 0.3):
        sample = point + offset
        expected = float(reference.subs(x, sample).evalf(30))
        assert close(float(to_sympy(polynomial).subs(x, sample).evalf(30)), expected), (text, point, order, polynomial)
        # The printed polynomial reads back and gives the same number.
        back = run(kernel, f"{printed} at x = {sample}")[VALUE_MIME]["value"]
        assert close(back, expected), (printed, sample, back, expected)
        expected_line = float(tangent.subs(x, sample).evalf(30))
        assert close(float(to_sympy(line[TANGENT_MIME]["line"]).subs(x, sample).evalf(30)), expected_line), (text, point)
        numeric = to_sympy(line[TANGENT_MIME]["numeric_line"])
        assert close(float(numeric.subs(x, sample)), expected_line, 1e-9), (text, point, numeric)
    assert close(line[TANGENT_MIME]["slope"], float(slope.evalf(30)))


def implicit_cases(count: int):
    rng = random.Random(1818)
    terms = ["x^2", "y^2", "x*y", "y^3", "x^3", "sin(y)", "cos(x*y)", "exp(y)", "x*y^2", "tanh(x + y)", "y", "x"]
    cases = []
    while len(cases) < count:
        left = " + ".join(rng.sample(terms, rng.choice([1, 2, 3])))
        right = " + ".join(rng.sample(terms, rng.choice([1, 2]))) + f" + {rng.choice([1, 2, 5])}"
        if "y" not in (left + right).replace("y", "y"):
            continue
        cases.append((left, right))
    return cases


@pytest.mark.parametrize("left,right", implicit_cases(36))
def test_implicit_derivative_against_sympy_idiff(kernel, left, right):
    F = to_sympy(left) - to_sympy(right)
    if not F.has(y):
        pytest.skip("no y after cancelling")
    reference = sympy.idiff(F, y, x)
    data = run(kernel, f"dy/dx from {left} = {right}")
    result = data[IMPLICIT_MIME]["result"]
    printed = result_text(data)
    checked = 0
    for (px, py) in [(0.3, 0.7), (1.1, -0.4), (-0.8, 1.3), (0.5, 2.1)]:
        expected = complex(reference.subs({x: px, y: py}).evalf(30))
        if not math.isfinite(expected.real) or abs(expected.imag) > 1e-12 or abs(expected.real) > 1e8:
            continue
        got = complex(to_sympy(result).subs({x: px, y: py}).evalf(30)).real
        assert close(got, expected.real), (left, right, result, reference)
        back = run(kernel, f"{printed} at x = {px}, y = {py}")[VALUE_MIME]["value"]
        assert close(back, expected.real), (printed, back, expected)
        checked += 1
    assert checked >= 2


def multivariable_cases(count: int):
    rng = random.Random(1819)
    names = ["x", "y", "w"]
    cases = []
    while len(cases) < count:
        def piece():
            a, b = rng.choice(names), rng.choice(names)
            return rng.choice([
                f"{a}*{b}", f"{a}^2*{b}", f"{rng.choice(SMOOTH)}({a} + 0.5*{b})", f"({a} - {b})^2",
                f"{rng.choice(SMOOTH)}({a}*{b})", f"{a}/(2 + {b}^2)",
            ])
        cases.append(" + ".join(piece() for _ in range(rng.choice([1, 2, 3]))))
    return cases


@pytest.mark.parametrize("text", multivariable_cases(54))
def test_gradient_hessian_jacobian_against_sympy(kernel, text):
    f = to_sympy(text)
    variables = [x, y, w]
    point = {x: 0.4, y: -0.7, w: 1.2}
    at = "at x = 0.4, y = -0.7, w = 1.2"
    hessian = sympy.hessian(f, variables)
    gradient = [sympy.diff(f, v) for v in variables]
    jacobian_text = re.sub(r"\bx\b", "(x*w)", text)
    second = to_sympy(jacobian_text)
    jacobian = sympy.Matrix([f, second]).jacobian(variables)

    def check(data, reference, rows):
        printed = result_text(run(kernel, data))
        computed = run(kernel, f"{data} {at}")[MATRIX_MIME]
        values = computed["value"] if rows else [computed["value"]]
        back = run(kernel, f"{printed} {at}")[VALUE_MIME]["value"]
        back = back if rows else [back]
        for i, row in enumerate(values):
            for j, value in enumerate(row):
                expected = float(reference[i][j].subs(point).evalf(30))
                assert close(value, expected), (data, i, j, value, expected)
                assert close(back[i][j], expected), (printed, i, j, back[i][j], expected)

    check(f"gradient {text} wrt x, y, w", [gradient], rows=False)
    check(f"hessian {text} wrt x, y, w", hessian.tolist(), rows=True)
    check(f"jacobian [{text}, {jacobian_text}] wrt x, y, w", jacobian.tolist(), rows=True)
