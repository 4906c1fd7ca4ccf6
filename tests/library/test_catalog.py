"""The committed rule catalog is generated from the library; this test fails when it is stale."""
from conftest import ROOT

from checker.library.catalog import coverage, render_catalog


def test_committed_catalog_is_current(library):
    for fmt in ("md", "html"):
        committed = (ROOT / "docs" / "rules" / f"catalog.{fmt}").read_text(encoding="utf-8")
        assert committed == render_catalog(library, fmt), (
            f"docs/rules/catalog.{fmt} is stale: run `make docs` (mtus-check rules docs) and commit it")


def test_catalog_shows_every_criterion_with_its_confirmation(library):
    text = render_catalog(library, "md")
    for crit in library.criteria():
        assert f"`{crit.id}`" in text
    assert f"{len({(c.topic, c.id) for c in library.criteria()})} criteria" in text


def test_html_catalog_escapes_rule_text(library):
    html = render_catalog(library, "html")
    assert html.startswith("<!doctype html>") and "<script" not in html.lower()
    assert "&lt;" in html or "≤" in html


def test_coverage_names_topics_per_period(library):
    rows = dict(coverage(library))
    assert [t for _, t in rows["epidural_steroid_injection"]["mtus-2009"]] == ["cpmtg-epidural-steroid-injections"]
    assert rows["transportation"]["mtus-2009"][0][0] == "Non-MTUS"
