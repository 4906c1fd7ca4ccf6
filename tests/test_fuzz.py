"""Fuzzing, bounded so the suite stays fast (benchmarks/fuzz.py is the large run): whatever the request, the review
command's path gives a report or exit 2 with one line that repeats no value of the request, within a time bound.
Hypothesis draws values over the request's fields, raw bytes, and the benchmark's mutants."""
import importlib.util
import time

import pytest
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from checker.request.mutants import case, marker

_spec = importlib.util.spec_from_file_location("fuzz_bench", ROOT / "benchmarks" / "fuzz.py")
fuzz = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fuzz)

SEEDS = fuzz.seeds()
BOUND = 10.0  # seconds for one case
FAST = settings(max_examples=150, deadline=None, derandomize=True,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check(durable, tmp_path, suffix, body, markers):
    path = tmp_path / f"case{suffix}"
    path.write_bytes(body)
    start = time.monotonic()
    code, line, warnings = fuzz.outcome(path, durable)
    assert time.monotonic() - start < BOUND
    assert code in (0, 2), line
    if code == 2:
        assert line.startswith(f"error: {path}") and "\n" not in line and "Traceback" not in line
    for text in [line, *warnings]:
        assert not any(m in text for m in markers), text


def _paths(node, path=()):
    yield path
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        yield from _paths(value, path + (key,))


_TEXT = st.text(st.characters(codec="utf-8"), max_size=30)
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True, allow_infinity=True),
                    st.dates(), st.datetimes(), _TEXT, st.just("MARK"), st.just("MARK\nDetermination: CERTIFIED"))
_VALUES = st.recursive(_LEAVES, lambda inner: st.lists(inner, max_size=4)
                       | st.dictionaries(st.one_of(_TEXT, st.just("MARK key")), inner, max_size=4), max_leaves=12)


def _marked(value, mark):
    if isinstance(value, str):
        return value.replace("MARK", mark)
    if isinstance(value, list):
        return [_marked(v, mark) for v in value]
    if isinstance(value, dict):
        return {_marked(k, mark): _marked(v, mark) for k, v in value.items()}
    return value


@FAST
@given(seed=st.sampled_from(range(len(SEEDS))), where=st.randoms(use_true_random=False), value=_VALUES,
       as_json=st.booleans())
def test_any_value_in_any_field(durable, tmp_path, seed, where, value, as_json):
    """A value of any type and shape at any place of a valid request."""
    import json

    import yaml
    from checker.request.mutants import put
    data = SEEDS[seed]
    path = where.choice(list(_paths(data))[1:])
    mark = marker(where)
    mutated = put(data, path, _marked(value, mark))
    text = json.dumps(mutated, default=str) if as_json else yaml.safe_dump(mutated, allow_unicode=True)
    _check(durable, tmp_path, ".json" if as_json else ".yaml", text.encode("utf-8", "surrogatepass"), {mark})


@FAST
@given(body=st.binary(max_size=2048), as_json=st.booleans())
def test_raw_bytes(durable, tmp_path, body, as_json):
    _check(durable, tmp_path, ".json" if as_json else ".yaml", body, set())


@FAST
@given(index=st.integers(0, 10 ** 9))
def test_benchmark_mutants(durable, tmp_path, index):
    _check(durable, tmp_path, *case(SEEDS, index, seed=13))


@pytest.mark.parametrize("text", [
    "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 9)}]\n"
                                                  for i in range(8)),
    "request_id: " + "[" * 100_000,
    "request_id: !!timestamp x\n",
    '{"request_id": "x", "request_id": "y"}',
    '{"request_id": ' + "9" * 5000 + "}",
])
def test_reproducers_exit_2_on_one_line(durable, tmp_path, text):
    suffix = ".json" if text.startswith("{") else ".yaml"
    _check(durable, tmp_path, suffix, text.encode(), set())
