"""Request loading: whatever the bytes, the result is a valid request or an InputError naming the file."""
import random

import pytest
from conftest import SEEDS

from checker.errors import InputError
from checker.request.facts import derive
from checker.request.model import load_request, parse_request
from checker.request.positions import parse_text


def _mutations(text, rng, count):
    lines = text.splitlines(keepends=True)
    for _ in range(count):
        kind = rng.randrange(4)
        if kind == 0:
            yield text[: rng.randrange(len(text))]
        elif kind == 1:
            pos = rng.randrange(len(text))
            yield text[:pos] + rng.choice(":{}[]-'\"#&*!|>%@` \t\n0xyz") + text[pos + 1:]
        elif kind == 2:
            i = rng.randrange(len(lines))
            yield "".join(lines[:i] + lines[i + 1:])
        else:
            i = rng.randrange(len(lines))
            yield "".join(lines[:i] + ["  " + lines[i]] + lines[i + 1:])


@pytest.mark.parametrize("path", SEEDS, ids=[p.stem for p in SEEDS])
def test_mutated_requests_never_crash(path):
    rng = random.Random(path.stem)
    for text in _mutations(path.read_text(), rng, 150):
        try:
            data, positions = parse_text(text, path.name)
            request = parse_request(data, path.name, positions)
        except InputError as exc:
            assert exc.one_line().startswith(path.name)
            assert "\n" not in exc.one_line()
            continue
        derive(request)


def test_three_valued_documentation(tmp_path):
    base = "request_id: x\nreview_date: 2014-01-01\nitems:\n  - {id: a, category: transportation, description: t}\n"
    path = tmp_path / "r.yaml"
    path.write_text(base)
    assert "red_flags" not in derive(load_request(path)).items[0].values
    path.write_text(base + "red_flags: []\n")
    assert derive(load_request(path)).items[0].values["red_flags"] is False
    path.write_text(base + "red_flags: [saddle anesthesia]\n")
    assert derive(load_request(path)).items[0].values["red_flags"] is True


def test_strings_are_not_coerced_to_documentation_flags(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("request_id: x\nreview_date: 2014-01-01\ndocumentation: {risks_discussed: 'yes'}\n"
                    "items:\n  - {id: a, category: transportation, description: t}\n")
    with pytest.raises(InputError, match="documentation.risks_discussed"):
        load_request(path)


def test_duplicate_keys_are_rejected(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("request_id: x\nrequest_id: y\n")
    with pytest.raises(InputError, match="duplicate key") as info:
        load_request(path)
    assert info.value.line == 2


def test_prior_treatment_counts_only_the_same_body_region(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text("request_id: x\nreview_date: 2014-01-01\n"
                    "treatment_history:\n"
                    "  - {modality: physical_therapy, body_region: knee, sessions: 12, functional_improvement: false}\n"
                    "  - {modality: physical_therapy, body_region: lumbar, sessions: 6, functional_improvement: true}\n"
                    "  - {modality: physical_therapy, sessions: 2}\n"
                    "items:\n  - {id: a, category: physical_therapy, description: t, body_region: lumbar, quantity: 6}\n"
                    "  - {id: b, category: physical_therapy, description: t, body_region: shoulder, quantity: 6}\n")
    lumbar, shoulder = derive(load_request(path)).items
    assert (lumbar.values["prior_units"], lumbar.values["visits_total"]) == (8, 14)
    assert shoulder.values["prior_units"] == 2 and "prior_functional_improvement" not in shoulder.values


def test_drug_names_as_prescriptions_write_them():
    from checker.request.vocabulary import load_vocabulary
    vocab = load_vocabulary()
    assert vocab.drug_class("Hydrocodone/Acetaminophen 10/325 mg") == "opioid"  # the partner gives way
    assert vocab.drug_class("Tylenol 500 mg") == "acetaminophen"
    assert vocab.drug("Lidoderm 5% patch")[0] == vocab.drug("lidocaine patch")[0] != vocab.drug("lidocaine cream")[0]
    assert vocab.drug("Fexmid 7.5 mg")[1]["class"] == "muscle_relaxant"
    assert vocab.drug("Unobtainium 5 mg") == (None, None)


def _derived(tmp_path, text):
    path = tmp_path / "r.yaml"
    path.write_text(text)
    return derive(load_request(path)).items[0].values


def test_a_therapy_course_that_did_not_help_is_a_failure_to_progress(tmp_path):
    base = ("request_id: x\nreview_date: 2017-01-10\ninjury: {date: 2016-10-01}\n"
            "treatment_history:\n  - {modality: physical_therapy, sessions: 6, reported_improvement: %s}\n"
            "items:\n  - {id: a, category: mri, description: MRI shoulder, body_region: shoulder}\n")
    assert _derived(tmp_path, base % "false")["doc_failure_to_progress"] is True
    assert "doc_failure_to_progress" not in _derived(tmp_path, base % "true")
    # whether surgery is in view is the imaging criteria's to weigh (ACOEM2-CH8/CH9-IMAGING-STRENGTHENING-TO-AVOID-SURGERY)
    no_surgery = base % "false" + "documentation: {surgery_considered: false}\n"
    assert _derived(tmp_path, no_surgery)["doc_failure_to_progress"] is True


def test_a_retrospective_surgery_on_the_day_of_the_injury_is_emergency_surgery(tmp_path):
    base = ("request_id: x\nreview_date: 2017-01-13\ninjury: {date: 2016-12-13}\n"
            "items:\n  - {id: a, category: surgery, description: ORIF, procedure: carpal_tunnel_release, retrospective: true,"
            " date_of_service: %s}\n")
    assert _derived(tmp_path, base % "2016-12-13")["doc_emergency_surgery"] is True
    assert "doc_emergency_surgery" not in _derived(tmp_path, base % "2016-12-28")


def test_a_nerve_study_of_the_hand_is_a_prior_study_of_the_arm(tmp_path):
    base = ("request_id: x\nreview_date: 2017-01-10\n"
            "imaging:\n  - {modality: emg_ncs, region: %s, official_report: true}\n"
            "items:\n  - {id: a, category: emg_ncs, description: EMG/NCS, body_region: upper_extremity}\n")
    assert _derived(tmp_path, base % "wrist_hand")["prior_same_study"] is True
    assert _derived(tmp_path, base % "knee")["prior_same_study"] is False
