"""A request body through the service's gate: JSON parsed without the line pass, and an error still placed."""
import json

import pytest
import yaml
from conftest import ROOT

from checker.errors import InputError
from checker.request.model import load_request
from checker.service.core import parse_body

SEED = ROOT / "examples" / "requests" / "seed-003.yaml"


def test_a_json_body_gives_the_same_request_as_the_file():
    body = json.dumps(yaml.safe_load(SEED.read_text()), default=str, indent=1).encode()
    assert parse_body(body) == load_request(SEED)


def test_an_error_in_a_json_body_names_its_line_and_field():
    data = yaml.safe_load(SEED.read_text())
    data["items"][1]["quantity"] = -3
    text = json.dumps(data, default=str, indent=1)
    with pytest.raises(InputError) as caught:
        parse_body(text.encode())
    line = next(i for i, s in enumerate(text.splitlines(), 1) if '"quantity": -3' in s)
    assert caught.value.line == line and caught.value.field == "items[1].quantity"
