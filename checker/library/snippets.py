"""Jinja snippets from the rule library (rationale sentences, remedies, statements), rendered in a sandbox
with strict undefined variables. lint checks every variable against the facts and the names below."""
import threading
from collections import OrderedDict
from functools import lru_cache

from jinja2 import StrictUndefined, meta, nodes

from .sandbox import BoundedEnvironment, TemplateLimit, guarded, render_bounded

SECONDS = 2.0  # one snippet's time budget
MAX_OUTPUT = 100_000  # characters of one rendered snippet

EXTRA_NAMES = {
    "description": "the item as requested",
    "max": "a cap criterion's maximum",
    "supported": "the quantity a cap criterion supports",
    "diagnoses": "the request's diagnoses as written, joined",
    "citation_section": "the section the criterion cites, as in force on the review date",
    "citation_pages": "the pages the criterion cites ('' for a guideline cited by section)",
    "at_pages": "' (page N)' or ' (pages N-M)' after a guideline's name when it is cited by page, else ''",
}


def at_pages(pages):
    """' (page 8)', ' (pages 98-99)' or '' (a guideline cited by section)."""
    if not pages:
        return ""
    return f" (page{'s' if any(ch in pages for ch in '-,') else ''} {pages})"


@lru_cache(maxsize=1)
def environment():
    env = BoundedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["yesno"] = guarded(lambda v, words="yes,no,not documented": (
        words.split(",")[0] if v is True else words.split(",")[1] if v is False else words.split(",")[2]))
    return env


@lru_cache(maxsize=4096)
def _compiled(source):
    """A snippet's template, the names it may read from its context (sorted), and whether its text depends on
    their values only (it uses neither `lipsum` nor the `random` filter)."""
    env = environment()
    if isinstance(source, str):
        ast = env.parse(source)
        template = env.from_string(ast)  # what from_string(source) compiles, parsed once
    else:  # not a snippet: Jinja fails on it as before
        template, ast = env.from_string(source), source
    # find_undeclared_variables leaves out the globals (range, dict...), which a context value would shadow
    loaded = {n.name for n in ast.find_all(nodes.Name)}
    names = tuple(sorted(meta.find_undeclared_variables(ast) | loaded))
    pure = "lipsum" not in loaded and not any(f.name == "random" for f in ast.find_all(nodes.Filter)) and not any(
        c.value == "random" for c in ast.find_all(nodes.Const))  # xs|map('random') applies it too
    return template, names, pure


_MISSING = object()  # a name the context does not have (StrictUndefined raises on it)
_PLAIN = frozenset({str, int, bool, type(None), type(_MISSING)})
_RENDERED = OrderedDict()  # (source, values key) -> rendered text, least recently used first
_RENDERED_MAX = 16_384
_RENDERED_LOCK = threading.Lock()


def _values_key(values):
    """A hashable key telling apart every two value tuples that may render differently (1, 1.0 and True;
    0.0 and -0.0), or None when a value is not a plain immutable one."""
    key = []
    for value in values:
        kind = type(value)
        if kind is float:
            key.append((kind, repr(value)))
        elif kind in _PLAIN:
            key.append((kind, value))
        else:
            return None
    return tuple(key)


class SnippetError(RuntimeError):
    """A rule-library template failed while rendering (a bug in the rule library, named by its criterion)."""


def render(source, context, where="rule library template"):
    """Render a snippet; whitespace is collapsed to single spaces. `context` is any mapping with `in` and `[]`:
    only the names the snippet reads are taken from it. Rendered text is memoized by source and those values."""
    try:
        if isinstance(source, str) and "{" not in source and len(source) <= MAX_OUTPUT:
            return " ".join(source.split())  # plain text: Jinja would return it as written
        template, names, pure = _compiled(source)
        values = tuple(context[n] if n in context else _MISSING for n in names)
        key = (source, _values_key(values)) if pure else (source, None)
        if key[1] is not None:
            with _RENDERED_LOCK:
                text = _RENDERED.get(key)
                if text is not None:
                    _RENDERED.move_to_end(key)
                    return text
        used = {n: v for n, v in zip(names, values) if v is not _MISSING}
        text = " ".join(render_bounded(template, used, SECONDS, MAX_OUTPUT).split())
        if key[1] is not None:
            with _RENDERED_LOCK:
                _RENDERED[key] = text
                if len(_RENDERED) > _RENDERED_MAX:
                    _RENDERED.popitem(last=False)
        return text
    except TemplateLimit as exc:
        raise SnippetError(f"{where}: template failed: {exc}") from None
    except Exception as exc:  # the rule library's bug: name the rule (the message could quote request text)
        raise SnippetError(f"{where}: template failed ({exc.__class__.__name__})") from None


def variables(source):
    """The undeclared variables a snippet uses (raises jinja2.TemplateSyntaxError when malformed)."""
    return meta.find_undeclared_variables(environment().parse(source))


def _sample(ftype, last):
    if isinstance(ftype, tuple):
        return (ftype[-1] if last else ftype[0]) if ftype else "none"
    return {"bool": not last, "int": 2, "number": 2.5}.get(ftype, "text")


def trial(source, fields):
    """What rendering a snippet with sample facts shows, as review would render it (a loop past the time budget,
    a filter that fails on a fact's type), or None. Two samples (each enumeration's first value, then its last):
    a sentence written for some values only is reported when it fails on both."""
    failed = None
    for last in (False, True):
        context = {name: _sample(ftype, last) for name, (ftype, _) in fields.items()}
        context.update(description="the requested item", max=2, supported=2, diagnoses="lumbar sprain",
                       citation_section="a section", citation_pages="1-2", at_pages=" (pages 1-2)")
        try:
            render(source, context, "")
            return None
        except SnippetError as exc:
            failed = failed or str(exc).split(": ", 1)[-1].replace("template failed", "fails with sample facts", 1)
            if "longer than" in failed:
                break  # one time-out is enough
    return failed
