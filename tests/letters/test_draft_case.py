"""Drafting a case from a letter, measured against the hand-encoded seed requests."""
import datetime as dt
import subprocess
import sys

import pytest
import yaml
from conftest import ROOT, SEEDS

from checker.letters import parse_file
from checker.letters.draft import draft_case, parse_date, quantity_of
from checker.letters.score import field_scores
from checker.request.model import parse_request
from checker.request.positions import load_file

LETTERS = ROOT / "examples" / "letters"
DEV = LETTERS / "imr-2016-2017"
GOLD = sorted((DEV / "cases").glob("CM*.yaml"))


def _pairs(paths, letter_of):
    pairs = []
    for path in paths:
        hand, _ = load_file(path)
        letter = letter_of(hand)
        pairs.append((hand, draft_case(parse_file(letter), letter)[0]))
    return pairs


@pytest.fixture(scope="module")
def gold_pairs():
    return _pairs(GOLD, lambda hand: DEV / "txt" / f"{hand['request_id']}.txt")


def test_every_development_letter_drafts_a_request_that_loads(gold_pairs):
    assert len(gold_pairs) == 77
    for hand, draft in gold_pairs:
        parse_request(draft, hand["request_id"])


def test_field_scores_against_the_gold_cases(gold_pairs):
    """Field-level precision and recall of draft-case against the 77 hand-encoded development letters."""
    scores = field_scores(gold_pairs)
    DRAFT_SCORES.update(scores)
    for field in ("review_date", "injury.date", "items.real_outcome", "items.category"):
        assert scores[field][2] >= 0.98, (field, scores[field])
    assert scores["overall"][2] >= 0.85, scores["overall"]


def test_field_scores_on_the_seeds():
    scores = field_scores(_pairs(SEEDS, lambda hand: LETTERS / hand["items"][0]["real_outcome"]["letter"]))
    for field in ("items.real_outcome", "injury.date", "items.category"):
        assert scores[field][2] in (None, 1.0), (field, scores[field])
    assert scores["overall"][2] >= 0.7, scores["overall"]


DRAFT_SCORES = {}
END_TO_END = None  # the end-to-end line the run's summary prints


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
    assert "to fill in by hand" in text
    draft = yaml.safe_load(text)
    assert draft["review_date"] == dt.date(2014, 6, 20)
    assert [i["real_outcome"]["imr"] for i in draft["items"]] == ["upheld", "upheld"]
    bad = subprocess.run([sys.executable, "-m", "checker", "letters", "draft-case",
                          str(ROOT / "tests" / "fixtures" / "letters" / "garbage.txt")], capture_output=True, text=True)
    assert bad.returncode == 2 and "no known IMR letter layout" in bad.stderr


def test_rationale_sentences_about_the_record_are_read_and_guideline_quotations_are_not():
    from checker.letters.read.summary import read_record_statements, record_sentences
    text = ("The MTUS states that acupuncture may be performed as follows: (1) Time to produce functional improvement: "
            "3 to 6 treatments. Progress notes have noted 6 prior physical therapy completed thus far with no documented "
            "improvement in pain or function. There is no documentation of a home exercise program. Patient-specific "
            "hand therapy is very important in improving range of motion. (Li, 2005) The request is medically necessary.")
    kept = [s.text for s in record_sentences(text)]
    assert kept == ["Progress notes have noted 6 prior physical therapy completed thus far with no documented "
                    "improvement in pain or function."]
    [(course, _)] = read_record_statements(text).fields["treatment_history"]
    assert course == {"modality": "physical_therapy", "sessions": 6, "reported_improvement": False}
    # the requested treatment itself is a prior course only where the sentence says it was given
    assert "treatment_history" not in read_record_statements(
        "The provider desires to have physical therapy to help the patient return to work.", "physical_therapy").fields


def test_a_surgery_heading_names_its_procedures_approach_and_date_of_service():
    from types import SimpleNamespace
    from checker.letters.read.items import read_item
    parsed = SimpleNamespace(request="Retrospective: Open reduction internal fixation on left distal radius fracture with "
                             "open carpal tunnel release DOS 12/13/2016", text="Retrospective: ORIF", authorized=None,
                             decision="overturned", guideline_line="")
    parsed.text = parsed.request
    item, _ = read_item(1, parsed, "x.txt")
    assert (item["procedure"], item["surgical_approach"], item["body_region"]) == ("carpal_tunnel_release", "open", "wrist_hand")
    assert item["date_of_service"] == dt.date(2016, 12, 13) and item["retrospective"] is True
    parsed.request = parsed.text = "Right knee arthroscopy with partial medial meniscectomy"
    item, _ = read_item(1, parsed, "x.txt")
    assert (item["procedure"], item.get("procedures"), item["surgical_approach"]) == ("knee_meniscectomy", None, "arthroscopic")
    parsed.request = parsed.text = "Left shoulder subacromial decompression and rotator cuff repair"
    item, _ = read_item(1, parsed, "x.txt")
    assert (item["procedure"], item["procedures"]) == ("rotator_cuff_repair", ["shoulder_arthroscopy_decompression"])


def test_extraction_loses_little_end_to_end():
    """Issue 10's measure: strict balanced accuracy of regress on the development letters as drafted (no hand edits)
    within 0.10 of the same figure on the hand-encoded gold cases."""
    from checker.regress.run import run, summarize
    letters, errors = run([DEV / "txt"], jobs=2)
    gold, gold_errors = run([DEV / "cases"], jobs=2)
    assert not errors and not gold_errors
    drafted, encoded = summarize(letters)["overall"], summarize(gold)["overall"]
    global END_TO_END
    END_TO_END = (f"strict balanced accuracy: letters end to end {drafted['strict_balanced_accuracy']:.3f}, gold cases "
                  f"{encoded['strict_balanced_accuracy']:.3f}; overturns found {drafted['overturns_found']}/"
                  f"{drafted['overturned']} and {encoded['overturns_found']}/{encoded['overturned']}")
    assert drafted["items"] == encoded["items"] == 155
    assert encoded["strict_balanced_accuracy"] - drafted["strict_balanced_accuracy"] <= 0.10


def test_care_under_way_is_read_from_the_present_tense():
    from checker.letters.read.summary import read_summary
    now = read_summary("The patient stated that 6 chiropractic therapy visits have helped. "
                       "The injured worker is undergoing physical therapy.").fields["documentation"]
    assert now == {"improving_with_current_care": True, "active_exercise_program": True}
    past = read_summary("The patient had 6 chiropractic visits in 2014, which helped.").fields
    assert "improving_with_current_care" not in past.get("documentation", {})


def test_psychological_disability_and_stressors_are_read():
    from checker.letters.read.summary import read_summary
    doc = read_summary("The injured worker was harassed by a co-worker. Current work status is temporarily and totally "
                       "psychologically disabled.").fields["documentation"]
    assert doc == {"psychosocial_factors": True, "psych_condition_impedes_recovery": True}
    off = read_summary("The patient is temporarily totally disabled.").fields
    assert off["work_status"] == "not_working" and "documentation" not in off


def test_a_new_deficit_is_the_requests_own_field_and_still_a_symptom():
    from checker.letters.read.summary import read_summary
    fields = read_summary("The injured worker reported a dense numbness in the radial digits.").fields
    assert fields["new_neurological_deficit"] is True
    assert fields["documentation"] == {"neurologic_symptoms": True}
    assert "new_neurological_deficit" not in read_summary("The patient reported numbness in the hand.").fields


def test_care_at_home_is_read_for_domestic_care():
    from checker.letters.read.summary import read_summary
    assert read_summary("The patient requires assistance with bathing.").fields["documentation"] == {
        "home_skilled_or_personal_care": True}
    assert read_summary("The patient does not require assistance with bathing.").fields["documentation"] == {
        "home_skilled_or_personal_care": False}


def test_a_limb_study_takes_the_one_joint_the_examination_records():
    from checker.letters.draft import _joint_of_limb
    request = {"exam": [{"finding": "tenderness", "region": "knee", "side": "left"}]}
    items = [{"id": "item-1", "category": "mri", "body_region": "lower_extremity", "side": "left"},
             {"id": "item-2", "category": "emg", "body_region": "lower_extremity", "side": "left"}]
    notes = []
    _joint_of_limb(request, items, notes)
    assert [i["body_region"] for i in items] == ["knee", "lower_extremity"] and len(notes) == 1
    both = {"exam": request["exam"] + [{"finding": "tenderness", "region": "hip"}]}
    items = [{"id": "item-1", "category": "mri", "body_region": "lower_extremity", "side": "left"}]
    _joint_of_limb(both, items, [])
    assert items[0]["body_region"] == "lower_extremity"
