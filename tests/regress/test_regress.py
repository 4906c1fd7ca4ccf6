"""Regression against real decisions: the seed cases, reporters, thresholds, baseline, parallel = serial."""
import json
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

from conftest import ROOT, SEEDS

from checker.regress import run as regress

CLI = [sys.executable, "-m", "checker", "regress"]


def _seed_dir(tmp_path):
    cases = tmp_path / "requests"
    cases.mkdir()
    for path in SEEDS:
        shutil.copy(path, cases / path.name)
    shutil.copytree(ROOT / "examples" / "letters", tmp_path / "letters")
    return cases


def test_seed_cases_agree_ten_of_ten_and_write_junit(tmp_path):
    junit = tmp_path / "regress.xml"
    out = subprocess.run(CLI + [str(ROOT / "examples" / "requests"), "--format", "junit", "--out", str(junit)],
                         capture_output=True, text=True, cwd=ROOT)
    suite = ET.parse(junit).getroot()
    cases = suite.findall("testcase")
    seeds = [c for c in cases if c.get("classname", "").startswith("seed-")]
    assert len(seeds) == 10
    assert not [c for c in seeds if c.find("failure") is not None or c.find("skipped") is not None]
    assert out.returncode == 0, out.stderr
    assert not suite.findall("testcase/error"), [e.get("message") for e in suite.iter("error")]


def test_summary_scores_on_the_seeds(tmp_path):
    results, errors = regress.run([_seed_dir(tmp_path)])
    assert not errors
    overall = regress.summarize(results)["overall"]
    assert (overall["items"], overall["addressed"], overall["agree"]) == (10, 10, 10)
    assert overall["balanced_accuracy"] == 1.0
    assert overall["citation_matches"] == overall["citations_compared"] == 10
    assert overall["reasons_compared"] >= 8 and overall["reasons_found"] == overall["reasons_compared"]


def test_parallel_run_matches_serial(tmp_path):
    cases = _seed_dir(tmp_path)
    assert regress.run([cases], jobs=2) == regress.run([cases], jobs=1)


def test_disagreement_threshold_and_baseline(tmp_path):
    cases = _seed_dir(tmp_path)
    baseline = tmp_path / "baseline.json"
    first = subprocess.run(CLI + [str(cases), "--write-baseline", str(baseline), "--min-agreement", "0.9"],
                           capture_output=True, text=True, cwd=ROOT)
    assert first.returncode == 0, first.stdout + first.stderr
    assert json.loads(baseline.read_text())["seed-001.yaml#item-1"] == "overturned"
    # the same case, now documented without the failed conservative care: the engine's outcome changes
    path = cases / "seed-001.yaml"
    path.write_text(path.read_text().replace("conservative_care_failed: true", "conservative_care_failed: false"))
    second = subprocess.run(CLI + [str(cases), "--baseline", str(baseline), "--min-agreement", "0.95"],
                            capture_output=True, text=True, cwd=ROOT)
    assert second.returncode == 1
    assert "seed-001.yaml#item-1: overturned -> upheld" in second.stdout
    assert "below threshold: min_agreement 0.900 < 0.95" in second.stderr
    (cases / "regress.yaml").write_text("min_agreement: 0.85\n")
    third = subprocess.run(CLI + [str(cases)], capture_output=True, text=True, cwd=ROOT)
    assert third.returncode == 0


def test_items_not_addressed_are_counted_separately(tmp_path):
    cases = _seed_dir(tmp_path)
    path = cases / "seed-003.yaml"
    # an `other` item whose description names no category (one that names one is judged as that category)
    path.write_text(path.read_text().replace("category: transportation", "category: other").replace(
        "description: Transportation to and from the doctor's offices and procedures", "description: Interpreter"))
    results, _ = regress.run([cases])
    overall = regress.summarize(results)["overall"]
    assert overall["not_addressed"] == 1 and overall["addressed"] == 9 and overall["agree"] == 9


def test_reason_wording_maps_to_criteria():
    patterns = regress.reason_patterns("no documentation of any functional improvement; no red flag findings")
    assert "*FUNCTIONAL-IMPROVEMENT*" in patterns and "*IMAGING-INDICATION*" in patterns
    assert regress.reason_patterns("the weather was fine") == ()


def test_md_and_json_formats(tmp_path):
    cases = _seed_dir(tmp_path)
    md = subprocess.run(CLI + [str(cases), "--format", "md"], capture_output=True, text=True, cwd=ROOT).stdout
    assert md.startswith("| scope |") and "| overall | 10 | 10 (100.0%) | 10 | 100.0% |" in md
    doc = json.loads(subprocess.run(CLI + [str(cases), "--format", "json"], capture_output=True, text=True,
                                    cwd=ROOT).stdout)
    assert doc["summary"]["overall"]["agree"] == 10 and len(doc["items"]) == 10


def test_unreadable_case_is_reported_and_the_run_goes_on(tmp_path):
    cases = _seed_dir(tmp_path)
    (cases / "broken.yaml").write_text("request_id: x\nreview_date: 2014-01-01\nitems: [\n")
    out = subprocess.run(CLI + [str(cases)], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 2
    assert "broken.yaml:4:1: malformed YAML" in out.stderr and "| overall" not in out.stdout
    assert "overall" in out.stdout and "10     10 (100.0%)  10" in out.stdout
