"""Letter parser: the seed letters (layout a), synthetic letters of layouts b and c, PDFs, and bad files."""
import json
import subprocess
import sys

import pytest
from conftest import ROOT, SEEDS

from checker.letters import LetterError, parse_file, parse_text
from checker.request.model import load_request

LETTERS = ROOT / "examples" / "letters"
FIXTURES = ROOT / "tests" / "fixtures" / "letters"

# family and pages of each seed item's MAXIMUS guideline line, read by hand from the letters
EXPECTED_CITATIONS = {
    "seed-000": [[("mtus", "ACOEM", ("127",))]],
    "seed-001": [[("mtus", "ACOEM", ())]],
    "seed-002": [[("mtus", "MTUS Chronic Pain Medical Treatment Guidelines", ("99", "8"))]],
    "seed-003": [[("mtus", "MTUS Chronic Pain Medical Treatment Guidelines", ("46",))],
                 [("non_mtus", "DHCS", ())],
                 [("mtus", "ACOEM", ("304", "309"))],
                 [("mtus", "MTUS Chronic Pain Medical Treatment Guidelines", ("76",))],
                 [("non_mtus", "ODG", ())]],
    "seed-004": [[("mtus", "ACOEM", ("296",)), ("non_mtus", "ODG", ())],
                 [("mtus", "ACOEM", ("65-194",)), ("mtus", "MTUS Chronic Pain Medical Treatment Guidelines", ("98-99",)),
                  ("non_mtus", "ODG", ())]],
}


@pytest.mark.parametrize("request_path", SEEDS, ids=[p.stem for p in SEEDS])
def test_seed_letters_parse_with_every_item_decision_and_citation(request_path):
    request = load_request(request_path)
    letter = parse_file(LETTERS / request.items[0].real_outcome.letter)
    assert letter.layout == "a" and not letter.problems
    assert [i.text for i in letter.items] == [i.description for i in request.items]
    assert [i.decision for i in letter.items] == [i.real_outcome.imr for i in request.items]
    for parsed, item in zip(letter.items, request.items):
        assert " ".join(parsed.guideline_line.split()) == " ".join(item.real_outcome.guideline.split())
    assert [[(c.tier, c.family, c.pages) for c in i.citations] for i in letter.items] == EXPECTED_CITATIONS[request.request_id]
    assert letter.reviewer["licensure"] and letter.reviewer["specialty"]
    assert letter.case_summary and all(i.rationale for i in letter.items)


def test_seed_002_regulation_and_sentence_form_reviewer():
    letter = parse_file(LETTERS / "002_c432c8539b9d844c.txt")
    assert letter.items[0].citations[0].regulations == ("9792.20(f)",)
    assert letter.reviewer == {"licensure": "California", "specialty": "Occupational Medicine"}


def test_layout_b_synthetic():
    letter = parse_file(FIXTURES / "synthetic-2013-layout-b.txt")
    assert letter.layout == "b"
    assert [(i.text, i.decision) for i in letter.items] == [
        ("Physical therapy 3 times a week for 4 weeks for the lumbar spine", "upheld"),
        ("Norco 10/325mg #120", "upheld")]
    pt = letter.items[0]
    assert [(c.family, c.section, c.pages) for c in pt.citations] == [
        ("MTUS Chronic Pain Medical Treatment Guidelines", "Physical Medicine", ("98-99",))]
    assert pt.claims_citations[0].pages == ("98-99",)
    assert pt.rationale.startswith("The guidelines allow 8-10 visits")
    assert letter.reviewer["licensure"] == "California"


def test_layout_b_as_the_2013_letters_write_it():
    letter = parse_file(FIXTURES / "synthetic-2013-layout-b-regarding.txt")
    assert letter.layout == "b" and not letter.problems
    assert [(i.text, i.decision) for i in letter.items] == [
        ("12 sessions of acupuncture for the lumbar spine", "upheld"),  # "notmedically": a lost space
        ("lumbar MRI", "overturned")]
    acupuncture, mri = letter.items
    # "found the guideline(s) used by the Claims Administrator relevant": the reviewer relied on the same ones
    assert [c.family for c in acupuncture.citations] == ["MTUS Acupuncture Medical Treatment Guidelines"]
    assert [(c.family, c.chapters, c.pages) for c in mri.citations] == [("ACOEM", ("12",), ("303-304",))]
    assert letter.reviewer == {"licensure": "California", "specialty": "Physical Medicine and Rehabilitation"}
    assert letter.case_summary.startswith("The patient is a 39 year-old male")
    assert mri.rationale.startswith("The patient has unequivocal objective findings")


def test_layout_c_synthetic():
    letter = parse_file(FIXTURES / "synthetic-later-layout-c.txt")
    assert letter.layout == "c"
    assert [(i.text, i.decision) for i in letter.items] == [
        ("Lumbar epidural steroid injection at L4-L5", "upheld"),
        ("Acupuncture 6 sessions for the lumbar spine", "overturned")]
    assert letter.items[0].citations[0].family == "ACOEM"
    assert letter.items[1].citations[0].regulations == ("9792.24.1",)
    assert letter.items[1].rationale.startswith("The acupuncture guidelines allow")


@pytest.mark.parametrize("name,message", [
    ("garbage.txt", "matches no known IMR letter layout"),
    ("truncated-003.txt", "matches no known IMR letter layout"),
    ("no-decision.txt", "without an Upheld/Overturned decision"),
])
def test_bad_letters_give_clear_errors(name, message):
    with pytest.raises(LetterError, match=message) as info:
        parse_file(FIXTURES / name)
    assert info.value.file.endswith(name)


def test_page_break_debris_and_stray_blank_lines_are_tolerated():
    text = (LETTERS / "003_07a1284434190ced.txt").read_text()
    noisy = text.replace("Two radiographs of the lumbar spine: Upheld",
                         "Page 3 of 5\n\n\n\fCM14-0123456\n\nTwo radiographs of the lumbar spine: Upheld")
    letter = parse_text(noisy, "noisy.txt")
    assert [i.text for i in letter.items][2] == "Two radiographs of the lumbar spine"


def _pdf(lines):
    """A minimal one-page PDF with a text layer (Helvetica), written by hand for the test."""
    escaped = [line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") for line in lines]
    stream = "BT /F1 9 Tf 40 800 Td 11 TL " + " ".join(f"({t}) '" for t in escaped) + " ET"
    objects = ["<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
               "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream"]
    out, offsets = "%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{n} 0 obj\n{body}\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n" + "".join(f"{o:010d} 00000 n \n" for o in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    return out.encode("latin-1")


def test_pdf_text_layer(tmp_path):
    lines = [line for line in (LETTERS / "001_98c00061d8b77610.txt").read_text().splitlines() if line.strip()]
    path = tmp_path / "001.pdf"
    path.write_bytes(_pdf(lines[:70]))
    letter = parse_file(path)
    assert [(i.text, i.decision) for i in letter.items] == [
        ("Outpatient pain management second opinion for low back", "overturned")]


def test_pdf_without_text_layer_is_reported(tmp_path):
    path = tmp_path / "scan.pdf"
    path.write_bytes(_pdf([]))
    with pytest.raises(LetterError, match="no text layer"):
        parse_file(path)


def test_cli_directory_run_reports_bad_files_and_goes_on():
    seeds = [str(p) for p in sorted(LETTERS.glob("*.txt"))]
    out = subprocess.run([sys.executable, "-m", "checker", "letters", "parse", *seeds, str(FIXTURES), "--format", "json"],
                         capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert sum(line.startswith("error: ") for line in out.stderr.splitlines()) == 3  # errors on standard error
    results = json.loads(out.stdout)
    parsed = [r for r in results if "error" not in r]
    assert len(parsed) == 8 and sum(len(r["items"]) for r in parsed) == 16
    assert {r["file"].rsplit("/", 1)[1] for r in results if "error" in r} == {"garbage.txt", "truncated-003.txt", "no-decision.txt"}
    assert set(parsed[0]) >= {"file", "layout", "reviewer", "case_summary", "items"}
