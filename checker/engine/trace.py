"""Evaluate stage output: every applicable criterion of every item with its result (met / unmet /
not documented) and the facts it looked at."""
from dataclasses import dataclass

from ..library import conditions


class TraceError(RuntimeError):
    """An evaluator produced an impossible result (a bug, never the user's input)."""


@dataclass(frozen=True)
class CriterionResult:
    criterion: object  # library.Criterion
    result: str  # met | unmet | not_documented
    facts: tuple  # ((name, value or None), ...) the facts the criterion reads


@dataclass(frozen=True)
class TopicResult:
    topic: object  # library.Topic
    criteria: tuple  # CriterionResult


@dataclass(frozen=True)
class ItemTrace:
    item_id: str
    facts: dict
    topics: tuple  # TopicResult, in library order
    part: object = None  # the body region judged, for one part of an item naming several


def _looked_at(crit, values):
    names = sorted(set(conditions.facts_used(crit.applies_when)) | set(conditions.facts_used(crit.condition)))
    return tuple((n, values.get(n)) for n in names)


def build_trace(library, request_facts, hits):
    """Turn an evaluator's hits into the per-item trace; contradictory hits are an error, never a guess."""
    out = []
    for item in request_facts.items:
        topics = []
        for topic in library.topics:
            if ("topic", topic.key, item.key) not in hits:
                continue
            results = []
            for crit in topic.criteria:
                if ("applies", crit.key, item.key) not in hits:
                    continue
                met = ("met", crit.key, item.key) in hits
                unmet = ("unmet", crit.key, item.key) in hits
                if met and unmet:
                    raise TraceError(f"criterion {crit.id} both met and unmet for item {item.key}")
                result = "met" if met else "unmet" if unmet else "not_documented"
                results.append(CriterionResult(crit, result, _looked_at(crit, item.values)))
            topics.append(TopicResult(topic, tuple(results)))
        out.append(ItemTrace(item.item_id, dict(item.values), tuple(topics), item.part))
    return tuple(out)


def trace_signature(traces):
    """A comparable form of a trace: ((item, topic, criterion, result), ...)."""
    return tuple((t.item_id, t.part, tr.topic.id, cr.criterion.id, cr.result)
                 for t in traces for tr in t.topics for cr in tr.criteria) + tuple(
        (t.item_id, t.part, tr.topic.id) for t in traces for tr in t.topics)
