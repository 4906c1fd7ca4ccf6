"""Every bundled example request is decided (not left to physician review) and renders, under both evaluators."""
import pytest
from conftest import ROOT

from checker.engine.trace import trace_signature
from checker.render.views import render, render_json
from checker.request.model import load_request

EXAMPLES = sorted((ROOT / "examples" / "requests").glob("*.yaml"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_request_is_decided(durable, reference, path):
    request = load_request(path)
    det = durable.review(request)
    undecided = [i.item.id for i in det.items if i.determination == "physician_review"]
    assert not undecided, f"{path.name}: no topic addresses {undecided}"
    assert render_json(det)
    for view in ("review", "draft", "precheck"):
        text = render(det, view, "text")
        assert "{{" not in text and "{%" not in text, f"{path.name}: template source leaked into the {view} report"
    assert trace_signature(durable.trace(request)[1]) == trace_signature(reference.trace(request)[1])
