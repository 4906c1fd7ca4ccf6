"""Regression floor: every seed letter's items decided as the IMR reviewer did, citing the same guideline."""
import pytest
from conftest import SEEDS

from checker.regress.citations import matches_letter
from checker.request.model import load_request

CASES = [(path, item.id) for path in SEEDS for item in load_request(path).items]


def test_all_ten_seed_items_are_encoded():
    assert len(SEEDS) == 5
    assert len(CASES) == 10


@pytest.mark.parametrize("path,item_id", CASES, ids=[f"{p.stem}:{i}" for p, i in CASES])
def test_seed_item_outcome_and_citation(durable, path, item_id):
    request = load_request(path)
    det = durable.review(request)
    item = next(i for i in det.items if i.item.id == item_id)
    real = item.item.real_outcome
    assert item.imr_outcome == real.imr
    assert item.citations, "a decided item cites its guideline"
    assert matches_letter(item.citations[0], real.guideline), (item.citations[0], real.guideline)


def test_seed_004_physical_therapy_is_decided_with_odg_for_the_quantity(durable):
    det = durable.review(load_request(SEEDS[4]))
    pt = det.items[1]
    assert pt.determination == "modify"
    assert pt.supported_quantity == 6
    assert pt.tier == "mtus+non_mtus"
    assert "gives no quantity" in pt.tier_reason
    assert "ODG-PT-SIX-VISIT-TRIAL" in pt.decisive


def test_seed_002_fails_on_functional_improvement_before_the_cap(durable):
    det = durable.review(load_request(SEEDS[2]))
    pt = det.items[0]
    assert pt.determination == "non_certify"
    assert pt.decisive == ("CPMTG-PM-FUNCTIONAL-IMPROVEMENT",)
    assert "9- to 10-session" in pt.rationale


def test_citation_matching_rejects_another_topic(library):
    esi = library.topic("cpmtg-epidural-steroid-injections").citation
    line_002 = "Decision based on MTUS Chronic Pain Treatment Guidelines . MTUS 9792.20f.2. MTUS page 99.3. MTUS page 8 Page(s): 99, 8."
    assert not matches_letter(esi, line_002)
    pm = library.topic("cpmtg-physical-medicine").citation
    assert matches_letter(pm, line_002)
    dhcs = library.topic("dhcs-medical-transportation").citation
    assert not matches_letter(dhcs, line_002)
