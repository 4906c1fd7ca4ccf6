"""One determination through the service: the request body through the input gate, the pipeline, the report in
the asked format, and the audit record. Shared by the API and the web page."""
import hashlib
import json
from dataclasses import dataclass

from ..errors import InputError
from ..render.views import contract_json, render, to_dict
from ..request import gate
from ..request.model import parse_request
from ..request.positions import parse_json, parse_text

VIEWS = ("precheck", "draft", "review")
MEDIA_TYPES = {"json": "application/json", "html": "text/html; charset=utf-8", "pdf": "application/pdf",
               "text": "text/plain; charset=utf-8", "md": "text/markdown; charset=utf-8"}
_BY_MEDIA = {"application/json": "json", "text/html": "html", "application/pdf": "pdf", "text/plain": "text",
             "text/markdown": "md", "*/*": "json", "application/*": "json"}


def format_for(accept):
    """The report format an Accept header asks for (JSON when it names none), or None when it asks only for
    formats the service has not."""
    if not accept:
        return "json"
    ranked = []
    for index, part in enumerate(accept.split(",")):
        media, *params = [p.strip() for p in part.split(";")]
        q = 1.0
        for p in params:
            if p.startswith("q="):
                try:
                    q = float(p[2:])
                except ValueError:
                    q = 0.0
        if media.lower() in _BY_MEDIA and q > 0:
            ranked.append((-q, index, _BY_MEDIA[media.lower()]))
    return min(ranked)[2] if ranked else None


def parse_body(body, name="request.json"):
    """A validated Request from a JSON (or YAML) body, through the same gate as a request file."""
    if len(body) > gate.REQUEST.max_bytes:
        raise InputError(name, f"larger than {gate.REQUEST.max_bytes} bytes (the request limit)")
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(name, f"not UTF-8 text (byte {exc.start})") from None
    if text.lstrip().startswith("{"):
        # JSON, the API's usual body: parsed without the YAML pass that records field lines (most of the cost of a
        # request); only a body with an error is parsed again for the line and column to name.
        try:
            data, positions = parse_json(text, name, gate.REQUEST)
            return parse_request(data, name, positions)
        except InputError:
            pass
    data, positions = parse_text(text, name, gate.REQUEST)
    return parse_request(data, name, positions)


@dataclass(frozen=True)
class Outcome:
    record_id: str | None
    determination: object
    contract: dict  # the JSON contract (render.views.to_dict)
    contract_text: str  # the same as the JSON report (render.views.contract_json), written once


def _trace(contract):
    """The per-criterion trace of a determination, as stored in the audit record."""
    return [{"item": it["id"], "determination": it["determination"],
             "criteria": [{"id": c["id"], "result": c["result"], "facts": c["facts"]} for c in it["criteria"]]}
            for it in contract["items"]]


def _outputs(contract, report):
    """What the audit record keeps of the output without the contents key: the SHA-256 of the JSON report and each
    item's determination and quantities; no text of the request (the report's case summary, names and identifiers
    are health information). The output is deterministic, so the stored input and the library hash reproduce it."""
    items = [{"id": it["id"], "determination": it["determination"], "approved_quantity": it["approved_quantity"],
              "supported_quantity": it["supported_quantity"]} for it in contract["items"]]
    return {"json_sha256": hashlib.sha256(report.encode("utf-8")).hexdigest(),
            "items": json.dumps(items, sort_keys=True)}


def determine(state, request, view, caller, body=b""):
    """Review a validated request and record it: the Outcome (its audit id, the determination, the contract)."""
    det = state.checker.precheck(request) if view == "precheck" else state.checker.review(request)
    contract = to_dict(det)
    text = contract_json(contract)
    record_id = None
    if state.store is not None:
        record_id = state.store.record(
            caller=caller, view=view, input_bytes=body, edition=det.edition,
            library_version=det.library.version, library_hash=det.library.sha256, trace=_trace(contract),
            outputs=_outputs(contract, text),
            request_contents=body if state.store_contents else None)
    return Outcome(record_id, det, contract, text)


def rendered(outcome, view, fmt, profile=None):
    """(bytes, media type) of an outcome in one format; a draft letter is filled in from the UR profile."""
    if fmt == "json":
        data = outcome.contract_text
    else:
        data = render(outcome.determination, view, fmt, profile=profile if view == "draft" else None)
    return (data if isinstance(data, bytes) else data.encode("utf-8")), MEDIA_TYPES[fmt]
