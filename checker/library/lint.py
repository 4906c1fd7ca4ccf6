"""`mtus-check rules lint`: every problem of every rule file in one pass. Loading reports what it validates
(structure, conditions, ids, examples present); lint adds what it does not: citations complete, every template
parses and names only defined variables, every example a valid request, text YAML drops as a comment."""
from pathlib import Path

from jinja2 import TemplateSyntaxError

from ..errors import InputError, did_you_mean, field_path, shown_path
from ..paths import rules_dir
from ..request.facts import fact_fields
from ..request.positions import load_file
from ..request.vocabulary import load_vocabulary
from .examples import example_request
from .load import load_library, topic_files
from .problems import Problem, ordered
from .snippets import EXTRA_NAMES, trial, variables


def _strings(node, loc):
    """The strings at a location: the value itself, or each value of a dated mapping."""
    if isinstance(node, str):
        yield loc, node
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from _strings(value, loc + (key,))


def _snippets(raw):
    """(location, Jinja source) of every template of a raw topic file."""
    yield from _strings(raw.get("statement"), ("statement",))
    for i, crit in enumerate(raw.get("criteria") or []):
        if isinstance(crit, dict):
            for result in ("met", "unmet", "not_documented"):
                yield from _strings((crit.get("rationale") or {}).get(result) if isinstance(crit.get("rationale"), dict)
                                    else None, ("criteria", i, "rationale", result))
            yield from _strings(crit.get("remedy"), ("criteria", i, "remedy"))


def _at(file, positions, loc, message, rule, severity="error"):
    return Problem(shown_path(file), positions.line_of(loc), positions.column_of(loc), field_path(loc), message, rule, severity)


def _templates(file, raw, positions, known, fields):
    problems = []
    caps_told = {}  # criterion index -> whether its remedy or unmet rationale names {{ supported }}
    for loc, source in _snippets(raw):
        try:
            unknown = sorted(variables(source) - known)
            names = variables(source)
        except TemplateSyntaxError as exc:
            problems.append(_at(file, positions, loc, f"template does not parse: {exc.message}", "template"))
            caps_told[loc[1:2]] = True  # reported already
            continue
        for name in unknown:
            problems.append(_at(file, positions, loc, f"template uses undefined variable {name!r}"
                                f"{did_you_mean(name, known)} (`mtus-check rules facts` lists the names)", "template"))
        failed = None if unknown else trial(source, fields)  # rendered once, as review will
        if failed:
            problems.append(_at(file, positions, loc, failed, "template"))
        if loc[0] == "criteria" and (loc[2] == "remedy" or loc[3:4] == ("unmet",)):
            caps_told[loc[1:2]] = caps_told.get(loc[1:2], False) or "supported" in names
    for i, crit in enumerate(raw.get("criteria") or []):
        if isinstance(crit, dict) and crit.get("effect") == "cap" and not caps_told.get((i,), True):
            problems.append(_at(file, positions, ("criteria", i, "remedy"),
                                "a cap should tell the supported quantity ({{ supported }})", "template"))
    return problems


def _loaded_checks(library, raws):
    """Checks on the loaded topics: MTUS citations have pages; every example is a valid request."""
    problems = []
    for topic in library.topics:
        raw, positions = raws[topic.file]
        index = {positions.line_of(("criteria", i)): i for i in range(len(raw.get("criteria") or []))}
        # Printed MTUS guidelines are cited by page; a guideline without pages says so with pages: "".
        if topic.tier == "mtus" and "pages" not in (raw.get("citation") or {}) \
                and not all(c.citation.pages for c in topic.criteria):
            problems.append(_at(topic.file, positions, ("citation",), 'an MTUS citation needs pages (on the topic or '
                                'every criterion; pages: "" if it has none)', "citation"))
        for crit in topic.criteria:
            for j, example in enumerate(crit.examples):
                try:
                    example_request(topic, example, crit)
                except InputError as exc:
                    loc = ("criteria", index.get(crit.line, 0), "examples", j, "request")
                    problems.append(_at(topic.file, positions, loc,
                                        f"example is not a valid request: {exc.field}: {exc.message}", "example"))
    return problems


def lint(root=None):
    """(library or None, every problem of the library at root, sorted). The library is None when library.yaml
    or the vocabulary is broken; topics with problems are left out of it."""
    root = Path(root) if root else rules_dir()
    errors = []
    library = load_library(root, errors)
    problems = [Problem.of(e) for e in errors]
    if library is None:
        return None, ordered(problems)
    fields = fact_fields(load_vocabulary(str(root)))
    known = set(fields) | set(EXTRA_NAMES)
    raws = {}
    for path in topic_files(root):
        try:
            raw, positions = load_file(path)
        except InputError:
            continue  # reported by loading
        if not isinstance(raw, dict):
            continue
        raws[str(path)] = raw, positions
        problems += _templates(path, raw, positions, known, fields)
        problems += [_at(path, positions, loc, message, "comment", "warning") for loc, message in positions.warnings]
    problems += _loaded_checks(library, raws)
    return library, ordered(problems)

