"""Shared helpers for tests that hold the kernel against SymPy: reading the language's ASCII output
into SymPy, a seeded generator of expressions over every built-in and operator, and a client."""
import math
import random

import sympy
from sympy.parsing.sympy_parser import convert_xor, parse_expr, standard_transformations

x, y, w = sympy.symbols("x y w", real=True)

# The language's built-ins as SymPy sees them (ln and log are both natural).
FUNCTIONS = {
    "sin": sympy.sin, "cos": sympy.cos, "tan": sympy.tan, "sec": sympy.sec, "csc": sympy.csc, "cot": sympy.cot,
    "asin": sympy.asin, "acos": sympy.acos, "atan": sympy.atan, "sinh": sympy.sinh, "cosh": sympy.cosh,
    "tanh": sympy.tanh, "exp": sympy.exp, "ln": sympy.log, "log": sympy.log, "sqrt": sympy.sqrt, "abs": sympy.Abs,
    "sigmoid": lambda u: 1 / (1 + sympy.exp(-u)), "relu": lambda u: sympy.Max(0, u),
    "softplus": lambda u: sympy.log(1 + sympy.exp(u)), "sign": sympy.sign,
    "heaviside": lambda u: sympy.Heaviside(u, 0),
}
# The same, with the ML functions left opaque: for counting the operations of a printed result.
OPAQUE = dict(FUNCTIONS, sigmoid=sympy.Function("sigmoid"), relu=sympy.Function("relu"),
              softplus=sympy.Function("softplus"), heaviside=sympy.Function("heaviside"))


def to_sympy(text: str, opaque: bool = False):
    names = dict(OPAQUE if opaque else FUNCTIONS)
    names.update({"x": x, "y": y, "w": w, "pi": sympy.pi, "e": sympy.E})
    return parse_expr(text, local_dict=names, transformations=standard_transformations + (convert_xor,))


class Generator:
    """Seeded random expressions in the language's ASCII syntax, over all built-ins and operators."""

    UNARY = ["sin", "cos", "tan", "sec", "csc", "cot", "asin", "acos", "atan", "sinh", "cosh", "tanh",
             "exp", "ln", "sqrt", "abs", "sigmoid", "relu", "softplus"]

    def __init__(self, seed: int):
        self.random = random.Random(seed)

    def leaf(self):
        r = self.random.random()
        if r < 0.55:
            return "x"
        if r < 0.85:
            return str(self.random.choice([1, 2, 3, 5, 0.5, 1.5, 7]))
        return self.random.choice(["pi", "e"])

    def expression(self, depth: int) -> str:
        if depth == 0 or self.random.random() < 0.15:
            return self.leaf()
        kind = self.random.random()
        a = lambda: self.expression(depth - 1)
        if kind < 0.15:
            return f"({a()} + {a()})"
        if kind < 0.25:
            return f"({a()} - {a()})"
        if kind < 0.42:
            return f"({a()} * {a()})"
        if kind < 0.52:
            return f"({a()} / ({a()} + 3))"
        if kind < 0.64:
            return f"({a()})^{self.random.choice([2, 3, -1, 0.5, 4])}"
        if kind < 0.67:
            return f"{self.random.choice([2, 3, 0.5])}^({a()})"
        if kind < 0.69:
            return f"(x + 2)^({a()})"
        if kind < 0.72:
            return f"-({a()})"
        return f"{self.random.choice(self.UNARY)}({a()})"


TEXTBOOK = [
    "(3x+1)^2", "sin(x^2)", "sin(cos x)", "e^(2x)", "sigmoid(x)", "(2x+1)^3", "e^(x^2)", "x^x", "x^2*sin(x)",
    "sin(x)/x", "ln(x^2+1)", "sqrt(1 - x^2)", "asin(x/2)", "atan(1/x)", "sinh(x)*cosh(x)", "tanh(x)^2",
    "abs(x - 1)", "relu(x - 1)", "softplus(2x)", "x^(1/3)", "2^x", "x*e^(-x)", "(x^2 - 1)/(x^2 + 1)",
    "sin(cos(tan(x^2+1)))", "ln(ln(x + 3))", "sec(x)*tan(x)", "csc(x) + cot(x)", "acos(x/3)", "x^sin(x)",
    "sqrt(x)*ln(x)", "1/(1 + e^(-x))", "(x + 1)^10", "sigmoid(2x + 1)^2", "x^2*e^x*sin(x)", "pi*x^2",
    "cos(x)^3", "exp(sin(x))", "sqrt(x^2 + 4)", "x/(x + 1)", "(1 - x)^(1/2)",
]


def is_real_number(value) -> bool:
    try:
        number = complex(value)
    except (TypeError, ValueError, ZeroDivisionError):
        return False
    return abs(number.imag) <= 1e-12 and math.isfinite(number.real)


def sample_points(expression, derivative):
    """Points in the real domain: every subexpression of the expression is real and finite there
    (the language computes in real numbers: sqrt(-1) is an error even inside abs), and so is SymPy's
    derivative."""
    parts = [p for p in sympy.preorder_traversal(expression) if p.free_symbols]
    points = []
    for value in (0.31, 0.72, 1.13, 1.57 + 0.21, 2.43, -0.61, -1.37, 0.05):
        if not all(is_real_number(part.subs(x, value).evalf()) for part in parts):
            continue
        d = derivative.subs(x, value).evalf()
        if not is_real_number(d):
            continue
        points.append((value, complex(d).real))
    return points
