"""Guideline editions by review date: the same request under three editions, dated citations, --as-of,
rules diff, and the fallback along the search sequence of a period."""
import datetime as dt
import subprocess
import sys

from conftest import ROOT, SEEDS

from checker.request.model import load_request, with_review_date

EXAMPLES = ROOT / "examples" / "requests"


def _review(durable, name):
    return durable.review(load_request(EXAMPLES / name))


def test_same_request_under_three_editions(durable):
    by_year = {year: _review(durable, f"editions-same-request-{year}.yaml") for year in (2014, 2017, 2024)}
    assert {y: d.edition for y, d in by_year.items()} == {2014: "mtus-2009", 2017: "mtus-2016", 2024: "mtus-acoem"}
    primary = {y: [i.citations[0] for i in d.items] for y, d in by_year.items()}
    # physical therapy, ESI consultation, opioid refill: each period cites its own guideline
    assert [c.guideline for c in primary[2014]] == ["Chronic Pain Medical Treatment Guidelines"] * 3
    assert [c.pages for c in primary[2014]] == ["98-99", "46", "74-96"]
    assert all("9792.24" in c.guideline for c in primary[2017]) and all(c.pages == "" for c in primary[2017])
    assert "9792.24.4" in primary[2017][2].guideline  # the 2016 Opioids Treatment Guidelines
    assert all("ACOEM" in c.guideline for c in primary[2024])
    # the ACOEM-era low back guideline gives no visit count: ODG sets the quantity
    pt_2024 = by_year[2024].items[0]
    assert pt_2024.tier == "mtus+non_mtus" and any(c.tier == "non_mtus" for c in pt_2024.citations)
    # criteria of the same idea keep their id across editions
    ids = {y: {cr.criterion.id for cr, _ in d.items[1].results} for y, d in by_year.items()}
    assert "CPMTG-ESI-RADICULOPATHY-ON-EXAM" in ids[2014] & ids[2017]


def test_functional_improvement_citation_follows_the_2015_relettering(durable):
    request = load_request(SEEDS[2])  # seed 002: PT without functional improvement, reviewed 2014
    before = durable.review(request).items[0]
    after = durable.review(with_review_date(request, dt.date(2015, 6, 1))).items[0]
    section = lambda item: next(c.section for c in item.citations if c.pages == "8")  # noqa: E731
    assert "9792.20(f)" in section(before) and "9792.20(e)" in section(after)
    assert before.imr_outcome == after.imr_outcome == "upheld"


def test_review_as_of_selects_the_edition():
    out = subprocess.run([sys.executable, "-m", "checker", "review", str(SEEDS[2]), "--as-of", "2017-03-01",
                          "--format", "json"], capture_output=True, text=True, cwd=ROOT)
    assert '"edition": "mtus-2016"' in out.stdout and '"review_date": "2017-03-01"' in out.stdout
    bad = subprocess.run([sys.executable, "-m", "checker", "review", str(SEEDS[2]), "--as-of", "2010-01-01"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "injury.date is after review_date" in bad.stderr


def test_rules_diff_between_editions():
    out = subprocess.run([sys.executable, "-m", "checker", "rules", "diff", "mtus-2009", "mtus-2016", "--topic",
                          "physical_therapy"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0
    assert "A topics: cpmtg-physical-medicine" in out.stdout
    assert "= CPMTG-PM-FUNCTIONAL-IMPROVEMENT: inherited by cpmtg-2016 from cpmtg-2009, citation updated" in out.stdout
    assert "summary:" in out.stdout and " inherited," in out.stdout
    later = subprocess.run([sys.executable, "-m", "checker", "rules", "diff", "mtus-2016", "mtus-acoem", "--topic",
                            "physical_therapy"], capture_output=True, text=True, cwd=ROOT)
    assert "- CPMTG-PM-FADING: withdrawn" in later.stdout and "+ ACOEM-LB-PT" in later.stdout
    dated = subprocess.run([sys.executable, "-m", "checker", "rules", "diff", "2015-04-19", "2015-04-20", "--topic",
                            "cpmtg-physical-medicine"], capture_output=True, text=True, cwd=ROOT)
    assert "9792.20(f)" in dated.stdout and "9792.20(e)" in dated.stdout
    bad = subprocess.run([sys.executable, "-m", "checker", "rules", "diff", "mtus-1999", "mtus-2016", "--topic", "physical_therapy"],
                         capture_output=True, text=True, cwd=ROOT)
    assert bad.returncode == 2 and "neither a period" in bad.stderr


def test_fallback_along_the_search_sequence_is_stated(durable):
    request = load_request(SEEDS[3])  # seed 003 reviewed as of 2024: no MTUS topic for transportation
    det = durable.review(with_review_date(request, dt.date(2024, 3, 1)))
    transport = det.items[1]
    assert det.edition == "mtus-acoem" and transport.tier == "non_mtus"
    assert "next guideline in the evidence search sequence" in transport.tier_reason


def test_formulary_note_on_drug_requests_from_2018(durable):
    det = _review(durable, "editions-same-request-2024.yaml")
    norco = det.items[2]
    assert any("Non-Exempt" in note for note in norco.notes)
    assert not _review(durable, "editions-same-request-2014.yaml").items[2].notes
