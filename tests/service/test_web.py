"""The pre-submission web page against a real audit store on SQLite: sign-in, the form built from what each
category's rules read, the same outcomes and remedies as `mtus-check precheck`, errors next to their fields (422),
a pasted request file, and the PDF."""
import html
import json
import re
import subprocess
import sys

import pytest
from fastapi.testclient import TestClient

from conftest import ROOT
from checker.library.conditions import facts_used
from checker.service import form
from checker.service.app import create_app
from checker.service.settings import Settings
from checker.service.store import Store

SEED_004 = ROOT / "examples" / "requests" / "seed-004.yaml"
NO_FILE = {"request_file": ("", b"", "application/octet-stream")}  # what a browser sends when none is chosen

# examples/requests/seed-004.yaml as office staff would enter it on the form
SEED_004_FORM = {
    "review_date": "2014-06-20", "patient.age": "56", "injury.date": "2012-04-25",
    "diagnoses[0].text": "cervicalgia", "diagnoses[1].text": "lumbago",
    "items[0].category": "consultation",
    "items[0].description": "Consult with pain management for cervical spine blocks & rhizotomy",
    "items[0].body_region": "cervical", "items[0].quantity": "1",
    "items[0].purpose.category": "facet_block", "items[0].purpose.body_region": "cervical",
    "items[0].documentation.conservative_care_failed": "no",
    "items[1].category": "physical_therapy",
    "items[1].description": "Physical Therapy 2 times per week for 6 weeks for cervical and lumbar spine",
    "items[1].body_region": "multiple", "items[1].quantity": "12",
    "items[1].frequency.per_week": "2", "items[1].frequency.weeks": "6",
    "treatment_history[0].modality": "facet_block", "treatment_history[1].modality": "medication",
    "pain.current": "5",
    "imaging[0].modality": "mri", "imaging[0].region": "cervical", "imaging[0].nerve_root_compromise": "yes",
}
SEED_004_EXAM = [("tenderness", "cervical", ""), ("spasm", "cervical", ""), ("seated_root_test", "lumbar", ""),
                 ("reduced_range_of_motion", "", ""), ("axial_loading_test", "cervical", ""),
                 ("spurling", "cervical", ""), ("dermatomal_sensory_deficit", "cervical", "C6"),
                 ("myotomal_weakness", "cervical", "C6"), ("dermatomal_sensory_deficit", "cervical", "C7"),
                 ("myotomal_weakness", "cervical", "C7")]
SEED_004_MEDICATIONS = ["Tramadol", "Anaprox", "Prilosec", "Imitrex", "Zofran", "Flexeril"]
for _i, (_finding, _region, _level) in enumerate(SEED_004_EXAM):
    SEED_004_FORM.update({f"exam[{_i}].finding": _finding, f"exam[{_i}].region": _region,
                          f"exam[{_i}].level": _level})
for _i, _name in enumerate(SEED_004_MEDICATIONS):
    SEED_004_FORM[f"medications[{_i}].name"] = _name


@pytest.fixture(scope="module")
def app(tmp_path_factory, durable):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('web') / 'audit.db'}")
    store.migrate()
    store.add_user("clerk", "correct horse battery")
    return create_app(Settings(session_secret="s" * 64, rate_per_second=1000, rate_burst=1000), store=store,
                      checker=durable)


@pytest.fixture(scope="module")
def client(app):
    """A client signed in as the office's clerk."""
    client = TestClient(app, raise_server_exceptions=False)
    answer = client.post("/signin", data={"name": "clerk", "password": "correct horse battery"},
                         follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/check"
    return client


@pytest.fixture(scope="module")
def cli_precheck():
    """`mtus-check precheck examples/requests/seed-004.yaml --format json`: what the page must agree with."""
    out = subprocess.run([sys.executable, "-m", "checker", "precheck", str(SEED_004), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 1, out.stderr  # items at risk
    return json.loads(out.stdout)


def _sections(page):
    """Each result item's section, as text without markup, by item id."""
    found = re.findall(r'<section class="result-item[^"]*" id="result-([\w.-]+)">(.*?)</section>', page, re.S)
    return {item: section for item, section in found}


def _text(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def _assert_matches_cli(page, expected):
    sections = _sections(page)
    assert list(sections) == [it["id"] for it in expected["items"]]
    summary = expected["summary"]
    assert f"{summary['ready']} of {summary['total']} item(s) ready" in page
    for it in expected["items"]:
        section = sections[it["id"]]
        outcome = "ready" if it["likely_result"] == "likely certified" else "at risk"
        assert f'data-outcome="{outcome}"' in section, it["id"]
        text = _text(section)
        assert it["actions"], "seed-004's items both need work"
        for action in it["actions"]:
            assert " ".join(action["action"].split()) in text
            assert " ".join(action["finding"].split()) in text
        if it["determination"] == "modify":
            assert f"Supported quantity: {it['supported_quantity']} of {it['requested_quantity']} requested" in text
        for citation in it["citations"]:
            assert citation["section"] in text


def _error_next_to(page, name):
    """The error shown right after the input named `name` (and referenced by its aria-describedby)."""
    fid = form.input_id(name)
    match = re.search(rf'<(?:input|select|textarea) id="{fid}"[^>]*aria-describedby="{fid}-error"[^>]*>\s*'
                      rf'(?:</select>\s*)?<p class="field-error" id="{fid}-error">([^<]*)</p>', page)
    if match is None:  # a select: its options sit between the tag and the error
        match = re.search(rf'<select id="{fid}"[^>]*aria-describedby="{fid}-error".*?</select>\s*'
                          rf'<p class="field-error" id="{fid}-error">([^<]*)</p>', page, re.S)
    assert match, f"no error next to {name}"
    return html.unescape(match.group(1))


def test_not_signed_in_goes_to_sign_in(app):
    anonymous = TestClient(app, raise_server_exceptions=False)
    for method, path in [("get", "/"), ("get", "/check"), ("post", "/check"), ("post", "/check/file"),
                         ("post", "/check/pdf")]:
        answer = getattr(anonymous, method)(path, follow_redirects=False)
        assert answer.status_code == 303 and answer.headers["location"] == "/signin", path
    assert anonymous.get("/check/questions?category=physical_therapy").status_code == 401
    page = anonymous.get("/signin")
    assert page.status_code == 200 and '<label for="password">' in page.text


def test_wrong_password_is_refused(app):
    visitor = TestClient(app, raise_server_exceptions=False)
    answer = visitor.post("/signin", data={"name": "clerk", "password": "wrong"}, follow_redirects=False)
    assert answer.status_code == 401
    assert "The name or the password is not right." in answer.text and "wrong" not in answer.text
    assert visitor.get("/check", follow_redirects=False).headers["location"] == "/signin"


def test_sign_out_ends_the_session(app):
    visitor = TestClient(app, raise_server_exceptions=False)
    visitor.post("/signin", data={"name": "clerk", "password": "correct horse battery"})
    assert visitor.get("/check", follow_redirects=False).status_code == 200
    assert visitor.post("/signout", follow_redirects=False).headers["location"] == "/signin"
    assert visitor.get("/check", follow_redirects=False).status_code == 303


def test_seed_004_on_the_form_gives_the_cli_checklist(client, cli_precheck):
    answer = client.post("/check", data=SEED_004_FORM)
    assert answer.status_code == 200, answer.text[:2000]
    assert answer.headers["cache-control"] == "no-store"
    _assert_matches_cli(answer.text, cli_precheck)
    assert 'action="/check/pdf"' in answer.text and "Download PDF" in answer.text


def test_form_request_has_the_seed_facts():
    """The form's request derives the facts the seed file does (for every fact the items' rules read)."""
    from checker.request.facts import derive
    from checker.request.model import load_request, parse_request
    built = derive(parse_request(form.request_from_form(SEED_004_FORM), "form"))
    seed = derive(load_request(SEED_004))
    for ours, theirs in zip(built.items, seed.items):
        differ = {k for k in set(ours.values) | set(theirs.values) if ours.values.get(k) != theirs.values.get(k)}
        assert differ <= {"doc_conservative_care_failed"}, differ  # asked on the consultation, where it is read
    assert built.items[0].values["doc_conservative_care_failed"] is False


@pytest.mark.parametrize("name, wrong, message", [
    ("items[1].quantity", "-3", "greater than or equal to 0"),
    ("injury.date", "2015-01-01", "injury.date is after review_date"),
    ("patient.age", "fifty", "valid integer"),
])
def test_an_invalid_field_shows_its_error_next_to_it(client, name, wrong, message):
    answer = client.post("/check", data={**SEED_004_FORM, name: wrong})
    assert answer.status_code == 422
    error = _error_next_to(answer.text, name)
    assert message in error and wrong not in error
    assert f'value="{wrong}"' in answer.text  # the form is filled again with what was typed
    assert "Traceback" not in answer.text and "field-error" in answer.text


def test_errors_of_several_fields_each_show_next_to_their_field(client):
    answer = client.post("/check", data={**SEED_004_FORM, "items[1].quantity": "-3",
                                          "items[0].frequency.per_week": "0"})
    assert answer.status_code == 422
    assert "greater than or equal to 0" in _error_next_to(answer.text, "items[1].quantity")
    assert "greater than 0" in _error_next_to(answer.text, "items[0].frequency.per_week")


def test_a_missing_category_is_asked_for(client):
    answer = client.post("/check", data={"review_date": "2014-06-20", "items[0].description": "PT 2x6"})
    assert answer.status_code == 422
    assert "required" in _error_next_to(answer.text, "items[0].category")


def _rule_docs(library, category):
    """Documentation statements read by the topics selecting a category: all of them, and those of the topics
    that select it unconditionally (the form must ask these whatever else is chosen)."""
    every, unconditional = set(), set()
    for topic in library.topics:
        for selected, when in topic.selectors:
            if selected != category:
                continue
            reads = set(facts_used(when))
            for crit in topic.criteria:
                reads |= set(facts_used(crit.applies_when)) | set(facts_used(crit.condition))
            docs = {f[4:] for f in reads if f.startswith("doc_")}
            every |= docs
            if when is None:
                unconditional |= {f[4:] for f in set().union(*(set(facts_used(c.condition)) for c in topic.criteria
                                                              if c.applies_when is None)) if f.startswith("doc_")}
    return every, unconditional


def _asked_docs(fragment):
    return set(re.findall(r'name="items\[0\]\.documentation\.(\w+)"', fragment))


def _needs(fragment):
    return set(re.search(r'data-needs="([^"]*)"', fragment).group(1).split())


def test_the_questions_follow_what_each_category_reads(client, library):
    pt = client.get("/check/questions?category=physical_therapy&item=0")
    xray = client.get("/check/questions?category=xray&item=0")
    assert pt.status_code == xray.status_code == 200
    for category, fragment in (("physical_therapy", pt.text), ("xray", xray.text)):
        every, unconditional = _rule_docs(library, category)
        asked = _asked_docs(fragment)
        assert asked and unconditional <= asked <= every, category
        for key in asked:  # each as a three-way choice, "not documented" first and chosen
            assert re.search(rf'name="items\[0\]\.documentation\.{key}" value="" checked', fragment)
    assert _asked_docs(pt.text) != _asked_docs(xray.text)
    # radiographs read the examination, prior studies and red flags; physical therapy reads none of them
    assert {"exam", "imaging", "red_flags"} <= _needs(xray.text)
    assert not {"exam", "imaging", "red_flags"} & _needs(pt.text)
    assert 'name="items[0].after_surgery.procedure"' in pt.text  # postsurgical therapy
    assert "after_surgery" not in xray.text


def test_a_consultation_asks_for_its_purpose_then_that_procedure(client):
    plain = client.get("/check/questions?category=consultation&item=1").text
    esi = client.get("/check/questions?category=consultation&item=1&purpose=epidural_steroid_injection"
                     "&purpose_region=lumbar").text
    assert 'name="items[1].purpose.category"' in plain and 'name="items[1].approach"' not in plain
    assert 'name="items[1].approach"' in esi  # the ESI criteria read the injection approach
    assert {"exam", "imaging"} <= _needs(esi)
    assert '<option value="epidural_steroid_injection" selected>' in esi


def test_the_form_page_asks_for_the_category_first(client):
    page = client.get("/check").text
    assert '<label for="f-items-0-category">' in page and "data-refresh" in page
    assert 'name="items[0].documentation.' not in page
    picked = client.get("/check?category=medication").text  # without script: the category by a GET parameter
    assert 'name="items[0].medication.name"' in picked
    assert '<div data-section="opioid_monitoring">' in picked


def test_update_the_questions_uses_the_drug_and_keeps_the_answers(client):
    values = {"review_date": "2014-11-20", "items[0].category": "medication", "items[0].description": "Norco",
              "items[0].medication.name": "Norco 5/325", "patient.age": "44", "action": "questions"}
    page = client.post("/check", data=values)
    assert page.status_code == 200
    assert 'value="Norco 5/325"' in page.text and 'value="44"' in page.text
    assert '<div data-section="opioid_monitoring">' in page.text
    muscle = client.post("/check", data={**values, "items[0].medication.name": "Flexeril"}).text
    assert '<div data-section="opioid_monitoring" hidden>' in muscle  # a muscle relaxant is not an opioid


def test_a_pasted_request_file_is_checked(client, cli_precheck):
    answer = client.post("/check/file", data={"request_text": SEED_004.read_text()}, files=NO_FILE)
    assert answer.status_code == 200, answer.text[:2000]
    _assert_matches_cli(answer.text, cli_precheck)


def test_an_uploaded_request_file_is_checked(client, cli_precheck):
    answer = client.post("/check/file", files={"request_file": ("seed-004.yaml", SEED_004.read_bytes(),
                                                                "application/yaml")})
    assert answer.status_code == 200
    _assert_matches_cli(answer.text, cli_precheck)


def test_a_broken_request_file_names_the_line_and_field(client):
    text = SEED_004.read_text().replace("quantity: 12", "quantity: -12345")
    answer = client.post("/check/file", data={"request_text": text}, files=NO_FILE)
    assert answer.status_code == 422
    error = re.search(r'<textarea id="request-text"[^>]*aria-describedby="request-text-error"[^>]*>.*?</textarea>\s*'
                      r'<p class="field-error" id="request-text-error">([^<]*)</p>', answer.text, re.S).group(1)
    assert re.match(r"line \d+: items\[1\]\.quantity: ", error) and "-12345" not in error


def test_the_pdf_is_downloaded(client):
    answer = client.post("/check/pdf", data=SEED_004_FORM)
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"].startswith("attachment")
    assert answer.content.startswith(b"%PDF")
    from_file = client.post("/check/pdf", data={"request_text": SEED_004.read_text()}, files=NO_FILE)
    assert from_file.status_code == 200 and from_file.content.startswith(b"%PDF")


def test_the_stylesheet_is_served_and_nothing_else(client):
    css = client.get("/static/site.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/").status_code == 404
    assert client.get("/static/..%2Fbase.html.j2").status_code == 404


def test_every_fact_the_rules_read_has_a_question(library):
    reads = set()
    for topic in library.topics:
        for _, when in topic.selectors:
            reads |= set(facts_used(when))
        for crit in topic.criteria:
            reads |= set(facts_used(crit.applies_when)) | set(facts_used(crit.condition))
    questions = form.questions(library.vocabulary)
    unasked = sorted(f for f in reads if not f.startswith("doc_") and not any(q.answers(f) for q in questions))
    assert not unasked
    docs = {f[4:] for f in reads if f.startswith("doc_")}
    assert docs <= set(library.vocabulary.documentation)


def test_unknown_stays_unknown_and_blank_rows_are_left_out():
    data = form.request_from_form({
        "review_date": "2014-06-20", "items[0].category": "physical_therapy", "items[0].description": "PT",
        "items[0].documentation.home_exercise_program": "", "items[0].documentation.treatment_goals": "yes",
        "items[0].documentation.rationale": "no", "diagnoses[0].text": "", "diagnoses[1].text": "lumbago",
        "treatment_history[0].modality": "physical_therapy", "treatment_history[0].response": "none",
        "opioid_monitoring.analgesia": ""})
    assert data["items"][0]["documentation"] == {"treatment_goals": True, "rationale": False}
    assert data["diagnoses"] == [{"text": "lumbago"}]
    assert data["treatment_history"] == [{"modality": "physical_therapy", "functional_improvement": False,
                                          "reported_improvement": False}]
    assert "opioid_monitoring" not in data and "medications" not in data and "red_flags" not in data
    assert form.request_from_form({"treatment_history.none": "yes", "red_flags": "no"}).get("treatment_history") == []


def test_error_fields_map_to_the_inputs_that_hold_them():
    values = {"diagnoses[0].text": "", "diagnoses[1].text": "x", "items[0].frequency.per_week": "0",
              "items[0].frequency.weeks": "", "review_date": ""}
    assert form.input_for("diagnoses[0]", values) == "diagnoses[1].text"  # blank rows are left out
    assert form.input_for("items[0].frequency", values) == "items[0].frequency.per_week"
    assert form.input_for("review_date", values) == "review_date"
    assert form.input_for("(top level)", values) is None
