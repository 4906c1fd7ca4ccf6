"""The command line: reports, exit codes, one-line errors for bad input, determinism."""
import json
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SEEDS

CLI = [sys.executable, "-m", "checker"]


def run(*args, cwd=None):
    return subprocess.run(CLI + [str(a) for a in args], capture_output=True, text=True, cwd=cwd or ROOT)


def test_review_text_shows_every_item_with_its_outcome():
    out = run("review", SEEDS[3])
    assert out.returncode == 0, out.stderr
    for line in ("Consultation with a pain management specialist: Upheld", "Medrol dosepak: Upheld",
                 "Decision rationale:", "Page(s): 46"):
        assert line in out.stdout


def test_review_json_contract():
    out = run("review", SEEDS[4], "--format", "json")
    doc = json.loads(out.stdout)
    assert set(doc) >= {"rule_library", "edition", "items"}
    assert set(doc["rule_library"]) == {"version", "sha256"}
    item = doc["items"][1]
    for key in ("id", "description", "determination", "imr_outcome", "supported_quantity", "tier", "citations",
                "criteria", "rationale", "remedies"):
        assert key in item
    assert item["determination"] == "modify" and item["supported_quantity"] == 6
    assert {"id", "result", "citation"} <= set(item["criteria"][0])
    assert set(item["citations"][0]) >= {"guideline", "section", "pages"}


def test_output_is_byte_identical_across_runs():
    for fmt in ("text", "json"):
        first, second = run("review", SEEDS[3], "--format", fmt), run("review", SEEDS[3], "--format", fmt)
        assert first.stdout == second.stdout and first.stdout


def test_reference_evaluator_gives_the_same_report():
    assert run("review", SEEDS[3], "--format", "json").stdout == \
        run("review", SEEDS[3], "--format", "json", "--evaluator", "reference").stdout


BAD_REQUESTS = {
    "malformed.yaml": ("request_id: x\nreview_date: 2014-01-01\nitems: [\n", "malformed YAML", ":4:"),
    "unknown.yaml": ("request_id: x\nreview_date: 2014-01-01\npatient: {age: 40, height: 180}\nitems:\n"
                     "  - {id: a, category: transportation, description: t}\n", "patient.height: unknown field", ":3:"),
    "wrongtype.yaml": ("request_id: x\nreview_date: 2014-01-01\nitems:\n"
                       "  - {id: a, category: physical_therapy, description: t, quantity: twelve}\n",
                       "items[0].quantity", ":4:"),
    "impossible.yaml": ("request_id: x\nreview_date: 2014-01-01\npatient: {age: 212}\nitems:\n"
                        "  - {id: a, category: transportation, description: t}\n", "patient.age", ":3:"),
    "category.yaml": ("request_id: x\nreview_date: 2014-01-01\nitems:\n"
                      "  - {id: a, category: massage_chair, description: t}\n", "unknown category", ":4:"),
    "dates.yaml": ("request_id: x\nreview_date: 2014-01-01\ninjury: {date: 2015-01-01}\nitems:\n"
                   "  - {id: a, category: transportation, description: t}\n", "after review_date", None),
    "notamapping.yaml": ("- just\n- a list\n", "must be a mapping", None),
    "bad.json": ('{"request_id": "x", "review_date": "2014-01-01", "items": [}', "malformed JSON", ":1:"),
    "wrongtype.json": ('{\n  "request_id": "x",\n  "review_date": "2014-01-01",\n  "items": [\n'
                       '    {"id": "a", "category": "xray", "description": "t", "quantity": "2"}\n  ]\n}\n',
                       "items[0].quantity", ":5:"),
}


@pytest.mark.parametrize("name", sorted(BAD_REQUESTS))
def test_bad_input_exits_2_with_one_line_naming_file_and_field(tmp_path, name):
    text, expected, line = BAD_REQUESTS[name]
    path = tmp_path / name
    path.write_text(text)
    out = run("review", path)
    assert out.returncode == 2
    assert out.stdout == ""
    err = out.stderr.strip()
    assert "\n" not in err and "Traceback" not in err
    assert err.startswith(f"error: {path}") and expected in err
    if line:
        assert line in err


def test_missing_file_exits_2(tmp_path):
    out = run("review", tmp_path / "nope.yaml")
    assert out.returncode == 2 and "file not found" in out.stderr and "Traceback" not in out.stderr


def test_schema_is_json_schema():
    schema = json.loads(run("schema").stdout)
    assert schema["title"] == "Request" and "items" in schema["properties"]


def test_rules_lint_passes_on_the_bundled_library():
    out = run("rules", "lint")
    assert out.returncode == 0, out.stdout + out.stderr
    assert "ok" in out.stdout


def test_rules_list_shows_confirmation_status():
    out = run("rules", "list")
    assert "CPMTG-PM-MYALGIA-CAP" in out.stdout and "(seed_letter)" in out.stdout


def test_schema_accepts_every_example_and_rejects_unknown_names():
    import jsonschema

    from checker.request.model import request_json_schema
    from checker.request.positions import load_file
    schema = request_json_schema()
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted((ROOT / "examples" / "requests").glob("*.yaml")):
        data, _ = load_file(path)
        data = json.loads(json.dumps(data, default=str))  # dates as ISO strings, as in a JSON request
        errors = list(validator.iter_errors(data))
        assert not errors, (path.name, errors[0].message)
    bad = {"request_id": "x", "review_date": "2014-01-01", "documentation": {"made_up": True},
           "items": [{"id": "a", "category": "massage_chair", "description": "t"}]}
    messages = " ".join(e.message for e in validator.iter_errors(bad))
    assert "massage_chair" in messages and "made_up" in messages
