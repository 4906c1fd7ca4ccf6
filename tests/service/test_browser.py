"""The pre-submission page end to end in a real headless Chromium: sign in, fill the form for seed 004 the way
office staff would (the questions appear as the categories are picked), check it against what `mtus-check
precheck` says, then correct nothing but a quantity to -3 and see the error next to that field. Skipped when
Chromium is not installed, unless MTUS_REQUIRE_BROWSER=1 (CI sets it)."""
import os
import re
import shutil
import socket
import threading
import time

import pytest

from conftest import ROOT
from checker.render.views import to_dict
from checker.request.model import load_request
from checker.service.app import create_app
from checker.service.settings import Settings
from checker.service.store import Store

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
SEED_004 = ROOT / "examples" / "requests" / "seed-004.yaml"
EXAM = [("tenderness", "cervical", ""), ("spasm", "cervical", ""), ("seated_root_test", "lumbar", ""),
        ("reduced_range_of_motion", "", ""), ("axial_loading_test", "cervical", ""), ("spurling", "cervical", ""),
        ("dermatomal_sensory_deficit", "cervical", "C6"), ("myotomal_weakness", "cervical", "C6"),
        ("dermatomal_sensory_deficit", "cervical", "C7"), ("myotomal_weakness", "cervical", "C7")]
MEDICATIONS = ["Tramadol", "Anaprox", "Prilosec", "Imitrex", "Zofran", "Flexeril"]


def _browser_or_skip():
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        reason, sync_playwright = "playwright is not installed", None
    if reason is None and not os.access(CHROMIUM, os.X_OK):
        reason = "chromium is not installed"
    if reason:
        if os.environ.get("MTUS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{reason} (MTUS_REQUIRE_BROWSER=1)")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture(scope="module")
def base_url(tmp_path_factory, durable):
    """The service under uvicorn on a free local port, in a background thread, with one user."""
    import uvicorn
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('browser') / 'audit.db'}")
    store.migrate()
    store.add_user("clerk", "correct horse battery")
    app = create_app(Settings(session_secret="b" * 64), store=store, checker=durable)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    assert server.started, "uvicorn did not start"
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)
    sock.close()


def _add_rows(page, key, count):
    """Show `count` rows of a list (the first ones are shown already)."""
    while page.locator(f'[data-list="{key}"] > .row:not([hidden])').count() < count:
        page.click(f'[data-add="{key}"]')


def _fill_seed_004(page):
    page.fill("#f-review-date", "2014-06-20")
    page.fill("#f-injury-date", "2012-04-25")
    page.fill("#f-patient-age", "56")
    page.fill("#f-diagnoses-0-text", "cervicalgia")
    page.fill("#f-diagnoses-1-text", "lumbago")
    # item 1: picking the category and then the purpose brings their questions
    page.select_option("#f-items-0-category", "consultation")
    page.select_option("#f-items-0-purpose-category", "facet_block")
    page.select_option("#f-items-0-purpose-body-region", "cervical")
    page.locator('[data-section="exam"]:not([hidden])').wait_for()
    page.fill("#f-items-0-description", "Consult with pain management for cervical spine blocks & rhizotomy")
    page.select_option("#f-items-0-body-region", "cervical")
    page.fill("#f-items-0-quantity", "1")
    page.check("#f-items-0-documentation-conservative-care-failed-no")
    # item 2
    page.click("[data-add-item]")
    page.select_option("#f-items-1-category", "physical_therapy")
    page.locator("#f-items-1-after-surgery-procedure").wait_for()
    page.fill("#f-items-1-description", "Physical Therapy 2 times per week for 6 weeks for cervical and lumbar spine")
    page.select_option("#f-items-1-body-region", "multiple")
    page.fill("#f-items-1-quantity", "12")
    page.fill("#f-items-1-frequency-per-week", "2")
    page.fill("#f-items-1-frequency-weeks", "6")
    page.select_option("#f-treatment-history-0-modality", "facet_block")
    page.select_option("#f-treatment-history-1-modality", "medication")
    _add_rows(page, "exam", len(EXAM))
    for i, (finding, region, level) in enumerate(EXAM):  # all positive, the result's first choice
        page.select_option(f"#f-exam-{i}-finding", finding)
        if region:
            page.select_option(f"#f-exam-{i}-region", region)
        if level:
            page.fill(f"#f-exam-{i}-level", level)
    _add_rows(page, "medications", len(MEDICATIONS))
    for i, name in enumerate(MEDICATIONS):
        page.fill(f"#f-medications-{i}-name", name)


def test_seed_004_in_the_browser(base_url, durable):
    sync_playwright = _browser_or_skip()
    expected = to_dict(durable.review(load_request(SEED_004)))  # the contract `mtus-check precheck` prints
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(5000)
            page.goto(base_url + "/")
            assert page.url.endswith("/signin")
            page.fill("#name", "clerk")
            page.fill("#password", "correct horse battery")
            page.click("button[type=submit].primary")
            page.wait_for_url("**/check")

            _fill_seed_004(page)
            page.click("text=Check the request")
            page.locator("h1", has_text="Check result").wait_for()
            for it in expected["items"]:
                section = page.locator(f"#result-{it['id']}")
                ready = it["likely_result"] == "likely certified"
                assert section.locator(".outcome").inner_text() == ("Ready" if ready else "At risk")
                remedies = [" ".join(r.split()) for r in section.locator(".remedy").all_inner_texts()]
                assert remedies == [" ".join(a["action"].split()) for a in it["actions"]]
                if it["determination"] == "modify":
                    assert f"{it['supported_quantity']} of {it['requested_quantity']}" in \
                        section.locator(".quantity").inner_text()

            # back to the answers, one of them wrong
            page.click("text=Change the answers")
            page.fill("#f-items-1-quantity", "-3")
            page.click("text=Check the request")
            error = page.locator("#f-items-1-quantity-error")
            assert "greater than or equal to 0" in error.inner_text() and "-3" not in error.inner_text()
            quantity = page.locator("#f-items-1-quantity")
            assert quantity.get_attribute("aria-describedby") == "f-items-1-quantity-error"
            assert quantity.evaluate("el => el.nextElementSibling.id") == "f-items-1-quantity-error"
            assert quantity.input_value() == "-3"
            assert re.search(r"Some answers need a correction", page.content())
        finally:
            browser.close()
