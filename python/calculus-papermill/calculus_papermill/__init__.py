"""papermill parameters in the calculus language: `-p rate 0.5` injects `rate = 0.5`, and a string
parameter is an expression (`-p f 'sin(x)^2'` injects `f = sin(x)^2`). Any other type (a boolean,
None, a list, a dict) has no meaning in the language and is a clear error."""
from papermill.engines import NBClientEngine
from papermill.exceptions import PapermillException
from papermill.translators import Translator, papermill_translators

__all__ = ["CalculusTranslator", "CalculusEngine"]


class CalculusTranslator(Translator):
    @classmethod
    def refuse(cls, value):
        raise PapermillException(
            f"the calculus language takes numbers and expressions as parameters, not {type(value).__name__} ({value!r})")

    @classmethod
    def translate_str(cls, value):
        # A string is an expression in the language, written as it is.
        return value

    @classmethod
    def translate_int(cls, value):
        return str(value)

    @classmethod
    def translate_float(cls, value):
        if value != value or value in (float("inf"), float("-inf")):
            cls.refuse(value)
        return repr(value)

    translate_bool = refuse
    translate_none = refuse
    translate_dict = refuse
    translate_list = refuse

    @classmethod
    def comment(cls, text):
        return f"# {text}".strip()

    @classmethod
    def assign(cls, name, value):
        return f"{name} = {value}"


class CalculusEngine(NBClientEngine):
    """papermill's own engine, under the name that makes papermill import this module."""


# By kernel name and by language name, as papermill looks them up.
papermill_translators.register("calculus", CalculusTranslator)
