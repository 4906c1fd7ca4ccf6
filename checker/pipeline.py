"""The whole chain for callers: load the library once, compile, then review requests one by one."""
import datetime as dt
from dataclasses import replace

from .decide import decide
from .engine.reference import ReferenceEvaluator
from .engine.trace import build_trace
from .library.cache import cached_library
from .library.plan import compile_plan
from .request.categories import read_other_categories
from .request.facts import derive
from .request.model import with_review_date


class Checker:
    """A loaded, compiled rule library with an evaluator ('durable' by default, or 'reference')."""

    def __init__(self, library=None, evaluator="durable"):
        self.library = library or cached_library()
        self.plan = compile_plan(self.library)
        if evaluator == "durable":
            from .engine.durable import DurableEvaluator
            self.evaluator = DurableEvaluator(self.plan)
        elif evaluator == "reference":
            self.evaluator = ReferenceEvaluator(self.plan)
        else:
            raise ValueError(f"unknown evaluator {evaluator!r}")

    def trace(self, request):
        """Facts and per-item trace of a validated request."""
        facts = derive(request, self.library.vocabulary)  # a --rules library's own diagnosis groups and drugs
        return facts, build_trace(self.library, facts, self.evaluator.evaluate(facts))

    def review(self, request):
        """The determination for a validated request."""
        request, notes = read_other_categories(request, self.library.vocabulary)
        facts, traces = self.trace(request)
        return decide(self.library, request, traces, notes + tuple(facts.warnings))

    def review_many(self, requests):
        """review() of each request, the engine evaluating them together (a batch's chunk)."""
        read = [read_other_categories(request, self.library.vocabulary) for request in requests]
        facts = [derive(request, self.library.vocabulary) for request, _ in read]
        hits = self.evaluator.evaluate_many(facts)
        return [decide(self.library, request, build_trace(self.library, f, h), notes + tuple(f.warnings))
                for (request, notes), f, h in zip(read, facts, hits)]

    def precheck(self, request):
        """The determination for the provider's checklist: as review(), and for an item the guideline's own timing
        holds back (a failing criterion reads the time since the injury, onset or surgery), the first later date
        within WAIT_WEEKS on which the same request would be certified under the same edition."""
        det = self.review(request)
        waiting = {it.item.id for it in det.items if it.determination != "certify" and any(
            cr.result == "unmet" and TIME_FACTS & {name for name, _ in cr.facts} for cr, _ in it.results)}
        ready = {}
        for weeks in WAIT_WEEKS:
            if not waiting - set(ready):
                break
            later = self.review(with_review_date(request, request.review_date + dt.timedelta(weeks=weeks)))
            if later.edition != det.edition:  # a new guideline, not the old one's timing
                break
            for it in later.items:
                if it.item.id in waiting and it.item.id not in ready and it.determination == "certify":
                    ready[it.item.id] = later.request.review_date
        items = tuple(replace(it, ready_from=ready.get(it.item.id)) for it in det.items)
        return replace(det, items=items)


# the facts that change with nothing but the passing of time
TIME_FACTS = frozenset({"weeks_since_injury", "weeks_since_onset", "weeks_since_surgery", "symptom_phase",
                        "phase_of_care"})
WAIT_WEEKS = (1, 2, 4, 6, 8, 12)

