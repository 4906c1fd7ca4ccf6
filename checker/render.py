"""Render stage: reporters over a Determination. JSON is the machine contract; text is the IMR-style view
rendered from reports/*.j2."""
import json
from functools import lru_cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from .paths import reports_dir


def _grouped(citations):
    """'guideline, section; section' per guideline, in order of first appearance."""
    groups = {}
    for c in citations:
        groups.setdefault(c.guideline, []).append(c.section + (f", Page(s): {c.pages}" if c.pages else ""))
    return "; ".join(f"{g}, " + "; ".join(sections) for g, sections in groups.items())


def citation_line(citations):
    """The guideline line as letters write it."""
    mtus = [c for c in citations if c.tier == "mtus"]
    other = [c for c in citations if c.tier != "mtus"]
    parts = ["Decision based on MTUS " + _grouped(mtus) + "." if mtus
             else "The Expert Reviewer did not base their decision on the MTUS."]
    if other:
        parts.append("Decision based on Non-MTUS Citation " + _grouped(other) + ".")
    return " ".join(parts)


def to_dict(det):
    """The stable JSON contract of a determination."""
    items = []
    for it in det.items:
        items.append({
            "id": it.item.id,
            "description": it.item.description,
            "category": it.item.category,
            "requested_quantity": it.item.quantity,
            "determination": it.determination,
            "imr_outcome": it.imr_outcome,
            "supported_quantity": it.supported_quantity,
            "tier": it.tier,
            "tier_reason": it.tier_reason,
            "citations": [c.as_dict() for c in it.citations],
            "guideline_line": citation_line(it.citations) if it.citations else "",
            "criteria": [{"id": cr.criterion.id, "topic": cr.criterion.topic, "effect": cr.criterion.effect,
                          "result": cr.result, "citation": cr.criterion.citation.as_dict(),
                          "confirmed_by": cr.criterion.confirmed_by.source,
                          "facts": {k: v for k, v in cr.facts}, "sentence": sentence}
                         for cr, sentence in it.results],
            "decisive_criteria": list(it.decisive),
            "rationale": it.rationale,
            "remedies": list(it.remedies),
            "notes": list(it.notes),
            "physician_signature_required": it.physician_signature_required,
        })
    return {
        "request_id": det.request.request_id,
        "review_date": det.request.review_date.isoformat(),
        "edition": det.edition,
        "rule_library": {"version": det.library.version, "sha256": det.library.sha256},
        "warnings": list(det.warnings),
        "items": items,
    }


def render_json(det):
    return json.dumps(to_dict(det), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


@lru_cache(maxsize=2)
def _environment(folder):
    env = Environment(loader=FileSystemLoader(folder), undefined=StrictUndefined, autoescape=False,
                      keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True)
    return env


def render_text(det):
    """The IMR-style 'IMR ISSUES, DECISIONS AND RATIONALES' section, one block per item."""
    template = _environment(str(reports_dir())).get_template("imr_determination.txt.j2")
    return template.render(d=to_dict(det))


REPORTERS = {"json": render_json, "text": render_text}
