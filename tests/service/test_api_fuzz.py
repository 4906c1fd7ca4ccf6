"""Property-based API test: schemathesis generates requests from the OpenAPI document (bounded in count) against
the app, with and without a valid key; no answer is a 5xx, and every error is problem details."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from checker.pipeline import Checker
from checker.service.app import create_app
from checker.service.settings import Settings
from checker.service.store import Store

_STATE = {}


def _app():
    import tempfile
    folder = tempfile.mkdtemp(prefix="mtus-api-fuzz-")
    store = Store(f"sqlite:///{folder}/audit.db")
    store.migrate()
    _STATE["key"] = store.create_api_key("fuzz")
    return create_app(Settings(rate_per_second=10_000, rate_burst=10_000), store=store, checker=Checker())


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_server_errors(case):
    case.headers = {**(case.headers or {}), "Authorization": f"Bearer {_STATE['key']}"}
    response = case.call()
    assert response.status_code < 500, (case.method, case.path, response.status_code)
    if response.status_code >= 400:
        media = response.headers["content-type"]  # schemathesis gives a header's values as a list
        assert (media[0] if isinstance(media, list) else media).startswith("application/problem+json")
        body = response.json()
        assert body["status"] == response.status_code and body["detail"]
