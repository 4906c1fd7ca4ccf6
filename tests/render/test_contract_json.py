"""The JSON report is written by orjson; its bytes are those of json.dumps(indent=2, sort_keys=True,
ensure_ascii=False), on the seeds and on the awkward values a request can carry, but for a float's exponent."""
import json

from conftest import SEEDS

from checker.render.views import contract_json, to_dict
from checker.request.model import load_request


def _stdlib(value):
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def test_the_seed_reports_match_the_standard_library(durable):
    for path in SEEDS:
        contract = to_dict(durable.review(load_request(path)))
        assert contract_json(contract) == _stdlib(contract), path.name


def test_awkward_values_match_the_standard_library():
    value = {"b": [], "a": {}, "é": "ü \u2028 \x1f \" \\ \t", "n": None, "f": [0.1, 1.0, 12345.678, 1e16, -0.0],
             "nested": [{"z": 1, "y": [True, False]}], "big": 2 ** 53}
    assert contract_json(value) == _stdlib(value)


def test_a_small_float_differs_only_in_its_exponent():
    assert contract_json({"x": 2.5e-07}) == '{\n  "x": 2.5e-7\n}\n'
    assert json.loads(contract_json({"x": 2.5e-07})) == {"x": 2.5e-07}
