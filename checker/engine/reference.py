"""The plain-Python evaluator of a compiled plan: three-valued logic straight from the condition trees.
It keeps the durable-rules engine honest (the tests require identical traces) and is the benchmark baseline."""
from ..library import conditions


class ReferenceEvaluator:
    """Evaluates a Plan; `evaluate` returns the set of (kind, key, item_id) checks that hold (item key: ItemFacts.key)."""

    def __init__(self, plan):
        self.plan = plan

    def evaluate(self, request_facts):
        hits = set()
        for item in request_facts.items:
            values = item.values
            day = values["review_day"]
            for check in self.plan.by_category.get(values["category"], ()):
                if day < check.day_from or (check.day_to is not None and day > check.day_to):
                    continue
                if all(conditions.evaluate(part, values) is True for part in check.parts):
                    hits.add((check.kind, check.key, item.key))
        return hits

    def evaluate_many(self, facts_list):
        return [self.evaluate(facts) for facts in facts_list]
