"""Drafting a case from a letter, measured against the hand-encoded seed requests."""
import datetime as dt
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, SEEDS

from checker.letters import parse_file
from checker.letters.draft import draft_case, field_accuracy, parse_date, quantity_of
from checker.request.positions import load_file

LETTERS = ROOT / "examples" / "letters"


def _pairs():
    pairs = []
    for path in SEEDS:
        hand, _ = load_file(path)
        letter = LETTERS / hand["items"][0]["real_outcome"]["letter"]
        pairs.append((hand, draft_case(parse_file(letter), letter)[0]))
    return pairs


def test_field_accuracy_on_the_seeds(record_property):
    accuracy = field_accuracy(_pairs())
    correct = sum(c for c, _ in accuracy.values())
    compared = sum(n for _, n in accuracy.values())
    record_property("draft_case_accuracy", accuracy)
    DRAFT_ACCURACY.update(accuracy)
    for field in ("items.description", "items.real_outcome", "injury.date"):
        assert accuracy[field][0] == accuracy[field][1], field
    assert correct / compared >= 0.75, accuracy


DRAFT_ACCURACY = {}


@pytest.mark.parametrize("text,expected", [("6-4-10", dt.date(2010, 6, 4)), ("08/22/14", dt.date(2014, 8, 22)),
                                           ("9/26/2013", dt.date(2013, 9, 26)), ("November 2, 2011", dt.date(2011, 11, 2)),
                                           ("13/45/2011", None)])
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Additional Physical Therapy 3 x 4 to the Cervical/Thoracic/Lumbar Spine", (12, 3.0, 4.0)),
    ("Physical Therapy 2 times per week for 6 weeks for cervical and lumbar spine", (12, 2.0, 6.0)),
    ("Follow-up visits with pain medicine specialist monthly x 3", (3, None, None)),
    ("Norco 10/325mg #120", (120, None, None)),
    ("Two radiographs of the lumbar spine", (2, None, None)),
    ("Medrol dosepak", (None, None, None))])
def test_quantities(text, expected):
    assert quantity_of(text) == expected


def test_cli_writes_a_draft_that_names_the_fields_to_fill(tmp_path):
    out = tmp_path / "draft.yaml"
    run = subprocess.run([sys.executable, "-m", "checker", "letters", "draft-case",
                          str(LETTERS / "004_f18e7f48dd75e927.txt"), "--out", str(out)],
                         capture_output=True, text=True, cwd=ROOT)
    assert run.returncode == 0, run.stderr
    text = out.read_text()
    assert "to fill in by hand" in text and "patient.sex" in text
    draft = yaml.safe_load(text)
    assert draft["review_date"] == dt.date(2014, 6, 20)
    assert [i["real_outcome"]["imr"] for i in draft["items"]] == ["upheld", "upheld"]
    bad = subprocess.run([sys.executable, "-m", "checker", "letters", "draft-case",
                          str(ROOT / "tests" / "fixtures" / "letters" / "garbage.txt")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no known IMR letter layout" in bad.stderr
