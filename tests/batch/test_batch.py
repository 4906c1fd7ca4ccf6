"""review --batch: a folder or a JSON Lines file in, one JSON line per case out, in order, resumable."""
import json
import random
import shutil

import pytest
from click.testing import CliRunner
from conftest import ROOT, SEEDS

from checker.batch import run as batch
from checker.cli import main
from checker.render.views import to_dict
from checker.request.synthetic import random_request_data


@pytest.fixture
def jsonl(tmp_path):
    rng = random.Random(4)
    path = tmp_path / "cases.jsonl"
    lines = [json.dumps(random_request_data(rng, 3)) for _ in range(12)]
    lines[5] = '{"request_id": "broken", "review_date": "2016-13-40"}'
    path.write_text("\n".join(lines) + "\n")
    return path


def _lines(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_folder_gives_each_request_its_review_in_order(tmp_path, durable):
    folder = tmp_path / "requests"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    out = tmp_path / "out.jsonl"
    counts = batch.run(folder, out, jobs=1)
    lines = _lines(out)
    assert [line["case"] for line in lines] == sorted(p.name for p in SEEDS)
    from checker.request.model import load_request
    for seed, line in zip(SEEDS, lines):
        assert line["determination"] == json.loads(json.dumps(to_dict(durable.review(load_request(seed)))))
    assert counts == {"cases": len(SEEDS), "items": sum(len(l["determination"]["items"]) for l in lines),
                      "skipped": 0, "errors": 0}


def test_a_bad_line_is_reported_with_its_line_and_the_rest_reviewed(jsonl, tmp_path):
    out = tmp_path / "out.jsonl"
    counts = batch.run(jsonl, out, jobs=1)
    lines = _lines(out)
    assert len(lines) == 12 and counts["errors"] == 1
    assert lines[5]["case"] == "cases.jsonl:6" and lines[5]["error"].startswith("cases.jsonl:6:")
    assert "review_date" in lines[5]["error"] and "2016-13-40" not in lines[5]["error"]
    assert all("determination" in line for n, line in enumerate(lines) if n != 5)


def test_worker_processes_give_the_same_bytes(jsonl, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 2)
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    batch.run(jsonl, one, jobs=1)
    batch.run(jsonl, two, jobs=2)
    assert one.read_bytes() == two.read_bytes()


def test_an_interrupted_run_resumes_to_the_same_bytes(jsonl, tmp_path, monkeypatch):
    monkeypatch.setattr(batch, "CHUNK", 3)
    whole, cut = tmp_path / "whole.jsonl", tmp_path / "cut.jsonl"
    batch.run(jsonl, whole, jobs=1)
    data = whole.read_bytes()
    kept = data.split(b"\n")[:4]
    cut.write_bytes(b"\n".join(kept) + b"\n" + data.split(b"\n")[4][:40])  # a line cut off mid-write
    counts = batch.run(jsonl, cut, jobs=1)
    assert counts["skipped"] == 4 and counts["cases"] == 8
    assert cut.read_bytes() == data


def test_the_command_writes_json_lines_and_exits_2_for_a_bad_case(jsonl, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["review", "--batch", str(jsonl), "--out", str(out), "--jobs", "1"])
    assert result.exit_code == 2, result.output
    assert "12 case(s)" in result.output and "1 could not be reviewed" in result.output
    assert len(out.read_text().splitlines()) == 12


@pytest.mark.parametrize("args, message", [
    ([], "needs --out"),
    (["--format", "md", "--out", "x.jsonl"], "do not apply to --batch"),
])
def test_the_command_refuses_what_a_batch_cannot_do(jsonl, tmp_path, args, message):
    result = CliRunner().invoke(main, ["review", "--batch", str(jsonl)] + args)
    assert result.exit_code == 2 and message in result.output


def test_review_needs_a_request_or_a_batch():
    result = CliRunner().invoke(main, ["review"])
    assert result.exit_code == 2 and "REQUEST_FILE" in result.output


def test_a_file_that_is_not_jsonl_is_refused(tmp_path):
    with pytest.raises(Exception, match="jsonl"):
        list(batch.cases(ROOT / "README.md"))


def test_an_unreadable_case_is_reported_from_worker_processes_too(tmp_path):
    # the case's InputError crosses to the worker and back (it must pickle)
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(random_request_data(random.Random(1), 1)) + "\n" + "x" * 2_000_000 + "\n")
    out = tmp_path / "out.jsonl"
    counts = batch.run(path, out, jobs=2)
    lines = _lines(out)
    assert counts["errors"] == 1 and "determination" in lines[0] and "request limit" in lines[1]["error"]
