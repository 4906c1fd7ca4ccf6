"""The rule catalog (`mtus-check rules docs`) and coverage table (`mtus-check rules coverage`), generated from the
library: never edited by hand."""
from collections import Counter
from functools import lru_cache

import yaml
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from ..paths import reports_dir
from ..request.vocabulary import load_vocabulary
from .conditions import Not, describe, evaluate

CONFIRMED = ("seed_letter", "imr_letter", "regulation", "secondary")


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
        "source": crit.confirmed_by.source, "note": _note(crit.confirmed_by), "remedy": " ".join(crit.remedy.split()),
        "in_force": _range(crit.effective_from, crit.effective_to),
        "examples": [{"expect": e.expect, "request": yaml.safe_dump(e.request, sort_keys=True, default_flow_style=True,
                                                                     width=10000).strip()} for e in crit.examples],
    }


def _note(conf):
    where = ", ".join(conf.letters) or conf.url or ""
    quote = f' Quoted ({where}): "{" ".join(conf.quote.split())}"' if conf.quote else ""
    return " ".join(conf.note.split()) + quote


def _range(start, end):
    return f"{start.isoformat()} to {end.isoformat() if end else 'in force'}"


def _cite(c):
    return f"{c.guideline}, {c.section}" + (f", page(s) {c.pages}" if c.pages else "")


def catalog_context(library):
    """Everything the catalog templates show, one entry per topic (its spans across editions together), in
    library order; each criterion once, with the dates it is in force and the editions it carries into."""
    by_id = {}
    for t in library.topics:
        by_id.setdefault(t.id, []).append(t)
    topics = []
    for topic_id, spans in by_id.items():
        first, last = spans[0], spans[-1]
        criteria, seen = [], {}
        for span in spans:
            for c in span.criteria:
                if c.id in seen:
                    view = seen[c.id]
                    view["in_force"] = view["in_force"].split(" to ")[0] + " to " + (
                        c.effective_to.isoformat() if c.effective_to else "in force")
                    continue
                seen[c.id] = _criterion_view(c)
                criteria.append(seen[c.id])
        merged = []  # consecutive spans of one edition with the same citation shown as one
        for span in spans:
            cite = _cite(span.citation) + (f" (carried forward from {span.origin})" if span.origin else "")
            if merged and merged[-1][0] == span.edition and merged[-1][3] == cite:
                merged[-1][2] = span.effective_to
            else:
                merged.append([span.edition, span.effective_from, span.effective_to, cite])
        lines = [f"{e} ({_range(a, b)}): {cite}" for e, a, b, cite in merged]
        editions = list(dict.fromkeys(span.edition for span in spans))
        topics.append({
            "id": topic_id, "title": last.title, "tier": library.tier_labels[first.tier], "edition": ", ".join(editions),
            "citation": first.citation, "spans": lines,
            "effective": _range(first.effective_from, last.effective_to),
            "applies_to": [c + (f" when {describe(w)}" if w is not None else "") for c, w in last.selectors],
            "statement": " ".join(last.statement.split()), "criteria": criteria})
    views = [c for t in topics for c in t["criteria"]]
    sources = Counter(c["source"] for c in views)
    return {"version": library.version, "sha256": library.sha256, "topics": topics,
            "n_criteria": len(views), "sources": sorted(sources.items()),
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


_TOPICAL = ("capsaicin", "compounded_topical", "lidocaine_topical", "salicylate_topical", "topical_analgesic",
            "topical_nsaid", "ketoprofen", "flurbiprofen")


def _probes(vocab):
    """(row label, category, sample facts) for the coverage table: one row per category, and for medications one
    per drug class and one for compounded products, since drug topics select by class."""
    for category in sorted(vocab.categories):
        base = {"category": category, "category_kind": vocab.category_kind(category), "postsurgical": False,
                "purpose_kind": "none"}
        if category != "medication":
            yield category, category, base
            continue
        for cls in vocab.drug_classes():
            drug = next(k for k, spec in sorted(vocab.drugs.items()) if spec["class"] == cls)
            form = "topical" if cls in _TOPICAL else "oral"
            yield f"medication ({cls})", category, dict(base, drug_class=cls, drug=drug, drug_form=form, compound=False)
        yield "medication (compounded)", category, dict(base, compound=True)


def _addresses(topic, category, facts):
    """Whether a topic's selector may apply to the sample facts (true, or unknown for lack of other facts)."""
    return any(c == category and (when is None or evaluate(when, facts) is not False) for c, when in topic.selectors)


def coverage(library):
    """Rows (label, {period id: [(tier label, topic id), ...]}): every category of the vocabulary (medications by
    drug class), and the topics that address it in each MTUS period."""
    rows = []
    for label, category, facts in _probes(load_vocabulary()):
        cells = {}
        for period in library.periods:
            cells[period.id] = list(dict.fromkeys(
                (library.tier_labels[t.tier], t.id) for t in library.topics
                if not t.advisory and _addresses(t, category, facts)
                and t.effective_from <= (period.end or t.effective_from.max) and (t.effective_to is None or t.effective_to >= period.start)))
        rows.append((label, cells))
    return rows


def coverage_holes(library):
    """(category, earlier period, later period) where a category the library addresses in a period is not
    addressed in a later one, unless an edition in force then withdraws every topic that addressed it (the
    library then states why). Each is a hole a provider would see as 'not addressed'."""
    rows = dict(coverage(library))
    withdrawn = {topic: (e, reason) for e in library.editions for topic, reason in e.withdraws.items()}
    holes = []
    for category, cells in rows.items():
        for i, earlier in enumerate(library.periods):
            if not cells[earlier.id]:
                continue
            for later in library.periods[i + 1:]:
                if cells[later.id]:
                    continue
                if all(t in withdrawn for _, t in cells[earlier.id]):
                    continue
                holes.append((category, earlier.id, later.id))
    return holes
