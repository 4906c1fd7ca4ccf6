"""The rule catalog (`mtus-check rules docs`) and coverage table (`mtus-check rules coverage`), generated from the
library: never edited by hand."""
from collections import Counter
from functools import lru_cache

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..paths import reports_dir
from ..request.vocabulary import load_vocabulary
from .conditions import Not, describe

CONFIRMED = ("seed_letter", "regulation", "secondary")


def _criterion_view(crit):
    if crit.effect == "not_recommended":
        rule = "not recommended when " + describe(crit.condition.term if isinstance(crit.condition, Not) else crit.condition)
    elif crit.effect == "cap":
        rule = f"{crit.cap.fact} ≤ {crit.cap.max}" + (" (statutory)" if crit.cap.basis == "statute" else "")
    else:
        rule = describe(crit.condition)
    return {
        "id": crit.id, "title": crit.title, "effect": crit.effect, "rule": rule,
        "applies_when": describe(crit.applies_when) if crit.applies_when is not None else "",
        "citation": crit.citation, "confirmed": crit.confirmed_by.source in CONFIRMED,
        "source": crit.confirmed_by.source, "note": crit.confirmed_by.note, "remedy": " ".join(crit.remedy.split()),
        "examples": [{"expect": e.expect, "request": yaml.safe_dump(e.request, sort_keys=True, default_flow_style=True,
                                                                     width=10000).strip()} for e in crit.examples],
    }


def catalog_context(library):
    """Everything the catalog templates show, in library order."""
    topics = []
    for t in library.topics:
        topics.append({
            "id": t.id, "title": t.title, "tier": library.tier_labels[t.tier], "edition": t.edition,
            "citation": t.citation, "effective": f"{t.effective_from.isoformat()} to "
                                                 f"{t.effective_to.isoformat() if t.effective_to else 'in force'}",
            "applies_to": [c + (f" when {describe(w)}" if w is not None else "") for c, w in t.selectors],
            "statement": " ".join(t.statement.split()), "criteria": [_criterion_view(c) for c in t.criteria]})
    sources = Counter(c.confirmed_by.source for c in library.criteria())
    return {"version": library.version, "sha256": library.sha256, "topics": topics,
            "n_criteria": len(library.criteria()), "sources": sorted(sources.items()),
            "n_confirmed": sum(n for s, n in sources.items() if s in CONFIRMED)}


@lru_cache(maxsize=2)
def _environment(folder):
    return Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True, keep_trailing_newline=True,
                       autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False))


def render_catalog(library, fmt):
    """The catalog as Markdown ('md') or one self-contained HTML page ('html')."""
    template = _environment(str(reports_dir())).get_template(f"rule_catalog.{fmt}.j2")
    return template.render(**catalog_context(library))


def coverage(library):
    """Rows (category, {period id: [(tier label, topic id), ...]}) for every category of the vocabulary."""
    rows = []
    for category in sorted(load_vocabulary().categories):
        cells = {}
        for period in library.periods:
            cells[period.id] = [
                (library.tier_labels[t.tier], t.id) for t in library.topics
                if any(c == category for c, _ in t.selectors)
                and t.effective_from <= (period.end or t.effective_from.max) and (t.effective_to is None or t.effective_to >= period.start)]
        rows.append((category, cells))
    return rows
