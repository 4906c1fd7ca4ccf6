"""No hollow edition: every category (medications by drug class) that the 2009 MTUS addresses is decided under
all three editions, with the same request. The request is the met example of a 2009 topic that addresses the
category, moved to 2014, 2017 and 2024 (its own dates keep their distance from the review date)."""
import datetime as dt

import pytest

from checker.library.catalog import _probes, coverage, coverage_holes
from checker.library.examples import example_data, shift_dates
from checker.library.load import load_library
from checker.request.model import parse_request
from checker.request.vocabulary import load_vocabulary

LIBRARY = load_library()
DATES = {"mtus-2009": dt.date(2014, 6, 2), "mtus-2016": dt.date(2017, 3, 1), "mtus-acoem": dt.date(2024, 3, 1)}


def _cases():
    rows = dict(coverage(LIBRARY))
    probes = {label: facts for label, _, facts in _probes(load_vocabulary())}
    out = []
    for label, cells in rows.items():
        if not cells["mtus-2009"]:
            continue
        topic_id = cells["mtus-2009"][0][1]
        topic = next(t for t in LIBRARY.topics if t.id == topic_id and t.in_force(DATES["mtus-2009"]))
        crit = next((c for c in topic.criteria for e in c.examples if e.expect == "met"), None)
        if crit is None:
            continue
        example = next(e for e in crit.examples if e.expect == "met")
        data = example_data(topic, example, crit)
        if probes[label].get("drug_class") and data["items"][0].get("category") != "medication":
            continue
        out.append(pytest.param(label, data, id=label))
    return out


def test_no_category_is_hollow_in_a_later_edition():
    assert coverage_holes(LIBRARY) == []


@pytest.mark.parametrize("label,data", _cases())
def test_every_category_is_decided_under_all_three_editions(durable, label, data):
    base = data["review_date"] if isinstance(data["review_date"], dt.date) else dt.date.fromisoformat(data["review_date"])
    for period, day in DATES.items():
        moved = shift_dates(dict(data, review_date=base), day - base)
        det = durable.review(parse_request(moved, label))
        item = det.items[0]
        assert det.edition == period
        assert item.determination != "physician_review", f"{label} is not addressed under {period}"
