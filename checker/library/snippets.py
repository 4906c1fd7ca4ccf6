"""Jinja snippets from the rule library (rationale sentences, remedies, statements), rendered in a sandbox
with strict undefined variables. lint checks every variable against the facts and the names below."""
from functools import lru_cache

from jinja2 import StrictUndefined, meta
from jinja2.sandbox import SandboxedEnvironment

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
    env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters["yesno"] = lambda v, words="yes,no,not documented": (
        words.split(",")[0] if v is True else words.split(",")[1] if v is False else words.split(",")[2])
    return env


@lru_cache(maxsize=4096)
def _template(source):
    return environment().from_string(source)


class SnippetError(RuntimeError):
    """A rule-library template failed while rendering (a bug in the rule library, named by its criterion)."""


def render(source, context, where="rule library template"):
    """Render a snippet; whitespace is collapsed to single spaces."""
    try:
        return " ".join(_template(source).render(context).split())
    except Exception as exc:  # any template error is the rule library's bug: name the rule, not a traceback
        raise SnippetError(f"{where}: template failed: {exc}") from None


def variables(source):
    """The undeclared variables a snippet uses (raises jinja2.TemplateSyntaxError when malformed)."""
    return meta.find_undeclared_variables(environment().parse(source))
