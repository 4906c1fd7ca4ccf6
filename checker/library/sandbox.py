"""A Jinja sandbox with limits, for the rule library's sentences and the report templates: templates are data,
not a way to hang or exhaust the checker. Rendering stops past a time budget or an output size; `*`, `**`, `+`,
`~`, `%` and str.format, and the filters' widths and counts, cannot build values past a size."""
import functools
import re
import sys
import time

from jinja2.compiler import CodeGenerator
from jinja2.sandbox import SandboxedEnvironment

MAX_SIZE = 2_000_000  # characters of one string, or entries of one list, that an expression may build
MAX_WIDTH = 10_000  # the largest width, length or count a filter or a format may take
_WIDE_FORMAT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d{5,})|\.(?:\*|\d{5,})|\{[^{}]*:[^{}]*(?:\{|\d{5,})")


class TemplateLimit(RuntimeError):
    """A template went past one of the sandbox's limits (time, output size, size of a value)."""


def _sized(value):
    if isinstance(value, (str, list, tuple)) and len(value) > MAX_SIZE:
        raise TemplateLimit(f"a template built a value larger than {MAX_SIZE:,}")
    return value


class _Generator(CodeGenerator):
    def visit_Concat(self, node, frame):  # `a ~ b`: its size is checked (a loop could double it each time)
        self.write("environment.sized(")
        super().visit_Concat(node, frame)
        self.write(")")


def guarded(func):
    """A filter that refuses a width or count above MAX_WIDTH (center(10**9) would build a gigabyte)."""
    first = 1 if getattr(func, "jinja_pass_arg", None) else 0  # environment or context comes before the value

    @functools.wraps(func)
    def filter_(*args, **kwargs):
        numbers = [a for a in list(args[first + 1:]) + list(kwargs.values()) if isinstance(a, int)]
        if any(abs(n) > MAX_WIDTH for n in numbers):
            raise TemplateLimit(f"a filter argument above {MAX_WIDTH:,}")
        if func.__name__ == "do_format" and isinstance(args[first], str):
            _check_format(args[first])
        return _sized(func(*args, **kwargs))
    return filter_


def _check_format(text):
    if _WIDE_FORMAT.search(text):
        raise TemplateLimit(f"a format width above {MAX_WIDTH:,}")


class BoundedEnvironment(SandboxedEnvironment):
    """SandboxedEnvironment with size limits on what expressions build; render with `render_bounded`."""
    intercepted_binops = frozenset(["*", "**", "+", "%"])
    code_generator_class = _Generator

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters = {name: guarded(f) for name, f in self.filters.items()}

    def sized(self, value):  # called by the generated code of `~`
        return _sized(value)

    def call_binop(self, context, operator, left, right):
        if operator == "*":
            count, seq = (right, left) if isinstance(left, (str, list, tuple)) else (left, right)
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_SIZE:
                raise TemplateLimit(f"a template built a value larger than {MAX_SIZE:,}")
        elif operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 100 or isinstance(left, int) and abs(left) > 10 ** 6:
                raise TemplateLimit("a power too large to compute")
        elif operator == "%" and isinstance(left, str):
            _check_format(left)
        return _sized(super().call_binop(context, operator, left, right))

    def wrap_str_format(self, value):  # str.format and format_map, as the sandbox hands them out
        wrapper = super().wrap_str_format(value)
        if wrapper is None:
            return None
        _check_format(value.__self__)
        return wrapper


def render_bounded(template, context, seconds, max_output):
    """Render within `seconds` of time and `max_output` characters. The clock is checked on every line the
    template runs (a trace function limited to template code), so a loop that writes nothing is stopped too."""
    env = template.environment
    deadline = time.monotonic() + seconds

    def in_template(frame, event, arg):
        if time.monotonic() > deadline:
            raise TemplateLimit(f"a template ran longer than {seconds:g} s")
        return in_template

    def tracer(frame, event, arg):  # only the template's own frames are traced line by line
        return in_template(frame, event, arg) if frame.f_globals.get("environment") is env else None

    previous = sys.gettrace()
    sys.settrace(tracer)
    try:
        out, size = [], 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > max_output:
                raise TemplateLimit(f"a template wrote more than {max_output:,} characters")
            out.append(chunk)
        return "".join(out)
    finally:
        sys.settrace(previous)
