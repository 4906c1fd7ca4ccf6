"""Compile stage: the library becomes, per item category, a list of checks. Each check is a conjunction of
conditions that must all be true for the check to hold. Both evaluators (durable-rules and the plain-Python
reference) run the same plan, so their traces can be compared."""
from dataclasses import dataclass

from ..request.facts import day_number as _day
from .conditions import Not

KINDS = ("topic", "applies", "met", "unmet")


@dataclass(frozen=True)
class Check:
    kind: str  # topic | applies | met | unmet
    key: str  # topic id, or criterion key (topic:ID)
    parts: tuple  # condition ASTs, all must be true
    day_from: int
    day_to: object  # int or None


@dataclass(frozen=True)
class Plan:
    library: object
    by_category: dict  # category -> tuple of Check


def compile_plan(library):
    """One pass over the library: the checks that decide every criterion, grouped by item category."""
    by_category = {}
    for topic in library.topics:
        day_from = _day(topic.effective_from)
        day_to = _day(topic.effective_to) if topic.effective_to else None
        for category, when in topic.selectors:
            checks = by_category.setdefault(category, [])
            base = (when,) if when is not None else ()
            checks.append(Check("topic", topic.key, base, day_from, day_to))
            for crit in topic.criteria:
                applies = base + ((crit.applies_when,) if crit.applies_when is not None else ())
                start = _day(crit.effective_from)
                end = _day(crit.effective_to) if crit.effective_to else None
                checks.append(Check("applies", crit.key, applies, start, end))
                checks.append(Check("met", crit.key, applies + (crit.condition,), start, end))
                checks.append(Check("unmet", crit.key, applies + (Not(crit.condition),), start, end))
    return Plan(library=library, by_category={k: tuple(v) for k, v in sorted(by_category.items())})
