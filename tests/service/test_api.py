"""The HTTP API against a real audit store on SQLite: keys, the three reports in each format, the JSON contract
the CLI gives, problem details naming the field, the audit record to its caller only, and logs without contents."""
import hashlib
import json
import logging
import subprocess
import sys

import pytest
import yaml
from fastapi.testclient import TestClient

from conftest import ROOT, SEEDS
from checker.render.views import render_json
from checker.request.model import load_request
from checker.service.app import create_app
from checker.service.settings import Settings
from checker.service.store import Store


@pytest.fixture(scope="module")
def service(tmp_path_factory, durable):
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('db') / 'audit.db'}")
    store.migrate()
    app = create_app(Settings(rate_per_second=1000, rate_burst=1000), store=store, checker=durable)
    client = TestClient(app, raise_server_exceptions=False)
    return client, store.create_api_key("office-a"), store.create_api_key("office-b")


def _json_body(path):
    return json.dumps(yaml.safe_load(path.read_text()), default=str)


def _auth(key):
    return {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}


def test_health_needs_no_key(service):
    client, _, _ = service
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz").json()
    assert ready["status"] == "ready" and len(ready["rule_library"]["sha256"]) == 64


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer mtus_not-a-key"}, {"X-API-Key": "nope"}])
def test_no_anonymous_calls(service, headers):
    client, _, _ = service
    answer = client.post("/v1/precheck", content=_json_body(SEEDS[0]), headers=headers)
    assert answer.status_code == 401 and answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["status"] == 401


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.stem)
@pytest.mark.parametrize("view", ["precheck", "draft", "review"])
def test_json_is_the_cli_contract(service, durable, seed, view):
    client, key, _ = service
    answer = client.post(f"/v1/{view}", content=_json_body(seed), headers=_auth(key))
    assert answer.status_code == 200, answer.text
    assert answer.text == render_json(durable.review(load_request(seed)))
    assert answer.headers["location"] == f"/v1/determinations/{answer.headers['x-determination-id']}"


@pytest.mark.parametrize("accept, media, start", [("text/html", "text/html", "<!DOCTYPE html>"),
                                                   ("application/pdf", "application/pdf", "%PDF"),
                                                   ("text/plain", "text/plain", ""),
                                                   ("text/markdown;q=0.9, text/html;q=0.1", "text/markdown", "")])
def test_formats_by_accept(service, accept, media, start):
    client, key, _ = service
    answer = client.post("/v1/review", content=_json_body(SEEDS[3]), headers={**_auth(key), "Accept": accept})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith(media)
    assert answer.content.lstrip().upper().startswith(start.upper().encode())


def test_unknown_accept_is_406(service):
    client, key, _ = service
    answer = client.post("/v1/review", content=_json_body(SEEDS[0]), headers={**_auth(key), "Accept": "image/png"})
    assert answer.status_code == 406


def test_bad_field_is_a_problem_naming_it_without_its_value(service):
    client, key, _ = service
    data = yaml.safe_load(SEEDS[3].read_text())
    data["items"][0]["category"] = "physical_therpy-SECRET"
    answer = client.post("/v1/precheck", content=json.dumps(data, default=str), headers=_auth(key))
    assert answer.status_code == 422 and answer.headers["content-type"] == "application/problem+json"
    problem = answer.json()
    assert problem["errors"][0]["field"] == "items[0].category" and "SECRET" not in answer.text
    assert problem["title"] == "Invalid request" and "Traceback" not in answer.text


@pytest.mark.parametrize("body, status", [(b"{", 422), (b'{"a": 1, "a": 2}', 422), (b"[1, 2]", 422),
                                          (b"\xff\xfe", 422), (b'{"x": "' + b"a" * (1 << 20) + b'"}', 413)])
def test_malformed_bodies(service, body, status):
    client, key, _ = service
    answer = client.post("/v1/review", content=body, headers=_auth(key))
    assert answer.status_code == status and answer.json()["status"] == status


def test_wrong_media_type_is_415(service):
    client, key, _ = service
    answer = client.post("/v1/review", content=b"x", headers={**_auth(key), "Content-Type": "text/csv"})
    assert answer.status_code == 415


def test_determination_goes_to_its_caller_only(service):
    client, key_a, key_b = service
    made = client.post("/v1/review", content=_json_body(SEEDS[1]), headers=_auth(key_a))
    record_id = made.headers["x-determination-id"]
    mine = client.get(f"/v1/determinations/{record_id}", headers=_auth(key_a))
    assert mine.status_code == 200
    record = mine.json()
    assert record["caller"] == "office-a" and record["view"] == "review" and not record["has_contents"]
    assert record["library_hash"] == made.json()["rule_library"]["sha256"]
    assert record["trace"][0]["criteria"] and json.loads(record["outputs"]["items"])[0]["determination"]
    # no request text in the record without the contents key; the output's hash identifies the report
    assert record["outputs"]["json_sha256"] == hashlib.sha256(made.content).hexdigest()
    assert yaml.safe_load(SEEDS[1].read_text())["items"][0]["description"] not in json.dumps(record)
    assert client.get(f"/v1/determinations/{record_id}", headers=_auth(key_b)).status_code == 404
    assert client.get("/v1/determinations/" + "0" * 32, headers=_auth(key_a)).status_code == 404


def test_rules_and_schema(service, library):
    client, key, _ = service
    rules = client.get("/v1/rules", headers=_auth(key)).json()
    assert rules["sha256"] == library.sha256 and len(rules["topics"]) == len(library.topics)
    some = library.topics[0].criteria[0].id
    one = client.get(f"/v1/rules/{some}", headers=_auth(key)).json()
    assert one["id"] == some and one["editions"][0]["citation"]["guideline"]
    assert client.get("/v1/rules/NO-SUCH-RULE", headers=_auth(key)).status_code == 404
    assert client.get("/v1/schema", headers=_auth(key)).json()["title"] == "Request"


def test_rate_limit(tmp_path, durable):
    store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
    store.migrate()
    client = TestClient(create_app(Settings(rate_per_second=0.001, rate_burst=2), store=store, checker=durable))
    key = store.create_api_key("busy")
    codes = [client.get("/v1/rules/X", headers=_auth(key)).status_code for _ in range(4)]
    assert codes[:2] == [404, 404] and codes[2:] == [429, 429]


def test_logs_hold_no_clinical_text(service, caplog):
    client, key, _ = service
    with caplog.at_level(logging.DEBUG):
        for seed in SEEDS:
            data = yaml.safe_load(seed.read_text())
            client.post("/v1/review", content=json.dumps(data, default=str), headers=_auth(key))
            data["items"][0]["category"] = "unknown_category"
            client.post("/v1/review", content=json.dumps(data, default=str), headers=_auth(key))
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert '"route": "/v1/review"' in logged
    for seed in SEEDS:
        data = yaml.safe_load(seed.read_text())
        texts = [d if isinstance(d, str) else d.get("text", d.get("description", "")) for d in data.get("diagnoses", [])]
        texts += [it["description"] for it in data["items"]]
        for text in filter(None, texts):
            assert str(text) not in logged


def test_checked_in_openapi_is_current():
    current = subprocess.run([sys.executable, "-m", "checker", "serve", "openapi"], capture_output=True, text=True,
                             cwd=ROOT)
    assert current.returncode == 0, current.stderr
    committed = (ROOT / "checker" / "service" / "openapi.json").read_text()
    assert current.stdout == committed, "run `mtus-check serve openapi --out checker/service/openapi.json`"


def test_the_operators_profile_fills_in_the_draft(tmp_path, durable):
    store = Store(f"sqlite:///{tmp_path / 'audit.db'}")
    store.migrate()
    profile = ROOT / "examples" / "profiles" / "ur-org.yaml"
    client = TestClient(create_app(Settings(profile=str(profile)), store=store, checker=durable))
    key = store.create_api_key("ur-org")
    body = _json_body(ROOT / "examples" / "requests" / "rfa-complete.yaml")
    letter = client.post("/v1/draft", content=body, headers={**_auth(key), "Accept": "text/plain"}).text
    cli = subprocess.run([sys.executable, "-m", "checker", "draft", "examples/requests/rfa-complete.yaml",
                          "--profile", str(profile)], capture_output=True, text=True, cwd=ROOT).stdout
    assert letter.startswith("Example Utilization Review, Inc.") and letter == cli
