"""The standard Jupyter kernel conformance suite (jupyter_kernel_test) against the installed
'calculus' kernelspec, plus protocol checks the suite does not make."""
import os
import signal
import time
import unittest

import jupyter_kernel_test
from jupyter_client.manager import start_new_kernel


class CalculusKernelConformance(jupyter_kernel_test.KernelTests):
    kernel_name = "calculus"
    language_name = "calculus"
    file_extension = ".calc"

    code_hello_world = 'print "hello, world"'

    code_execute_result = [
        {"code": "1+1", "result": "1 + 1 = 2"},
        {"code": "6*7", "result": "6·7 = 42"},
        {"code": "x = 3; x^2 + 1", "result": "x² + 1 = 10"},
        {"code": "sin(0)", "result": "sin(0) = 0"},
    ]

    code_display_data = [
        {"code": "1 + 1\n2 + 2", "mime": "text/plain"},
        {"code": "1 + 1\n2 + 2", "mime": "text/latex"},
        {"code": "1 + 1\n2 + 2", "mime": "application/vnd.calculus.value+json"},
    ]

    code_generate_error = "1/0"

    completion_samples = [
        {"text": "si", "matches": {"sin", "sinh", "sigmoid", "sign", "simplify"}},
        {"text": "x = 1; tan", "matches": {"tan", "tangent", "tanh"}},
        {"text": "soft", "matches": {"softplus"}},
    ]

    complete_code_samples = ["1 + 1", "x = 2", "f(x) = sin(x^2)", "sin x²", "print \"hi\""]
    incomplete_code_samples = ["sin(x", "1 +", "f(x) = (x +\n  1", "[1, 2"]
    invalid_code_samples = ["1 +* 2", "sin(x))", "x y", "10!"]

    code_inspect_sample = "sigmoid"

    code_history_pattern = "6?7"
    supported_history_operations = ("tail", "range", "search")


class ProtocolDetails(unittest.TestCase):
    """Behaviour beyond the standard suite: execution counts, silent runs, state across errors."""

    @classmethod
    def setUpClass(cls):
        cls.km, cls.kc = start_new_kernel(kernel_name="calculus")

    @classmethod
    def tearDownClass(cls):
        cls.kc.stop_channels()
        cls.km.shutdown_kernel()

    def run_cell(self, code, **options):
        outputs = []
        reply = self.kc.execute_interactive(code, timeout=15, output_hook=outputs.append, **options)
        return reply, outputs

    def test_kernel_info_fields(self):
        self.kc.kernel_info()
        reply = self.kc.get_shell_msg(timeout=10)
        content = reply["content"]
        self.assertEqual(content["language_info"]["mimetype"], "text/x-calculus")
        self.assertEqual(content["implementation"], "calculus-kernel")
        self.assertTrue(content["banner"])
        self.assertTrue(content["help_links"])
        self.assertGreaterEqual(tuple(int(p) for p in content["protocol_version"].split(".")), (5, 3))
        header = reply["header"]
        # ISO 8601 with microseconds and Z.
        self.assertRegex(reply["header"]["date"].isoformat() if hasattr(header["date"], "isoformat") else header["date"], r"\d{4}-\d\d-\d\dT")

    def test_execution_count_counts_stored_executions_only(self):
        first, _ = self.run_cell("1")
        silent, outputs = self.run_cell("2", silent=True)
        unstored, _ = self.run_cell("3", store_history=False)
        after, _ = self.run_cell("4")
        n = first["content"]["execution_count"]
        self.assertEqual(after["content"]["execution_count"], n + 1)
        self.assertEqual(unstored["content"]["execution_count"], n)
        self.assertEqual([m["msg_type"] for m in outputs if m["msg_type"] not in ("status",)], [])

    def test_failed_statement_keeps_earlier_bindings(self):
        reply, _ = self.run_cell("kept = 5\nlost = 1/0\nnever = 2")
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "MathError")
        reply, outputs = self.run_cell("kept")
        self.assertEqual(reply["content"]["status"], "ok")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "kept = 5")
        # Neither the failing statement nor the one after it bound anything: both names are still free.
        reply, outputs = self.run_cell("never + lost")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["application/vnd.calculus.value+json"]["value"], None)
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "never + lost")

    def test_error_traceback_has_source_and_caret(self):
        reply, outputs = self.run_cell("y = 2\nsine(y)")
        errors = [m for m in outputs if m["msg_type"] == "error"]
        self.assertEqual(len(errors), 1)
        traceback = errors[0]["content"]["traceback"]
        self.assertIn("did you mean sin?", errors[0]["content"]["evalue"])
        self.assertIn("sine(y)", traceback[1])
        plain_caret = traceback[2].replace("\x1b[1m", "").replace("\x1b[0;31m", "").replace("\x1b[0m", "")
        self.assertEqual(plain_caret.index("^"), traceback[1].index("sine"))

    def test_user_expressions(self):
        self.run_cell("q = 4")
        reply, _ = self.run_cell("", user_expressions={"square": "q^2", "bad": "1/0"})
        expressions = reply["content"]["user_expressions"]
        self.assertEqual(expressions["square"]["status"], "ok")
        self.assertEqual(expressions["square"]["data"]["text/plain"], "q² = 16")
        self.assertEqual(expressions["bad"]["status"], "error")

    # Each row evaluates g20 (a million nested calls): minutes of work unless interrupted.
    SLOW_CELL = "\n".join(["g0(x) = x + 1"] + [f"g{i}(x) = g{i-1}(g{i-1}(x))" for i in range(1, 21)]
                          + ["table g20(x) for x in 1..100000 step 1"])

    def interrupt_while_running(self, interrupt):
        self.run_cell("kept_through_interrupt = 7")
        msg_id = self.kc.execute(self.SLOW_CELL)
        time.sleep(0.5)
        began = time.perf_counter()
        interrupt()
        while True:
            reply = self.kc.get_shell_msg(timeout=30)
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        elapsed = time.perf_counter() - began
        self.assertEqual(reply["content"]["status"], "error")
        self.assertEqual(reply["content"]["ename"], "Interrupted")
        self.assertLess(elapsed, 1.0)
        reply, outputs = self.run_cell("kept_through_interrupt")
        results = [m for m in outputs if m["msg_type"] == "execute_result"]
        self.assertEqual(results[0]["content"]["data"]["text/plain"], "kept_through_interrupt = 7")

    def test_interrupt_request_stops_a_long_cell(self):
        self.interrupt_while_running(self.km.interrupt_kernel)

    def test_sigint_stops_a_long_cell(self):
        self.interrupt_while_running(lambda: os.kill(self.km.provisioner.process.pid, signal.SIGINT))

    def test_comm_info_is_empty(self):
        self.kc.comm_info()
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["content"], {"status": "ok", "comms": {}})

    def test_is_complete_incomplete_gives_indent(self):
        self.kc.is_complete("f(x) = (x +")
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertEqual(reply["content"]["status"], "incomplete")
        self.assertIn("indent", reply["content"])

    def test_complete_cursor_range(self):
        code = "alpha = 1; alp"
        self.run_cell("alpha = 1")
        self.kc.complete(code, len(code))
        reply = self.kc.get_shell_msg(timeout=10)
        self.assertIn("alpha", reply["content"]["matches"])
        self.assertEqual(reply["content"]["cursor_start"], len(code) - 3)
        self.assertEqual(reply["content"]["cursor_end"], len(code))


if __name__ == "__main__":
    unittest.main()
