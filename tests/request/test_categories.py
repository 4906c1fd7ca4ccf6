"""An item of category `other` whose description names a category is judged as that category, with a note; an item
that names none stays `other` (not addressed), and medication is never read from a description."""
import pytest

from checker.request.categories import category_named, read_other_categories
from checker.request.model import parse_request
from checker.request.vocabulary import load_vocabulary


def _request(*items):
    return parse_request({"request_id": "r", "review_date": "2016-09-01", "injury": {"date": "2014-01-01"},
                          "items": [{"id": f"item-{n}", **item} for n, item in enumerate(items, 1)]})


@pytest.mark.parametrize("text, category", [
    ("Prolotherapy injections x3 to the low back", "prolotherapy"),
    ("Lumbar epidural steroid injection L4-5", "epidural_steroid_injection"),  # not the shorter 'steroid injection'
    ("Sacroiliac joint injection", "sacroiliac_joint_injection"),
    ("Custom orthotics", "brace_orthosis"),  # plurals
    ("Platelet rich plasma injection", "prp_injection"),
    ("Interpreter services", None),
    ("Norco 10/325 #90", None),  # a drug is not read from a description
])
def test_category_named(text, category):
    assert category_named(text, load_vocabulary()) == category


def test_other_items_take_the_named_category_with_a_note():
    request = _request({"category": "other", "description": "Prolotherapy, lumbar"},
                       {"category": "other", "description": "Interpreter services"},
                       {"category": "physical_therapy", "description": "Prolotherapy (mislabelled)"})
    read, notes = read_other_categories(request, load_vocabulary())
    assert [i.category for i in read.items] == ["prolotherapy", "other", "physical_therapy"]
    assert notes == ("item-1: category 'other' judged as 'prolotherapy', which its description names",)
    assert read_other_categories(read, load_vocabulary())[1] == ()


def test_a_determination_judges_the_named_category(reference):
    det = reference.review(_request({"category": "other", "description": "Prolotherapy, lumbar"}))
    assert det.items[0].item.category == "prolotherapy"
    assert det.items[0].topics == ("cpmtg-prolotherapy",)
    assert any("judged as 'prolotherapy'" in w for w in det.warnings)
