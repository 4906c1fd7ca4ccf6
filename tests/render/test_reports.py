"""The three reports (review, draft, precheck) in every format; golden files; safety of HTML and templates."""
import io
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS
from golden.regenerate import normalise, outputs

from checker.render.views import render
from checker.request.model import load_request, parse_request

VIEWS = ("review", "draft", "precheck")


@pytest.fixture(scope="module")
def seed_determinations(durable):
    return {p.stem: durable.review(load_request(p)) for p in SEEDS}


@pytest.mark.parametrize("view", VIEWS)
@pytest.mark.parametrize("fmt", ["text", "md", "html", "json"])
def test_every_seed_renders_in_every_view_and_format(seed_determinations, view, fmt):
    for name, det in seed_determinations.items():
        out = render(det, view, fmt)
        for item in det.items:
            assert item.item.description.split()[0] in out, (name, view, fmt)


@pytest.mark.parametrize("view", VIEWS)
def test_pdf_text_layer_holds_the_decisions(seed_determinations, view):
    from pypdf import PdfReader
    det = seed_determinations["seed-003"]
    pdf = render(det, view, "pdf")
    assert pdf.startswith(b"%PDF")
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in PdfReader(io.BytesIO(pdf)).pages)
    words = {"review": "Upheld", "draft": "Not certified", "precheck": "at risk"}
    assert words[view] in text
    assert "Medrol dosepak" in text and "Transportation to and from" in text


def test_golden_files_are_current():
    stale = [str(target.relative_to(ROOT)) for target, text in outputs()
             if not target.is_file() or target.read_text(encoding="utf-8") != text]
    assert not stale, f"golden files differ: {stale[:5]}... run `make golden`, read the diff and commit it"


def _request(description):
    return parse_request({"request_id": "xss", "review_date": "2014-01-01",
                          "items": [{"id": "a", "category": "transportation", "description": description}]})


def test_html_escapes_request_text(durable):
    html = render(durable.review(_request("<script>alert('x')</script> taxi")), "review", "html")
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_ur_draft_signature_only_when_needed(durable, seed_determinations):
    certified = render(seed_determinations["seed-001"], "draft", "text")
    assert "no physician reviewer's signature is required" in certified and "Signature: ____" not in certified
    denied = render(seed_determinations["seed-003"], "draft", "text")
    assert "only a physician reviewer may sign it" in denied and "Application for Independent Medical Review, DWC" in denied
    for part in ("Date of decision:", "Treatment requested:", "Treatment approved:", "Reasons for the decision:",
                 "Criteria and guidelines used:", "Clinical reasons:", "Guidelines applied:", "sha256"):
        assert part in denied
    modified = render(seed_determinations["seed-004"], "draft", "text")
    assert "Treatment approved: 6 of 12 requested" in modified


def test_precheck_distinguishes_contradicted_from_not_documented(seed_determinations):
    text = render(seed_determinations["seed-002"], "precheck", "text")
    assert "[LIKELY NON-CERTIFIED]" in text and "[records say otherwise]" in text
    text = render(seed_determinations["seed-003"], "precheck", "text")
    assert "[not documented] Attach the official MRI" in text
    assert "0 of 5 item(s) ready; 5 need work." in text


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "checker", *map(str, args)], capture_output=True, text=True, cwd=ROOT)


def test_precheck_exit_codes():
    assert _cli("precheck", SEEDS[1]).returncode == 0
    assert _cli("precheck", SEEDS[3]).returncode == 1


def test_template_override_changes_the_output(tmp_path):
    (tmp_path / "base.html.j2").write_text((ROOT / "reports" / "base.html.j2").read_text().replace(
        '<div class="org">mtus-checker</div>', '<div class="org">ACME Utilization Review, Inc.</div>'))
    out = _cli("draft", SEEDS[0], "--format", "html", "--templates", tmp_path)
    assert out.returncode == 0 and "ACME Utilization Review, Inc." in out.stdout


def test_broken_template_gives_a_one_line_error_and_writes_nothing(tmp_path):
    (tmp_path / "review.text.j2").write_text("line one\n{% for x in %}\n")
    target = tmp_path / "out.txt"
    out = _cli("review", SEEDS[0], "--templates", tmp_path, "--out", target)
    assert out.returncode == 2 and not target.exists()
    err = out.stderr.strip()
    assert "\n" not in err and "review.text.j2:2" in err and "Traceback" not in err


def test_user_templates_are_sandboxed(tmp_path):
    (tmp_path / "review.text.j2").write_text("{{ d.__class__.__mro__[1].__subclasses__() }}\n")
    out = _cli("review", SEEDS[0], "--templates", tmp_path)
    assert out.returncode == 2 and "unsafe" in out.stderr.lower()


def test_pdf_needs_out_and_is_written_atomically(tmp_path):
    assert _cli("review", SEEDS[0], "--format", "pdf").returncode == 2
    target = tmp_path / "r.pdf"
    assert _cli("review", SEEDS[0], "--format", "pdf", "--out", target).returncode == 0
    assert target.read_bytes().startswith(b"%PDF") and not list(tmp_path.glob(".*tmp"))


def test_golden_normalisation_hides_only_the_hash():
    assert normalise("sha256 0123456789ab and " + "a" * 64) == "sha256 <sha256> and <sha256>"
