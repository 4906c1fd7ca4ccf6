"""The input gate: regular files only, read with a cap; YAML and JSON held to limits of size, nesting and aliases;
every refusal an InputError naming the file and the limit, never a value."""
import os
import socket

import pytest

from checker.errors import InputError
from checker.request import gate
from checker.request.model import load_request
from checker.request.positions import parse_text

VALID = "request_id: x\nreview_date: 2014-01-01\nitems:\n  - {id: a, category: transportation, description: t}\n"


def _refused(path, *words):
    with pytest.raises(InputError) as info:
        load_request(path)
    line = info.value.one_line()
    assert "\n" not in line and all(w in line for w in words), line
    return line


def test_devices_pipes_folders_and_sockets_are_refused(tmp_path):
    _refused("/dev/zero", "not a regular file")
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    _refused(fifo, "not a regular file")  # without waiting for a writer
    _refused(tmp_path, "is a directory")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(tmp_path / "s.yaml"))
    _refused(tmp_path / "s.yaml", "cannot read file")


def test_size_limit_is_named(tmp_path):
    path = tmp_path / "big.yaml"
    path.write_text(VALID + "# " + "x" * gate.REQUEST.max_bytes)
    _refused(path, "larger than", "request limit")


def test_not_utf8_names_the_line(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(VALID.encode() + "diagnoses: [{text: caf\xe9}]\n".encode("latin-1"))
    assert ":5:" in _refused(path, "not UTF-8")


@pytest.mark.parametrize("text, words", [
    ("a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"b{i}: &b{i} [{', '.join(['*a' if i == 0 else f'*b{i - 1}'] * 9)}]\n" for i in range(8)), "aliases counted"),
    ("a: " + "[" * 40 + "]" * 40, "nested deeper than 32"),
    ("a: [" + ", ".join(["x"] * 1100) + "]", "more than 500 entries"),
    ("a: " + "x" * 30_000, "longer than 20,000"),
    ("x: &x 1\na: [" + ", ".join(["*x"] * 60) + "]", "more than 50 aliases"),
    ("a: 1" + "0" * 120, "more than 100 digits"),
    ("a: .inf", "infinite"),
    ("a: !!timestamp x", "not a valid value of its type (timestamp)"),
])
def test_yaml_limits(text, words):
    with pytest.raises(InputError) as info:
        parse_text(text, "r.yaml", gate.REQUEST)
    assert words in info.value.one_line()


@pytest.mark.parametrize("text, words", [
    ('{"a": 1, "a": 2}', "duplicate key"),
    ('{"a": ' + "9" * 5000 + "}", "more than 100 digits"),
    ('{"a": NaN}', "infinite"),
    ('{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested deeper"),
    ('{"a": 1e999}', "infinite"),
])
def test_json_limits_and_duplicate_keys(text, words):
    with pytest.raises(InputError) as info:
        parse_text(text, "r.json", gate.REQUEST)
    assert words in info.value.one_line()


def test_errors_never_repeat_a_value(tmp_path):
    path = tmp_path / "r.yaml"
    secret = "Jane Roe HIV positive"
    for text in (VALID.replace("transportation", f"'{secret}'"), VALID.replace("review_date: 2014-01-01",
                 f"review_date: '{secret}'"), VALID + f"'{secret}': 1\n", VALID + f"documentation: {{'{secret}': true}}\n",
                 VALID.replace("category: transportation", f"category: [{secret}]"),
                 VALID.replace("description: t", f"description: !!timestamp {secret}")):
        path.write_text(text)
        assert "Jane" not in _refused(path)


def test_line_breaks_and_escapes_are_refused_in_one_line_fields(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(VALID.replace("description: t", 'description: "t\\nDetermination: CERTIFIED"'))
    _refused(path, "items[0].description", "one line")
    path.write_text(VALID.replace("description: t", 'description: "t\\e[31m"'))
    _refused(path, "items[0].description")
    path.write_text(VALID + 'imaging: [{modality: mri, region: lumbar, findings: "two\\nlines"}]\n')
    assert load_request(path).imaging[0].findings == "two\nlines"  # free text may run over lines


def test_dates_out_of_range_are_refused(tmp_path):
    path = tmp_path / "r.yaml"
    path.write_text(VALID.replace("2014-01-01", "0001-01-01") + "treatment_history: [{modality: physical_therapy, "
                    "sessions: 2, start: 0001-01-01}]\n")
    _refused(path, "review_date", "between 1900-01-01 and 2100-12-31")


@pytest.mark.parametrize("value", ["1.0e-5", "5.0e-324", "0.0004"])
def test_numbers_too_close_to_zero_are_refused(tmp_path, value):
    # durable-rules' C parser crashed the process on 1e-05 (JSON writes it with an exponent)
    path = tmp_path / "r.yaml"
    path.write_text(VALID.replace("category: transportation",
                                  f"category: physical_therapy, frequency: {{per_week: {value}, weeks: 2}}"))
    _refused(path, "items[0].frequency.per_week", "closer to zero than 0.001")


def test_the_engine_refuses_an_exponent_instead_of_crashing(durable):
    from checker.engine.durable import EngineError, _check_numbers
    with pytest.raises(EngineError, match="exponent"):
        _check_numbers({"frequency_per_week": 1e-05, "id": "a"})
    _check_numbers({"frequency_per_week": 0.001, "nested": [{"x": 2.5}], "id": "a"})


def test_the_quick_walk_of_parsed_data_agrees_with_the_walk_that_names_the_field():
    """check_tree passes data on a walk without field paths; it must refuse exactly what the full walk refuses."""
    import datetime as dt
    import random
    tight = gate.Limits("test", 1 << 20, max_string=8, max_items=4, max_nodes=40, max_depth=4)
    leaves = ["", "short", "x" * 9, 0, 7, 10 ** 25, -(10 ** 25), 0.5, 0.0001, float("inf"), float("nan"), True,
              None, dt.date(2014, 1, 1)]
    rng = random.Random(7)

    def tree(depth):
        roll = rng.random()
        if depth > 5 or roll < 0.45:
            return rng.choice(leaves)
        if roll < 0.75:
            return {rng.choice(["a", "b", "c", "k" * 9, "d", "e"]): tree(depth + 1) for _ in range(rng.randint(0, 5))}
        return [tree(depth + 1) for _ in range(rng.randint(0, 5))]

    refused = passed = 0
    for _ in range(3000):
        data = tree(0)
        try:
            gate._check_tree_at(data, "t.json", tight)
            full = True
        except InputError:
            full = False
        assert gate._within(data, tight) == full, data
        refused, passed = refused + (not full), passed + full
    assert refused > 300 and passed > 300  # both sides were exercised
