"""Every criterion's examples, run through the whole pipeline under both evaluators."""
import pytest

from checker.library.examples import example_request
from checker.library.load import load_library

_LIB = load_library()
CASES = [(topic, crit, n, ex) for topic in _LIB.topics for crit in topic.criteria for n, ex in enumerate(crit.examples)]


def _result(checker, request, crit_id):
    _, traces = checker.trace(request)
    for topic_result in traces[0].topics:
        for cr in topic_result.criteria:
            if cr.criterion.key == crit_id:
                return cr.result
    return "not_applicable"


@pytest.mark.parametrize("topic,crit,n,example", CASES, ids=[f"{c.id}@{c.effective_from}[{n}]" for _, c, n, _ in CASES])
def test_example(durable, reference, topic, crit, n, example):
    request = example_request(topic, example, crit)
    assert _result(durable, request, crit.key) == example.expect
    assert _result(reference, request, crit.key) == example.expect


def test_every_criterion_has_a_passing_and_a_failing_example():
    for crit in _LIB.criteria():
        expects = {e.expect for e in crit.examples}
        assert "met" in expects and expects & {"unmet", "not_documented"}, crit.id
