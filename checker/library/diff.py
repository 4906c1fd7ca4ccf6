"""`mtus-check rules diff A B --topic T`: what changed for a request category (or topic) between two editions.
Criteria are matched by id: editions share an id where the criterion is the same idea."""
import datetime as dt
from dataclasses import dataclass

from ..errors import InputError, did_you_mean
from .catalog import _criterion_view


@dataclass(frozen=True)
class Side:
    label: str
    day: dt.date
    topics: tuple  # Topic
    criteria: dict  # id -> Criterion


def _day(library, edition):
    period = next((p for p in library.periods if p.id == edition), None)
    if period is not None:
        return f"{period.id} (from {period.start.isoformat()})", period.start
    try:
        day = dt.date.fromisoformat(edition)
    except ValueError:
        ids = [p.id for p in library.periods]
        raise InputError("rules diff", f"{edition!r} is neither a period ({', '.join(ids)}) nor a date YYYY-MM-DD"
                                       f"{did_you_mean(edition, ids)}") from None
    return day.isoformat(), day


def side(library, edition, topic):
    """The topics and criteria in force on an edition's date for a category or topic id."""
    label, day = _day(library, edition)
    topics = tuple(t for t in library.topics if t.in_force(day)
                   and (t.id == topic or any(c == topic for c, _ in t.selectors)))
    criteria = {c.id: c for t in topics for c in t.criteria
                if c.effective_from <= day and (c.effective_to is None or day <= c.effective_to)}
    return Side(label, day, topics, criteria)


def _span(side, crit):
    return next(t for t in side.topics if t.id == crit.topic)


def _gone(library, a, b, crit):
    """Why a criterion in force on A's date is not on B's: its topic withdrawn or superseded, or its own end."""
    for edition in library.editions:
        if crit.topic in edition.withdraws and edition.start <= b.day:
            return f"withdrawn by {edition.id}: {edition.withdraws[crit.topic]}"
    successor = next((t for t in b.topics if t.id != crit.topic and crit.id in {c.id for c in t.criteria}), None)
    if successor is not None:
        return f"superseded by {successor.id}"
    if crit.effective_to is not None and crit.effective_to < b.day:
        return f"ends {crit.effective_to.isoformat()}"
    return "not in force"


def _signature(crit):
    view = _criterion_view(crit)
    cite = crit.citation
    return {"effect": crit.effect, "rule": view["rule"], "applies when": view["applies_when"] or "always",
            "citation": f"{cite.guideline}, {cite.section}" + (f", p. {cite.pages}" if cite.pages else "")}


def diff_lines(library, edition_a, edition_b, topic):
    """The diff as lines of text."""
    a, b = side(library, edition_a, topic), side(library, edition_b, topic)
    lines = [f"{topic}: {a.label} -> {b.label}"]
    for s, name in ((a, "A"), (b, "B")):
        shown = ", ".join(f"{t.id} ({t.tier})" for t in s.topics) or "no topic: not addressed"
        lines.append(f"  {name} topics: {shown}")
    counts = {"inherited": 0, "unchanged": 0, "changed": 0, "added": 0, "withdrawn": 0}
    for crit_id in sorted(set(a.criteria) | set(b.criteria)):
        if crit_id not in b.criteria:
            counts["withdrawn"] += 1
            crit = a.criteria[crit_id]
            lines.append(f"- {crit_id}: withdrawn ({_gone(library, a, b, crit)}): {crit.title}")
        elif crit_id not in a.criteria:
            counts["added"] += 1
            lines.append(f"+ {crit_id}: added in {_span(b, b.criteria[crit_id]).edition} ({b.criteria[crit_id].title})")
        else:
            sa, sb = _signature(a.criteria[crit_id]), _signature(b.criteria[crit_id])
            changed = [k for k in sa if sa[k] != sb[k]]
            span_a, span_b = _span(a, a.criteria[crit_id]), _span(b, b.criteria[crit_id])
            carried = span_b.origin and span_b.edition != span_a.edition
            if carried:
                counts["inherited"] += 1
                lines.append(f"= {crit_id}: inherited by {span_b.edition} from {span_b.origin}"
                             + (", citation updated" if changed == ["citation"] else ""))
                changed = [k for k in changed if k != "citation"]
            elif not changed:
                counts["unchanged"] += 1
                lines.append(f"= {crit_id}: unchanged")
            if changed:
                counts["changed"] += 1
            for k in changed:
                lines.append(f"~ {crit_id}: {k}: {sa[k]}  ->  {sb[k]}")
    lines.append("summary: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
    return lines
