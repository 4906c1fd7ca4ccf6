"""The provider's checklist: "do not submit yet" when only the guideline's own timing holds an item back, and
what to attach for an item likely certified."""
import datetime as dt

import yaml

from conftest import ROOT
from checker.render.views import to_dict
from checker.request.model import parse_request

EXAMPLE = ROOT / "examples" / "requests" / "procedures-hyaluronic-acid-injections.yaml"


def _early():
    """The same case nine weeks after the injury (ODG asks for three months of failed conservative care)."""
    data = yaml.safe_load(EXAMPLE.read_text())
    data["injury"]["date"] = dt.date(2015, 3, 10)
    data["treatment_history"][0].update(start=dt.date(2015, 3, 15), end=dt.date(2015, 4, 20))
    data["treatment_history"][1]["start"] = dt.date(2015, 4, 25)
    data["imaging"][0]["date"] = dt.date(2015, 3, 12)
    return data


def test_timing_alone_gives_the_date_to_submit(durable):
    request = parse_request(_early())
    item = to_dict(durable.precheck(request))["items"][0]
    assert item["determination"] != "certify"
    assert item["ready_from"] == "2015-06-09"  # 13 weeks after the injury, the first probe that certifies
    assert to_dict(durable.review(request))["items"][0]["ready_from"] is None  # IMR decides on the date


def test_missing_documentation_is_not_a_matter_of_waiting(durable):
    data = _early()
    data["documentation"]["severe_osteoarthritis"] = False
    item = to_dict(durable.precheck(parse_request(data)))["items"][0]
    assert item["ready_from"] is None


def test_a_certified_item_lists_what_to_attach(durable):
    request = parse_request(yaml.safe_load(EXAMPLE.read_text()))
    item = to_dict(durable.precheck(request))["items"][0]
    assert item["determination"] == "certify" and item["ready_from"] is None
    assert "No adequate response to conservative treatment after at least 3 months" in item["attach"]
