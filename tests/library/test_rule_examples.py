"""Every criterion's examples, run through the whole pipeline under both evaluators: the code behind
`mtus-check rules test`, so a failure reads as it does there (rule file and line, expected and actual, facts)."""
import pytest

from checker import rules_test
from checker.library.load import load_library

_LIB = load_library()
CASES = rules_test.cases(_LIB.topics)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_example(durable, reference, case):
    outcome = rules_test.check(case, {"durable": durable, "reference": reference})
    assert outcome.passed, outcome.describe()


def test_every_criterion_has_a_passing_and_a_failing_example():
    for crit in _LIB.criteria():
        expects = {e.expect for e in crit.examples}
        assert "met" in expects and expects & {"unmet", "not_documented"}, crit.id
