"""The request as DWC Form RFA states it: identifiers validated (NPI, CPT/HCPCS, NDC, ICD-10-CM), receipt date
and time, and every RFA field through the JSON contract."""
import subprocess
import sys

import pytest
from conftest import ROOT

from checker.errors import InputError
from checker.request.model import _npi, load_request, parse_request, request_json_schema

EXAMPLE = ROOT / "examples" / "requests" / "rfa-complete.yaml"


def _request(**extra):
    item = {"id": "a", "category": "physical_therapy", "description": "PT", **extra.pop("item", {})}
    return parse_request({"request_id": "r", "review_date": "2014-06-20", "items": [item], **extra})


def test_npi_check_digit():
    assert _npi("1234567893") == "1234567893" and _npi(1234567893) == "1234567893"
    for bad in ("1234567890", "123456789", "12345678931", "abcdefghij"):
        with pytest.raises(ValueError):
            _npi(bad)


@pytest.mark.parametrize("code", ["97110", "0001F", "0075T", "8701U", "E0730", "J1885", "e0730", 97110])
def test_cpt_and_hcpcs_forms(code):
    assert _request(item={"cpt_hcpcs": code}).items[0].cpt_hcpcs == str(code).upper()


@pytest.mark.parametrize("ndc", ["0093-0058-01", "00093-058-01", "00093-0058-1", "00093-0058-01", "00093005801"])
def test_ndc_forms(ndc):
    assert _request(item={"ndc": ndc}).items[0].ndc == ndc


@pytest.mark.parametrize("field, value", [
    ("cpt_hcpcs", "9711"), ("cpt_hcpcs", "97110X"), ("cpt_hcpcs", "EE073"),
    ("ndc", "0093005801"), ("ndc", "0093-58-01"), ("ndc", 93005801),
    ("icd10", ["U07.1"]), ("icd10", ["M545."]), ("icd10", "M54.5"),
])
def test_bad_item_identifiers_name_the_field(field, value):
    with pytest.raises(InputError) as exc:
        _request(item={field: value})
    assert exc.value.field.startswith(f"items[0].{field}")


def test_receipt_date_and_time():
    assert str(_request(rfa={"received": "2014-06-13 17:45"}).rfa.received) == "2014-06-13 17:45:00"
    assert str(_request(rfa={"received": "2014-06-13"}).rfa.received) == "2014-06-13"
    for bad in ("2014-06-13 25:00", "1850-01-01", "2014-06-13T17:45:00+00:00", "2014-06-21"):
        with pytest.raises(InputError) as exc:
            _request(rfa={"received": bad})
        assert exc.value.field == "rfa.received"


def test_birth_date_in_range_and_before_the_injury():
    with pytest.raises(InputError) as exc:
        _request(patient={"date_of_birth": "2015-01-01"})
    assert exc.value.field == "patient.date_of_birth"


def test_unknown_rfa_field_gets_the_closest_name():
    with pytest.raises(InputError) as exc:
        _request(rfa={"claim_numbr": "x"})
    assert exc.value.field == "rfa.claim_numbr" and "claim_number" in exc.value.message


def test_bad_npi_exits_2_on_one_line_without_the_value(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace('"1234567893"', '"1234567890"')
    bad = tmp_path / "bad.yaml"
    bad.write_text(text, encoding="utf-8")
    out = subprocess.run([sys.executable, "-m", "checker", "draft", bad], capture_output=True, text=True, cwd=ROOT)
    err = out.stderr.strip()
    assert out.returncode == 2 and "\n" not in err and "Traceback" not in err
    assert "requesting_physician.npi" in err and "bad.yaml:" in err and "1234567890" not in err


def test_every_rfa_field_round_trips_through_the_json_contract(durable):
    from checker.render.views import to_dict
    request = load_request(EXAMPLE)
    data = to_dict(durable.review(request))
    rfa = data["rfa"]
    assert rfa["received"] == "2014-06-13 17:45" and rfa["expedited"] is False
    assert (rfa["claim_number"], rfa["employer"], rfa["claims_administrator"]) == (
        request.rfa.claim_number, request.rfa.employer, request.rfa.claims_administrator)
    assert rfa["documents"] == request.rfa.documents
    assert rfa["patient"] == {"name": request.patient.name, "date_of_birth": "1968-04-09"}
    assert rfa["requesting_physician"] == request.requesting_physician.model_dump()
    for item, out in zip(request.items, data["items"]):
        assert (out["cpt_hcpcs"], out["ndc"], out["icd10"], out["duration"]) == (
            item.cpt_hcpcs, item.ndc, list(item.icd10), item.duration)
    # and back: the contract's RFA block is again a valid request's
    again = parse_request({"request_id": "again", "review_date": data["review_date"],
                           "rfa": {k: rfa[k] for k in ("received", "claim_number", "employer",
                                                       "claims_administrator", "expedited", "documents")},
                           "patient": rfa["patient"], "requesting_physician": rfa["requesting_physician"],
                           "items": [{"id": "a", "category": "physical_therapy", "description": "PT",
                                      **{k: data["items"][0][k] for k in ("cpt_hcpcs", "icd10", "duration")}}]})
    assert again.rfa == request.rfa and again.requesting_physician == request.requesting_physician


def test_schema_describes_the_rfa_fields():
    schema = request_json_schema()
    assert {"rfa", "requesting_physician"} <= set(schema["properties"])
    assert {"received", "claim_number", "employer", "claims_administrator", "expedited", "documents"} == set(
        schema["$defs"]["RFA"]["properties"])
    assert {"cpt_hcpcs", "ndc", "icd10", "duration"} <= set(schema["$defs"]["RequestedItem"]["properties"])
    assert {"name", "date_of_birth"} <= set(schema["$defs"]["Patient"]["properties"])
