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


def _topic_index(library):
    """topic key -> ((position, topic, ((criterion, its key, the facts it reads), ...)), ...), computed once per
    library (the keys are properties that format dates)."""
    memo = library.memo.get("trace")
    # dataclasses.replace(library, topics=...) shares the memo: it is only valid for the topics it was built from
    if memo is not None and memo[0] is library.topics:
        return memo[1]
    index = {}
    for position, topic in enumerate(library.topics):
        crits = tuple((crit, crit.key, tuple(sorted(set(conditions.facts_used(crit.applies_when))
                                                    | set(conditions.facts_used(crit.condition)))))
                      for crit in topic.criteria)
        index.setdefault(topic.key, []).append((position, topic, crits))
    library.memo["trace"] = (library.topics, index)
    return index


def build_trace(library, request_facts, hits):
    """Turn an evaluator's hits into the per-item trace; contradictory hits are an error, never a guess."""
    index = _topic_index(library)
    hit_topics = {}  # item key -> {library position: topic entry} of the topics it hits
    for hit in hits:
        if hit[0] == "topic" and hit[1] in index:
            hit_topics.setdefault(hit[2], {}).update((entry[0], entry) for entry in index[hit[1]])
    out = []
    for item in request_facts.items:
        topics = []
        values = item.values
        found = hit_topics.get(item.key, {})
        for _, topic, crits in (found[position] for position in sorted(found)):
            results = []
            for crit, key, names in crits:
                if ("applies", key, item.key) not in hits:
                    continue
                met = ("met", key, item.key) in hits
                unmet = ("unmet", key, item.key) in hits
                if met and unmet:
                    raise TraceError(f"criterion {crit.id} both met and unmet for item {item.key}")
                result = "met" if met else "unmet" if unmet else "not_documented"
                results.append(CriterionResult(crit, result, tuple((n, values.get(n)) for n in names)))
            topics.append(TopicResult(topic, tuple(results)))
        out.append(ItemTrace(item.item_id, dict(values), tuple(topics), item.part))
    return tuple(out)


def trace_signature(traces):
    """A comparable form of a trace: ((item, topic, criterion, result), ...)."""
    return tuple((t.item_id, t.part, tr.topic.id, cr.criterion.id, cr.result)
                 for t in traces for tr in t.topics for cr in tr.criteria) + tuple(
        (t.item_id, t.part, tr.topic.id) for t in traces for tr in t.topics)
