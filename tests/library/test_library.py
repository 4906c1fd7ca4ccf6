"""Rule library loading and lint: errors name the rule file and line."""
import shutil
from pathlib import Path

import pytest

from checker.errors import InputError
from checker.library.lint import lint
from checker.library.load import load_library
from checker.paths import rules_dir

PM = "non-mtus/odg/probe-topic.yaml"
PROBE = Path(__file__).resolve().parent.parent / "fixtures" / "rules" / "probe-topic.yaml"


@pytest.fixture
def rules_copy(tmp_path):
    """The bundled library with a probe topic whose words the tests can rely on."""
    target = tmp_path / "rules"
    shutil.copytree(rules_dir(), target)
    shutil.copy(PROBE, target / PM)
    return target


def _edit(root, rel, old, new):
    path = root / rel
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))
    return path


def _line_of(path, needle):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


def test_bundled_library_loads_and_lints_clean():
    library, problems = lint()
    assert len(library.topics) >= 9
    assert [p.one_line() for p in problems if p.severity == "error"] == []


def test_unknown_fact_names_file_and_line(rules_copy):
    path = _edit(rules_copy, PM, "{fact: dx_myalgia_myositis, eq: true}", "{fact: dx_myalgia, eq: true}")
    with pytest.raises(InputError) as info:
        load_library(rules_copy)
    assert info.value.file == str(path) and "unknown fact 'dx_myalgia'" in info.value.message
    assert info.value.line == _line_of(path, "dx_myalgia, eq")


@pytest.mark.parametrize("old,new,needle,message", [
    ("cap: {fact: quantity, max: 10}", "cap: {fact: quantity, max: ten}", "max: ten", "integer"),
    ("condition: {fact: frequency_per_week, lte: 3}", "condition: {fact: frequency_per_week, lte: '3'}", "lte: '3'",
     "is a number"),
    ("{fact: dx_crps, eq: false}", "{fact: dx_crps, eq: 'yes'}", "eq: 'yes'", "true/false"),
    ("{fact: clinical_course, in: [worsening, acute_flare]}", "{fact: clinical_course, in: [worse]}", "in: [worse]",
     "one of"),
], ids=["cap-max", "number-as-text", "bool-as-text", "enum-value"])
def test_wrong_literal_type_names_file_and_line(rules_copy, old, new, needle, message):
    path = _edit(rules_copy, PM, old, new)
    with pytest.raises(InputError, match=message) as info:
        load_library(rules_copy)
    assert info.value.line == _line_of(path, needle)


def test_unknown_operator_is_rejected(rules_copy):
    _edit(rules_copy, PM, "condition: {fact: frequency_per_week, lte: 3}", "condition: {fact: frequency_per_week, contains: 3}")
    with pytest.raises(InputError, match="exactly one operator"):
        load_library(rules_copy)


def test_unknown_field_in_rule_file(rules_copy):
    path = _edit(rules_copy, PM, "    effect: cap\n", "    effect: cap\n    severity: high\n")
    with pytest.raises(InputError, match="unknown field") as info:
        load_library(rules_copy)
    assert info.value.line == _line_of(path, "severity: high")


def test_duplicate_criterion_id_across_files(rules_copy):
    _edit(rules_copy, "non-mtus/odg/physical-therapy.yaml", "id: ODG-PT-SIX-VISIT-TRIAL", "id: CPMTG-PM-FADING")
    with pytest.raises(InputError, match="also used in"):
        load_library(rules_copy)


def test_malformed_rule_yaml(rules_copy):
    path = _edit(rules_copy, PM, "effect: cap\n", "effect: [cap\n")
    with pytest.raises(InputError, match="malformed YAML") as info:
        load_library(rules_copy)
    assert info.value.file == str(path) and info.value.line


def test_missing_failing_example_is_rejected(rules_copy):
    _edit(rules_copy, PM, """      - expect: unmet
        request: {item: {quantity: 30}, diagnoses: [{text: probe myalgia and myositis}]}
""", "")
    with pytest.raises(InputError, match="one that fails it"):
        load_library(rules_copy)


def test_lint_reports_undefined_template_variable_with_line(rules_copy):
    path = _edit(rules_copy, PM, "Request at most 3 visits per week", "Request at most {{ visits_per_wk }} visits per week")
    problems = [p.one_line() for p in lint(rules_copy)[1]]
    assert len(problems) == 1
    assert problems[0].startswith(f"error: {path}:{_line_of(path, 'visits_per_wk')}:") and "visits_per_wk" in problems[0]


def test_lint_reports_broken_template(rules_copy):
    _edit(rules_copy, PM, "Request at most 3 visits per week", "Request at most {% if %} visits per week")
    problems = [p.one_line() for p in lint(rules_copy)[1]]
    assert len(problems) == 1 and "does not parse" in problems[0]


def test_lint_reports_invalid_example_request(rules_copy):
    _edit(rules_copy, PM, "request: {item: {quantity: 8}, diagnoses: [{text: probe myalgia and myositis}]}",
          "request: {item: {quantity: 8}, diagnoses: [{txt: myalgia}]}")
    problems = [p.one_line() for p in lint(rules_copy)[1]]
    assert len(problems) == 1 and "example is not a valid request" in problems[0]


def test_library_hash_changes_with_any_rule_file(rules_copy):
    before = load_library(rules_copy).sha256
    _edit(rules_copy, PM, "title: Physical medicine", "title: Physical medicine ")
    assert load_library(rules_copy).sha256 != before
