"""Chains through the learner's own names (LANGUAGE.md, "Chains through your own names") against
SymPy and autograd: random graphs of definitions (3 to 8 names over mixed built-ins); for random
(output, node) pairs, the kernel's symbolic dOut/dNode at the current values, SymPy's derivative of
the output with the downstream definitions substituted and the node held as a symbol, and
`grad Out wrt Node` agree to 1e-9 relative."""
import math
import random

import sympy

from calculus_oracle import FUNCTIONS

DERIVATIVE_MIME = "application/vnd.calculus.derivative+json"
GRADIENT_MIME = "application/vnd.calculus.gradient+json"
UNARY = ["sin", "cos", "tanh", "sigmoid", "exp", "softplus", "atan"]


def run(client, code: str) -> dict:
    outputs = []
    reply = client.execute_interactive(code, timeout=30, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", f"{code}: {reply['content'].get('evalue')}"
    results = [m for m in outputs if m["msg_type"] == "execute_result"]
    return results[0]["content"]["data"] if results else {}


def random_graph(rng: random.Random, size: int):
    """Definitions in the language and in SymPy: each a small expression of two earlier names."""
    symbols = {"x": sympy.Symbol("x"), "w": sympy.Symbol("w")}
    values = {"x": round(rng.uniform(-1.5, 1.5), 3), "w": round(rng.uniform(-1.5, 1.5), 3)}
    definitions = {}
    lines = [f"x = {values['x']}", f"w = {values['w']}"]
    for index in range(size):
        names = list(symbols)
        a, b = rng.choice(names), rng.choice(names)
        f = rng.choice(UNARY)
        shapes = [
            (f"{f}({a})*{b}", lambda A, B, F: F(A) * B),
            (f"{a}*{b} + {f}({b})", lambda A, B, F: A * B + F(B)),
            (f"({a} - {b})^2", lambda A, B, F: (A - B) ** 2),
            (f"{f}({a} + 0.5*{b})", lambda A, B, F: F(A + sympy.Rational(1, 2) * B)),
            (f"{a}/(1 + {b}^2)", lambda A, B, F: A / (1 + B ** 2)),
        ]
        text, build = rng.choice(shapes)
        name = f"n{index}"
        definitions[name] = build(symbols[a], symbols[b], FUNCTIONS[f])
        symbols[name] = sympy.Symbol(name)
        lines.append(f"{name} = {text}")
    return lines, symbols, definitions, values


def held(expression, definitions, symbols, node):
    """The expression with every definition substituted except `node`, which stays a symbol."""
    replacements = {symbols[name]: d for name, d in definitions.items() if name != node}
    for _ in range(len(definitions) + 1):
        expression = expression.xreplace(replacements)
    return expression


def test_random_graphs_of_definitions_agree_with_sympy_and_grad(kernel):
    rng = random.Random(20261202)
    compared = 0
    for _ in range(40):
        lines, symbols, definitions, values = random_graph(rng, rng.randint(3, 8))
        run(kernel, "\n".join(lines))
        names = list(definitions)
        for _ in range(3):
            output = rng.choice(names[1:])
            node = rng.choice(["x", "w"] + names[: names.index(output)])
            data = run(kernel, f"d{output}/d{node}")[DERIVATIVE_MIME]
            gradient = run(kernel, f"grad {output} wrt {node}")[GRADIENT_MIME]["gradient"][node]
            node_symbol = symbols[node]
            expression = held(symbols[output], definitions, symbols, node)
            derivative = sympy.diff(expression, node_symbol)
            inputs = {symbols["x"]: values["x"], symbols["w"]: values["w"]}
            node_value = held(symbols[node], definitions, symbols, None).subs(inputs) if node in definitions else values[node]
            reference = float(derivative.subs(node_symbol, node_value).subs(inputs).evalf(30))
            ours = data["value"]
            assert ours is not None, f"{lines}: d{output}/d{node} has no value"
            scale = max(1.0, abs(reference))
            assert math.isclose(ours, reference, rel_tol=1e-9, abs_tol=1e-9 * scale), \
                f"{'; '.join(lines)}: d{output}/d{node} = {data['result']} = {ours}, SymPy {reference}"
            assert math.isclose(gradient, reference, rel_tol=1e-9, abs_tol=1e-9 * scale), \
                f"{'; '.join(lines)}: grad {output} wrt {node} = {gradient}, SymPy {reference}"
            compared += 1
    assert compared == 120


def test_long_chain_bundle_is_bounded_and_its_value_is_autograds(kernel):
    """dL/dw through a chain of 1,000 named links answers in the chain's names, within 1 MB."""
    lines = ["x = 0.5", "w = 0.9", "a1 = sin(w*x)"] + [f"a{k} = a{k - 1}*w + 1" for k in range(2, 1001)] + ["L = a1000"]
    run(kernel, "\n".join(lines))
    outputs = []
    reply = kernel.execute_interactive("dL/dw", timeout=60, output_hook=outputs.append)
    assert reply["content"]["status"] == "ok", reply["content"].get("evalue")
    bundle = [m for m in outputs if m["msg_type"] == "execute_result"][0]["content"]["data"]
    size = sum(len(value if isinstance(value, str) else str(value)) for value in bundle.values())
    assert size < 1_000_000, size
    gradient = run(kernel, "grad L wrt w")[GRADIENT_MIME]["gradient"]["w"]
    assert math.isclose(bundle[DERIVATIVE_MIME]["value"], gradient, rel_tol=1e-9)
    assert "chain rule through your names" in bundle["text/plain"]
