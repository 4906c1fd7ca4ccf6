"""Rule-library snippets and report templates run in a sandbox with time and size limits; lint renders every
snippet once, so what would fail at review fails at lint; a --rules library's vocabulary applies at evaluation."""
import shutil

import pytest
from conftest import ROOT

from checker.errors import InputError
from checker.library.lint import lint
from checker.library.load import load_library
from checker.library.sandbox import BoundedEnvironment, TemplateLimit, render_bounded
from checker.library.snippets import SnippetError, render
from checker.pipeline import Checker
from checker.request.model import parse_request


@pytest.mark.parametrize("source", [
    "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
    "{{ 'x' * 10**9 }}", "{{ 10 ** 10 ** 10 }}", "{{ 'x'|center(10**9) }}", "{{ '%999999999s' % 'x' }}",
    "{{ '{:>999999999}'.format('x') }}",
    "{% set ns = namespace(s='xx') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}",
])
def test_the_sandbox_stops_what_would_hang_or_exhaust(source):
    with pytest.raises(TemplateLimit):
        render_bounded(BoundedEnvironment().from_string(source), {}, 1.0, 1_000_000)


def test_a_failing_snippet_names_no_value():
    with pytest.raises(SnippetError) as info:
        render("{{ {}[description] }}", {"description": "Jane Roe"}, "CRIT-1")
    assert "Jane" not in str(info.value) and "CRIT-1" in str(info.value)


def _library_copy(tmp_path):
    root = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", root)
    return root


def _edit(path, old, new):
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_lint_renders_every_snippet(tmp_path):
    root = _library_copy(tmp_path)
    _edit(root / "mtus-formulary" / "drug-formulary.yaml", "(8 CCR 9792.27.1).",
          "(8 CCR 9792.27.1). {% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}")
    _, problems = lint(root)
    assert any(p.file.endswith("drug-formulary.yaml") and "longer than" in p.message for p in problems)


@pytest.mark.parametrize("file, old, new, words", [
    ("mtus-formulary/drug-formulary.yaml", "condition: {fact: formulary_status, eq: exempt}",
     "condition: {fact: quantity, lt: .inf}", "infinite"),
    ("library.yaml", "    from: 2009-07-18", "    from: soon", "a period runs from a date"),
    ("vocabulary/drugs.yaml", "methadone: {class: opioid,", "methadone: {class: [opioid],", "drugs.methadone.class"),
])
def test_a_library_review_would_crash_on_does_not_load(tmp_path, file, old, new, words):
    root = _library_copy(tmp_path)
    _edit(root / file, old, new)
    with pytest.raises(InputError) as info:
        load_library(root)
    assert words in " ".join(e.one_line() for e in getattr(info.value, "errors", None) or (info.value,))


def test_rules_vocabulary_applies_at_evaluation(tmp_path):
    root = _library_copy(tmp_path)
    _edit(root / "vocabulary" / "diagnoses.yaml", "groups:\n",
          "groups:\n  custom_group:\n    label: a group only this library has\n    patterns: ['zebra syndrome']\n")
    request = parse_request({"request_id": "x", "review_date": "2014-03-20", "diagnoses": [{"text": "zebra syndrome"}],
                             "items": [{"id": "a", "category": "physical_therapy", "description": "PT"}]})
    facts, _ = Checker(load_library(root), evaluator="reference").trace(request)
    assert facts.items[0].values["dx_custom_group"] is True
