"""One lint run reports every mistake of every file: ten mistakes seeded in three rule files come back as ten
lines `error: FILE:LINE:COL: where: message`, sorted, each naming the closest known key or fact."""
import json
import shutil
import subprocess
import sys

import pytest
from conftest import ROOT

from checker.library.lint import lint
from checker.paths import rules_dir

PROBE = ROOT / "tests" / "fixtures" / "rules" / "probe-topic.yaml"


def _seed(path, edits):
    text = path.read_text()
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    path.write_text(text)


def _line(path, needle):
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if needle in line)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """A copy of the bundled library with ten mistakes in three files, and what each should say."""
    root = tmp_path_factory.mktemp("seeded") / "rules"
    shutil.copytree(rules_dir(), root)
    one, two, three = (root / "non-mtus" / "odg" / name for name in ("probe-one.yaml", "probe-two.yaml", "broken.yaml"))
    shutil.copy(PROBE, one)
    _seed(one, [
        ("  - category: physical_therapy", "  - categroy: physical_therapy"),
        ("{fact: dx_crps, eq: false}", "{fact: dx_cprs, eq: false}"),
        ("condition: {fact: frequency_per_week, lte: 3}", "condition: {fact: frequency_per_week, lte: '3'}"),
        ("Request at most 3 visits per week", "Request at most {{ visits_per_wk }} visits per week"),
        ("met: Within the probe's cap.", "met: Within the probe's cap {% if %}."),
    ])
    two.write_text(PROBE.read_text().replace("probe-physical-therapy", "probe-two").replace("PROBE-", "PROBE2-"))
    _seed(two, [
        ("request: {item: {quantity: 8}, diagnoses: [{text: probe myalgia and myositis}]}",
         "request: {item: {quantity: 8}, diagnoses: [{txt: probe myalgia}]}"),
        ("    effect: requirement\n", "    effect: requirment\n"),
        ("condition: {fact: frequency_per_week, lte: 3}", "condition: {fact: frequency_per_week, lt3: 3}"),
        ("    rationale:\n      met: At most three", "    rationle:\n      met: At most three"),
    ])
    three.write_text("topic: broken\nedition: odg\ncriteria: [\n  - id: X\n")
    expected = [
        (one, "categroy:", "applies_to[0].categroy: unknown field; did you mean category?"),
        (one, "dx_cprs", "unknown fact 'dx_cprs'; did you mean dx_crps? (facts of this kind come from diagnosis groups"),
        (one, "lte: '3'", "frequency_per_week is a number"),
        (one, "visits_per_wk", "criteria[0].remedy: template uses undefined variable 'visits_per_wk'"),
        (one, "{% if %}", "criteria[0].rationale.met: template does not parse"),
        (two, "txt: probe", "example is not a valid request: diagnoses[0].txt: unknown field; did you mean text?"),
        (two, "requirment", "criteria[1].effect: expected one of requirement, expected, cap, not_recommended, "
                            "informational; did you mean requirement?"),
        (two, "lt3: 3", "exactly one operator of eq, ne, gt, gte, lt, lte, in, documented expected; got ['lt3']; "
                        "did you mean lt?"),
        (two, "rationle:", "criteria[1].rationle: unknown field; did you mean rationale?"),
        (three, "- id: X", "malformed YAML"),
    ]
    return root, expected


def test_one_run_reports_all_ten_mistakes_with_file_line_and_wording(seeded):
    root, expected = seeded
    _, problems = lint(root)
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 10, "\n".join(p.one_line() for p in errors)
    for path, needle, wording in expected:
        line = _line(path, needle)
        found = [p for p in errors if p.file == str(path) and p.line == line and wording in p.one_line()]
        assert found, (wording, "\n".join(p.one_line() for p in errors))
        assert found[0].one_line().startswith(f"error: {path}:{line}:{found[0].column}: ")
    assert errors == sorted(errors, key=lambda p: (p.file, p.line, p.column or 0, p.message))
    assert not any("required field is missing" in p.message for p in errors)  # the misspelt keys explain them


def test_cli_exits_2_and_offers_json_and_sarif(seeded, tmp_path):
    root, _ = seeded
    cli = [sys.executable, "-m", "checker", "rules", "lint", "--rules", str(root)]
    text = subprocess.run(cli, capture_output=True, text=True)
    assert text.returncode == 2 and text.stdout == ""
    lines = text.stderr.splitlines()
    assert sum(line.startswith("error: ") for line in lines) == 10 and "10 error(s)" in lines[-1]
    out = tmp_path / "lint.sarif"
    sarif = subprocess.run(cli + ["--format", "sarif", "--out", out], capture_output=True, text=True)
    assert sarif.returncode == 2 and f"wrote {out}" in sarif.stderr
    results = json.loads(out.read_text())["runs"][0]["results"]
    assert len(results) == 10 and {"ruleId", "level", "message", "locations"} <= set(results[0])
    region = results[0]["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] >= 1 and region["startColumn"] >= 1
    doc = json.loads(subprocess.run(cli + ["--format", "json"], capture_output=True, text=True).stdout)
    assert len(doc["problems"]) == 10 and {"file", "line", "column", "where", "message"} <= set(doc["problems"][0])


def test_help_states_the_exit_codes():
    out = subprocess.run([sys.executable, "-m", "checker", "rules", "lint", "--help"], capture_output=True, text=True)
    assert "2 when the" in " ".join(out.stdout.split())
