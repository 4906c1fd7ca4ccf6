"""The `count` condition form: Python derives the counts (exam_count_TAG, course_count_CATEGORY), the rules
compare; a count over findings that are not recorded at all, or over a history that is not documented, is
unknown, never zero. Both evaluators agree on a fixture topic that counts."""
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from checker import rules_test
from checker.library import conditions
from checker.library.load import load_library
from checker.paths import rules_dir
from checker.request.facts import derive, fact_fields
from checker.request.model import parse_request

FIXTURE = ROOT / "tests" / "fixtures" / "rules" / "count-topic.yaml"
FIELDS = fact_fields()


def test_count_parses_to_a_comparison_of_a_derived_fact():
    cond = conditions.parse({"count": {"exam": "meniscal"}, "gte": 2}, FIELDS)
    assert cond == conditions.Leaf("exam_count_meniscal", "gte", 2)
    assert conditions.describe(cond) == "positive meniscal findings on exam ≥ 2"
    courses = conditions.parse({"count": {"courses": "physical_therapy"}, "lt": 3}, FIELDS)
    assert conditions.describe(courses) == "physical_therapy courses < 3"


@pytest.mark.parametrize("spec,message", [
    ({"count": {"exam": "menisal"}, "gte": 2}, "did you mean meniscal?"),
    ({"count": {"courses": "physio"}, "gte": 2}, "a treatment category"),
    ({"count": {"labs": "x"}, "gte": 2}, "count takes {exam: TAG}"),
    ({"count": {"exam": "meniscal"}, "gtee": 2}, "did you mean gte?"),
    ({"count": {"exam": "meniscal"}, "gte": -1}, "whole number"),
    ({"count": {"exam": "meniscal"}, "gte": True}, "whole number"),
])
def test_malformed_counts_say_what_to_write(spec, message):
    with pytest.raises(conditions.ConditionError, match=message.replace("{", r"\{").replace("?", r"\?")):
        conditions.parse(spec, FIELDS)


def _facts(**extra):
    data = {"request_id": "t", "review_date": "2014-01-01",
            "items": [{"id": "a", "category": "surgery", "description": "t", "procedure": "knee_meniscectomy"}]}
    return derive(parse_request(dict(data, **extra))).items[0].values


def test_counts_are_unknown_when_nothing_is_recorded_and_zero_when_recorded_negative():
    assert "exam_count_meniscal" not in _facts()
    assert "exam_count_meniscal" not in _facts(exam=[{"finding": "tenderness"}])
    assert _facts(exam=[{"finding": "mcmurray", "result": "negative"}])["exam_count_meniscal"] == 0
    positive = _facts(exam=[{"finding": "mcmurray"}, {"finding": "mcmurray"}, {"finding": "locking"}])
    assert positive["exam_count_meniscal"] == 2  # distinct tests
    assert "course_count_physical_therapy" not in _facts()
    assert _facts(treatment_history=[])["course_count_physical_therapy"] == 0
    assert _facts(treatment_history=[{"modality": "physical_therapy"}, {"modality": "physical_therapy", "body_region": "knee"},
                                     {"modality": "chiropractic"}])["course_count_physical_therapy"] == 2


@pytest.fixture(scope="module")
def counting_library(tmp_path_factory):
    root = tmp_path_factory.mktemp("count") / "rules"
    shutil.copytree(rules_dir(), root)
    shutil.copy(FIXTURE, root / "non-mtus" / "odg" / "count-topic.yaml")
    return root


def test_both_evaluators_give_every_count_example(counting_library):
    library = load_library(counting_library)
    outcomes = rules_test.run(library, rules_test.select(library, topic="probe-count"))
    assert len(outcomes) == 8
    assert all(o.passed for o in outcomes), "\n".join(o.describe() for o in outcomes if not o.passed)


def test_rules_test_reports_a_wrong_expectation_with_file_line_and_facts(counting_library, tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(counting_library, root)
    path = root / "non-mtus" / "odg" / "count-topic.yaml"
    text = path.read_text()
    wrong = "      - expect: unmet\n        request: {item: {procedure: knee_meniscectomy}, exam: [{finding: mcmurray}, {f"
    assert text.count(wrong) == 1
    path.write_text(text.replace(wrong, wrong.replace("expect: unmet", "expect: met")))
    out = subprocess.run([sys.executable, "-m", "checker", "rules", "test", str(path)], capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    lines = path.read_text().splitlines()
    line = next(n for n, s in enumerate(lines, 1) if "finding: apley" in s) - 1  # the example's '- expect:' line
    assert f"FAIL {path}:{line}: PROBE-COUNT-SIGNS@2009-07-18[1]: expected met, got unmet (durable), unmet (reference)" \
        in out.stdout, out.stdout
    assert "facts read: exam_count_meniscal=1, procedure=knee_meniscectomy" in out.stdout
    assert out.stdout.splitlines()[-1] == "7 passed, 1 failed"
