"""`mtus-check rules lint`: checks the library beyond what loading validates (which already rejects unknown
fields, bad conditions, duplicate ids and missing examples): citations complete, every template variable
defined, every template parses, every example a valid request. Problems are reported as file:line."""
from jinja2 import TemplateSyntaxError

from ..errors import InputError
from ..request.facts import fact_fields
from ..request.positions import load_file
from .examples import example_request
from .snippets import EXTRA_NAMES, variables


def _snippets(topic):
    yield ("statement",), topic.statement
    for i, crit in enumerate(topic.criteria):
        for result, source in crit.rationale.items():
            yield ("criteria", i, "rationale", result), source
        yield ("criteria", i, "remedy"), crit.remedy


def lint_library(library):
    """All problems found, as one-line strings (empty when the library is clean)."""
    known = set(fact_fields()) | set(EXTRA_NAMES)
    problems = []
    for topic in library.topics:
        raw, positions = load_file(topic.file)

        def report(loc, message):
            err = InputError(topic.file, message, field=".".join(str(p) for p in loc), line=positions.line_of(loc))
            problems.append(err.one_line())

        # Printed MTUS guidelines are cited by page; a guideline without pages says so with pages: "".
        if topic.tier == "mtus" and "pages" not in raw.get("citation", {}) and not all(c.citation.pages for c in topic.criteria):
            report(("citation", "pages"), 'an MTUS citation needs pages (on the topic or every criterion; pages: "" if it has none)')
        for loc, source in _snippets(topic):
            try:
                unknown = sorted(variables(source) - known)
            except TemplateSyntaxError as exc:
                report(loc, f"template does not parse: {exc.message}")
                continue
            if unknown:
                report(loc, f"template uses undefined variable(s): {', '.join(unknown)}")
        for i, crit in enumerate(topic.criteria):
            try:
                names = variables(crit.remedy) | variables(crit.rationale["unmet"])
            except TemplateSyntaxError:
                names = {"supported"}  # reported above as a template that does not parse
            if crit.effect == "cap" and "supported" not in names:
                report(("criteria", i, "remedy"), "a cap should tell the supported quantity ({{ supported }})")
            for j, example in enumerate(crit.examples):
                loc = ("criteria", i, "examples", j, "request")
                try:
                    example_request(topic, example, crit)
                except InputError as exc:
                    report(loc, f"example is not a valid request: {exc.field}: {exc.message}")
    return sorted(set(problems), key=problems.index)  # a topic carried through editions is one file


def unread_facts(library):
    """Facts no rule reads (documentation statements of the vocabulary, fields derived from the request): each is
    something a request can state that no criterion turns on, or a statement waiting for its rule."""
    from .conditions import facts_used
    read = set()
    for topic in library.topics:
        for _, when in topic.selectors:
            read.update(facts_used(when))
        for crit in topic.criteria:
            read.update(facts_used(crit.applies_when))
            read.update(facts_used(crit.condition))
        for _, source in _snippets(topic):  # a rationale that words itself by a fact reads it too
            try:
                read.update(variables(source))
            except TemplateSyntaxError:
                pass
    families = ("dx_", "suspected_", "taking_", "ing_", "exam_")  # one per vocabulary entry: many are read as groups
    return sorted(f for f in fact_fields() if f not in read and not f.startswith(families))
