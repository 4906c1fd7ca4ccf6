"""A batch reviewed on a Dask cluster (a LocalCluster of two one-thread worker processes) writes the very bytes of a
local run; an unreachable or malformed scheduler address is one InputError naming it, quickly."""
import json
import logging
import random
import time

import pytest
from click.testing import CliRunner

distributed = pytest.importorskip("distributed")

from checker.batch import distributed as dist  # noqa: E402
from checker.batch import run as batch  # noqa: E402
from checker.batch.distributed import dask_mapper  # noqa: E402
from checker.cli import main  # noqa: E402
from checker.errors import InputError  # noqa: E402
from checker.request import gate  # noqa: E402
from checker.request.model import parse_request  # noqa: E402
from checker.request.synthetic import random_request_data  # noqa: E402

N = 30


@pytest.fixture(scope="module")
def cluster():
    for name in ("distributed", "tornado"):
        logging.getLogger(name).setLevel(logging.WARNING)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=logging.WARNING) as cluster:
        yield cluster


@pytest.fixture(scope="module")
def requests_file(tmp_path_factory):
    """N random requests as JSON Lines, each checked to load back as a request."""
    rng = random.Random(5)
    lines = []
    for n in range(N):
        data = random_request_data(rng)
        line = json.dumps(data, sort_keys=True)
        parse_request(json.loads(line), f"line {n + 1}")
        lines.append(line)
    path = tmp_path_factory.mktemp("batch") / "requests.jsonl"
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_out(requests_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("local") / "out.jsonl"
    batch.run(requests_file, out, jobs=1)
    return out


def test_cluster_run_is_byte_identical_to_a_local_run(cluster, requests_file, tmp_path, monkeypatch):
    # a bad line and one over the request limit (an InputError carried to a worker), among small chunks: more
    # chunks (12) than the cluster holds in flight (2 workers x 1 thread x AHEAD = 8)
    source = tmp_path / "mixed.jsonl"
    lines = requests_file.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[7:7] = ["{not json\n", '{"pad": "' + "x" * gate.REQUEST.max_bytes + '"}\n']
    source.write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(batch, "CHUNK", 3)
    here, there = tmp_path / "local.jsonl", tmp_path / "cluster.jsonl"
    local = batch.run(source, here, jobs=1)
    remote = batch.run(source, there, mapper=dask_mapper(cluster.scheduler_address))
    assert remote == local == {"cases": N + 2, "items": local["items"], "skipped": 0, "errors": 2}
    data = there.read_bytes()
    assert data and data == here.read_bytes()
    out = [json.loads(line) for line in data.decode().splitlines()]
    assert len(out) == N + 2 and [o["case"] for o in out] == [f"mixed.jsonl:{n}" for n in range(1, N + 3)]
    assert ["error" in o for o in out].count(True) == 2 and "error" in out[7] and "error" in out[8]
    assert "request limit" in out[8]["error"]

    # each worker process loaded the library once, and keeps it for the next run
    with distributed.Client(cluster, set_as_default=False) as client:
        loaded = client.run(lambda: len(__import__("checker.batch.distributed", fromlist=["x"])._CHECKERS))
    assert sorted(loaded.values()) in ([1, 1], [0, 1])


def test_an_interrupted_cluster_run_resumes(cluster, requests_file, local_out, tmp_path):
    out = tmp_path / "out.jsonl"
    whole = local_out.read_bytes()
    out.write_bytes(whole[: whole.index(b"\n", len(whole) // 2) + 20])  # half the cases, then a cut-off line
    counts = batch.run(requests_file, out, mapper=dask_mapper(cluster))  # a cluster object works too
    assert counts["skipped"] == whole[: len(whole) // 2].count(b"\n") + 1
    assert out.read_bytes() == whole


def test_review_batch_on_a_scheduler_from_the_command_line(cluster, requests_file, local_out, tmp_path):
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["review", "--batch", str(requests_file), "--out", str(out),
                                       "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert f"{N} case(s)" in result.output
    assert out.read_bytes() == local_out.read_bytes()


def test_a_worker_with_another_rule_library_stops_the_run(cluster, requests_file, tmp_path, monkeypatch):
    import checker.library.load
    monkeypatch.setattr(checker.library.load, "library_hash", lambda root: "0" * 64)  # here only, not the workers
    with pytest.raises(InputError) as raised:
        batch.run(requests_file, tmp_path / "out.jsonl", mapper=dask_mapper(cluster.scheduler_address))
    line = raised.value.one_line()
    assert line.startswith(f"{cluster.scheduler_address}: a worker runs checker ") and "000000000000 as here" in line
    assert (tmp_path / "out.jsonl").read_bytes() == b""


def test_an_unreachable_scheduler_is_one_input_error_naming_it(requests_file, tmp_path):
    start = time.perf_counter()
    with pytest.raises(InputError) as raised:
        batch.run(requests_file, tmp_path / "out.jsonl", mapper=dask_mapper("tcp://127.0.0.1:1", timeout=2))
    assert time.perf_counter() - start < 8
    assert raised.value.one_line().startswith("tcp://127.0.0.1:1: cannot reach the Dask scheduler within 2 s")


@pytest.mark.parametrize("address", ["nonsense", "tcp://host-without-port", "ftp://127.0.0.1:21"])
def test_a_malformed_address_is_one_input_error(requests_file, tmp_path, address):
    with pytest.raises(InputError) as raised:
        batch.run(requests_file, tmp_path / "out.jsonl", mapper=dask_mapper(address))
    assert raised.value.one_line() == f"{address}: not a Dask scheduler address (tcp://HOST:8786)"


def test_the_command_line_says_the_scheduler_cannot_be_reached(requests_file, tmp_path, monkeypatch):
    monkeypatch.setattr(dist, "TIMEOUT", 1)
    result = CliRunner().invoke(main, ["review", "--batch", str(requests_file), "--out", str(tmp_path / "o.jsonl"),
                                       "--scheduler", "tcp://127.0.0.1:1"])
    assert result.exit_code == 2
    assert result.output.strip().splitlines() == [
        "error: tcp://127.0.0.1:1: cannot reach the Dask scheduler within 1 s (OSError): is `dask scheduler` "
        "running there?"]
    assert "Traceback" not in result.output
