"""The whole chain for callers: load the library once, compile, then review requests one by one."""
from .decide import decide
from .engine.reference import ReferenceEvaluator
from .engine.trace import build_trace
from .library.load import load_library
from .library.plan import compile_plan
from .request.facts import derive


class Checker:
    """A loaded, compiled rule library with an evaluator ('durable' by default, or 'reference')."""

    def __init__(self, library=None, evaluator="durable"):
        self.library = library or load_library()
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
        facts, traces = self.trace(request)
        return decide(self.library, request, traces, facts.warnings)
