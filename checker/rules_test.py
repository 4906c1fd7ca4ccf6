"""`mtus-check rules test`: every example of the chosen rules through the whole chain (facts, plan, evaluation,
trace) under both evaluators, durable-rules and the plain-Python reference. The test suite runs the same code."""
import dataclasses
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, shown_path
from .library import conditions
from .library.examples import example_request
from .pipeline import Checker
from .request.facts import derive


@dataclass(frozen=True)
class Case:
    topic: object  # library.Topic
    criterion: object  # library.Criterion
    n: int  # the example's index
    example: object

    @property
    def name(self):
        return f"{self.criterion.id}@{self.criterion.effective_from}[{self.n}]"

    @property
    def where(self):
        lines = self.criterion.example_lines
        return f"{shown_path(self.topic.file)}:{lines[self.n] if self.n < len(lines) else self.criterion.line}"


@dataclass(frozen=True)
class Outcome:
    case: Case
    results: dict  # evaluator -> result (met | unmet | not_documented | not_applicable)
    facts: tuple  # ((name, value or None), ...) the facts the criterion and its topic's selector read
    error: str = ""  # the example is not a valid request

    @property
    def passed(self):
        return not self.error and all(r == self.case.example.expect for r in self.results.values())

    def describe(self):
        """The failure as rules test prints it: where, what was expected, what each evaluator gave, the facts."""
        head = f"FAIL {self.case.where}: {self.case.name}"
        if self.error:
            return f"{head}: example is not a valid request: {self.error}"
        got = ", ".join(f"{r} ({name})" for name, r in self.results.items())
        shown = ", ".join(f"{k}={'(not documented)' if v is None else v}" for k, v in self.facts) or "none"
        return f"{head}: expected {self.case.example.expect}, got {got}\n    facts read: {shown}"


def select(library, path=None, topic=None, criterion=None):
    """The topics the selection names (all when none is given): a rule file or folder, a topic id, a criterion id."""
    topics = library.topics
    if path is not None:
        target = Path(path).resolve()
        topics = [t for t in topics if Path(t.file).resolve() == target or target in Path(t.file).resolve().parents]
    if topic is not None:
        topics = [t for t in topics if t.id == topic]
    if criterion is not None:
        topics = [dataclasses.replace(t, criteria=tuple(c for c in t.criteria if c.id == criterion)) for t in topics]
        topics = [t for t in topics if t.criteria]
    return tuple(topics)


def cases(topics):
    return [Case(t, c, n, ex) for t in topics for c in t.criteria for n, ex in enumerate(c.examples)]


def checkers(library, topics):
    """Both evaluators over the chosen topics only (a criterion's result depends on its own topic alone)."""
    sub = library if tuple(topics) == tuple(library.topics) else dataclasses.replace(library, topics=tuple(topics))
    return {"durable": Checker(sub, "durable"), "reference": Checker(sub, "reference")}


def _result(checker, request, key):
    _, traces = checker.trace(request)
    for topic_result in traces[0].topics:
        for cr in topic_result.criteria:
            if cr.criterion.key == key:
                return cr.result
    return "not_applicable"


def _facts_read(case, request):
    crit = case.criterion
    when = [w for category, w in case.topic.selectors if category == request.items[0].category and w is not None]
    names = sorted({f for cond in [crit.applies_when, crit.condition, *when] for f in conditions.facts_used(cond)})
    values = derive(request).items[0].values
    return tuple((n, values.get(n)) for n in names)


def check(case, by_name):
    """The outcome of one example under each evaluator of `by_name` (name -> Checker)."""
    try:
        request = example_request(case.topic, case.example, case.criterion)
    except InputError as exc:
        return Outcome(case, {}, (), f"{exc.field}: {exc.message}")
    results = {name: _result(checker, request, case.criterion.key) for name, checker in by_name.items()}
    return Outcome(case, results, _facts_read(case, request))


def run(library, topics=None):
    """The outcome of every example of the chosen topics (all of the library's by default)."""
    topics = library.topics if topics is None else topics
    by_name = checkers(library, topics)
    return [check(case, by_name) for case in cases(topics)]
