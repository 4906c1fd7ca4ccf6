"""Jinja snippets from the rule library (rationale sentences, remedies, statements), rendered in a sandbox
with strict undefined variables. lint checks every variable against the facts and the names below."""
from functools import lru_cache

from jinja2 import StrictUndefined, meta

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
def _template(source):
    return environment().from_string(source)


class SnippetError(RuntimeError):
    """A rule-library template failed while rendering (a bug in the rule library, named by its criterion)."""


def render(source, context, where="rule library template"):
    """Render a snippet; whitespace is collapsed to single spaces."""
    try:
        return " ".join(render_bounded(_template(source), context, SECONDS, MAX_OUTPUT).split())
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
