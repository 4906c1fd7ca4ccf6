"""Render stage: one determination, three views (review: the IMR-style determination; draft: the UR
determination letter draft; precheck: the provider's checklist), each a Jinja template set in reports/, in
text, Markdown, HTML or PDF; JSON is the machine contract shared by all three."""
from functools import lru_cache
from pathlib import Path

import orjson
from jinja2 import (
    ChoiceLoader,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
)
from jinja2.sandbox import SecurityError

from ..errors import InputError
from ..library.sandbox import BoundedEnvironment, TemplateLimit, guarded, render_bounded
from ..paths import reports_dir
from ..request import gate
from . import escape
from .letter import letter
from .summary import case_summary
from .timeframes import timeframe

VIEWS = ("review", "draft", "precheck")
FORMATS = ("text", "md", "html", "pdf", "json")
_TEMPLATE_FORMAT = {"text": "text", "md": "md", "html": "html", "pdf": "html"}

LIKELY = {"certify": "likely certified", "modify": "at risk", "physician_review": "not addressed by the rule library"}


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


def _cite(c):
    return f"{c.guideline}, {c.section}" + (f", page(s) {c.pages}" if c.pages else "")


def _likely(it):
    if it.determination == "non_certify":
        contradicted = any(cr.result == "unmet" and cr.criterion.effect in ("requirement", "not_recommended")
                           for cr, _ in it.results)
        return "likely non-certified" if contradicted else "at risk"
    return LIKELY[it.determination]


def _actions(it):
    """What the provider can do, one per failing criterion: contradicted, not documented, or over the quantity."""
    out = []
    for cr, sentence in it.results:
        crit = cr.criterion
        if cr.result == "met" or crit.effect == "informational":
            continue
        kind = ("expected" if crit.effect == "expected" else
                "not_documented" if cr.result == "not_documented" else
                "over_quantity" if crit.effect == "cap" else
                "not_recommended" if crit.effect == "not_recommended" else "contradicted")
        out.append({"criterion": crit.id, "kind": kind, "finding": sentence,
                    "action": dict(it.remedy_for)[crit.id], "citation": _cite(crit.citation)})
    return out


def _attach(it):
    """For an item likely certified: what the records must show, one line per requirement it meets."""
    if it.determination != "certify":
        return []
    return [cr.criterion.title for cr, _ in it.results if cr.result == "met" and cr.criterion.effect == "requirement"]


def _would_change(entries):
    """Facts the request lacks that decide which topics apply: one entry per fact, with the topics it gates."""
    out = {}
    for fact, meaning, topic in entries:
        out.setdefault(fact, {"fact": fact, "meaning": meaning, "topics": []})["topics"].append(topic)
    return list(out.values())


def _edition_of(library, crit):
    """The edition a criterion was written for, and the one it is applied under when it carried forward."""
    # topic spans by id, so that a criterion's is found without a scan; valid only for the topics it was built from
    # (dataclasses.replace(library, topics=...) shares the memo)
    known = library.memo.get("edition_of")
    if known is None or known[0] is not library.topics:
        spans = {}
        for t in library.topics:
            spans.setdefault(t.id, []).append(t)
        known = library.memo["edition_of"] = (library.topics, spans)
    topic = next(t for t in known[1][crit.topic] if t.effective_from <= crit.effective_from
                 and (t.effective_to is None or crit.effective_from <= t.effective_to))
    return {"applied": topic.edition, "written_for": topic.origin or topic.edition}


def to_dict(det):
    """The stable JSON contract of a determination (all three views render from it)."""
    items = []
    for it in det.items:
        approved = it.supported_quantity if it.determination == "modify" else (
            it.item.quantity if it.determination == "certify" else 0 if it.determination == "non_certify" else None)
        items.append({
            "id": it.item.id,
            "description": it.item.description,
            "category": it.item.category,
            "requested_quantity": it.item.quantity,
            "determination": it.determination,
            "imr_outcome": it.imr_outcome,
            "supported_quantity": it.supported_quantity,
            "approved_quantity": approved,
            "likely_result": _likely(it),
            "tier": it.tier,
            "tier_reason": it.tier_reason,
            "topics": list(it.topics),
            "citations": [c.as_dict() for c in it.citations],
            "guideline_line": citation_line(it.citations) if it.citations else "",
            "criteria": [{"id": cr.criterion.id, "topic": cr.criterion.topic, "effect": cr.criterion.effect,
                          "result": cr.result, "citation": cr.criterion.citation.as_dict(),
                          "confirmed_by": cr.criterion.confirmed_by.source,
                          "edition": _edition_of(det.library, cr.criterion),
                          "facts": {k: v for k, v in cr.facts}, "sentence": sentence}
                         for cr, sentence in it.results],
            "decisive_criteria": list(it.decisive),
            "grounds": it.grounds,
            "parts": [{"body_region": region, "determination": d} for region, d in it.parts],
            "depends_on": ({"item": it.depends_on[0], "determination": it.depends_on[1]} if it.depends_on else None),
            "documentation_expected": list(it.asks),
            "would_change": _would_change(it.would_change),
            "rationale": it.rationale,
            "remedies": list(it.remedies),
            "actions": _actions(it),
            "notes": list(it.notes),
            "physician_signature_required": it.physician_signature_required,
            "ready_from": it.ready_from.isoformat() if it.ready_from else None,
            "attach": _attach(it),
            "cpt_hcpcs": it.item.cpt_hcpcs,
            "ndc": it.item.ndc,
            "icd10": list(it.item.icd10),
            "frequency": it.item.frequency.model_dump() if it.item.frequency else None,
            "duration": it.item.duration,
        })
    ready = sum(1 for i in items if i["likely_result"] == "likely certified")
    return {
        "request_id": det.request.request_id,
        "review_date": det.request.review_date.isoformat(),
        "edition": det.edition,
        "edition_label": next((p.label for p in det.library.periods if p.id == det.edition), det.edition),
        "rule_library": {"version": det.library.version, "sha256": det.library.sha256},
        "case_summary": case_summary(det.request),
        "warnings": list(det.warnings),
        "summary": {"total": len(items), "ready": ready, "need_work": len(items) - ready,
                    "physician_signature_required": any(i["physician_signature_required"] for i in items)},
        "items": items,
        "rfa": _rfa(det.request),
        "timeframe": timeframe(det.request.rfa.received, det.request.rfa.expedited, det.request.review_date),
    }


def _rfa(request):
    """What DWC Form RFA states: the claim, the receipt, the injured worker, the requesting physician, the records."""
    rfa, patient = request.rfa, request.patient
    received = rfa.received
    return {
        "received": (received.isoformat(sep=" ", timespec="minutes") if hasattr(received, "hour")
                     else received.isoformat()) if received else None,
        "claim_number": rfa.claim_number,
        "employer": rfa.employer,
        "claims_administrator": rfa.claims_administrator,
        "expedited": rfa.expedited,
        "documents": list(rfa.documents),
        "patient": {"name": patient.name,
                    "date_of_birth": patient.date_of_birth.isoformat() if patient.date_of_birth else None},
        "injury_date": request.injury.date.isoformat() if request.injury.date else None,
        "requesting_physician": request.requesting_physician.model_dump(),
    }


def contract_json(contract):
    """The JSON contract as text: keys sorted, two-space indent, UTF-8 unescaped, a final newline. These are the
    bytes of json.dumps(indent=2, sort_keys=True, ensure_ascii=False) but for a float's exponent (orjson writes
    2.5e-7 for 2.5e-07); orjson writes them an order of magnitude faster."""
    return orjson.dumps(contract, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode("utf-8") + "\n"


def render_json(det):
    return contract_json(to_dict(det))


SECONDS = 10.0  # one report's rendering time budget
MAX_OUTPUT = 2_000_000  # characters of one report; 1,000,000 of HTML for a PDF (WeasyPrint takes ~10 s per MB)
MAX_PDF_HTML = 1_000_000


class _GatedLoader(FileSystemLoader):
    """Templates read through the input gate: regular files within the template size limit."""

    def get_source(self, environment, template):
        _, filename, uptodate = super().get_source(environment, template)
        return gate.read_text(filename, gate.TEMPLATE), filename, uptodate


@lru_cache(maxsize=8)
def _environment(user_dir, markdown=False):
    loaders = ([_GatedLoader(user_dir)] if user_dir else []) + [_GatedLoader(str(reports_dir()))]
    env = BoundedEnvironment(loader=ChoiceLoader(loaders), undefined=StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True,
                             autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                             finalize=escape.markdown if markdown else None)
    wordwrap = env.filters["wordwrap"]
    env.filters["wrap"] = guarded(lambda text, width=100: wordwrap(env, text, width))
    return env


def _template_line(exc):
    """The line of the report template where rendering failed (Jinja's tracebacks name the template's lines)."""
    tb, line = exc.__traceback__, None
    while tb is not None:
        if tb.tb_frame.f_code.co_filename.endswith(".j2"):
            line = tb.tb_lineno
        tb = tb.tb_next
    return line


class TemplateFault(InputError):
    """A broken report template: named, with its line, on one line."""


def render(det, view="review", fmt="text", templates=None, profile=None):
    """The determination in one view and format: str, or bytes for PDF. `profile` (a request.profile.Profile)
    fills the UR letter's organisation, reviewer, adjuster and copy-to lines (the JSON contract ignores it)."""
    if fmt == "json":
        return render_json(det)
    name = f"{view}.{_TEMPLATE_FORMAT[fmt]}.j2"
    env = _environment(str(Path(templates).resolve()) if templates else None, fmt == "md")
    # text and Markdown: request text cannot forge a line (HTML escapes it by itself)
    data = to_dict(det)
    fields = letter(data, profile)
    if fmt not in ("html", "pdf"):
        data, fields = escape.clean(data), escape.clean(fields)
    limit = MAX_PDF_HTML if fmt == "pdf" else MAX_OUTPUT
    try:
        text = render_bounded(env.get_template(name), {"d": data, "view": view, "L": fields}, SECONDS, limit)
    except TemplateSyntaxError as exc:
        raise TemplateFault(exc.filename or exc.name or name, f"template error: {exc.message}", line=exc.lineno) from None
    except TemplateNotFound as exc:
        raise TemplateFault(name, f"template not found: {exc.name}") from None
    except InputError:
        raise
    except TemplateLimit as exc:
        raise TemplateFault(name, f"{exc} (the template limit)", line=_template_line(exc)) from None
    except SecurityError as exc:  # names an attribute or a type, never a value
        raise TemplateFault(name, f"template failed while rendering: {exc}", line=_template_line(exc)) from None
    except Exception as exc:  # a template's own fault; its message may quote request text, so the type only
        raise TemplateFault(name, f"template failed while rendering ({exc.__class__.__name__})",
                            line=_template_line(exc)) from None
    if fmt == "pdf":
        from .pdf import html_to_pdf
        return html_to_pdf(text)
    return text

