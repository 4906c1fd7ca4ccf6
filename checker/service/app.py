"""The FastAPI application: the reports over a JSON API, the rule catalog as data, the audit record, health checks
and the web page. `create_app()` loads and compiles the rule library once (each uvicorn worker calls it)."""
import json
import logging
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.middleware.sessions import SessionMiddleware

from .. import __version__
from ..library.cache import cached_library
from ..pipeline import Checker
from ..request.model import request_json_schema
from ..request.profile import load_profile
from . import core, problems, web
from .auth import RateLimiter, api_caller
from .problems import ServiceError
from .settings import Settings

log = logging.getLogger("mtus_checker.service")
OPENAPI_FILE = Path(__file__).with_name("openapi.json")


@dataclass
class ServiceState:
    settings: Settings
    checker: Checker
    store: object  # store.Store, or None when the service runs without an audit record (tests only)
    limiter: RateLimiter
    profile: object = None  # request.profile.Profile of the UR organisation, or None

    @property
    def store_contents(self):
        return bool(self.settings.contents_key)


def _criterion_data(library, crit):
    edition = next((t.edition for t in library.topics if t.id == crit.topic), None)
    return {"id": crit.id, "topic": crit.topic, "title": crit.title, "effect": crit.effect, "edition": edition,
            "citation": crit.citation.as_dict(), "effective_from": crit.effective_from.isoformat(),
            "effective_to": crit.effective_to.isoformat() if crit.effective_to else None,
            "confirmed_by": {"source": crit.confirmed_by.source, "note": crit.confirmed_by.note},
            "remedy": crit.remedy}


def rules_data(library):
    """The catalog as data: the library's version and hash, its editions, and every topic with its criteria."""
    return {
        "version": library.version, "sha256": library.sha256,
        "editions": [{"id": p.id, "label": p.label, "from": p.start.isoformat(),
                      "to": p.end.isoformat() if p.end else None} for p in library.periods],
        "topics": [{"id": t.id, "title": t.title, "edition": t.edition, "tier": t.tier,
                    "citation": t.citation.as_dict(), "categories": sorted({c for c, _ in t.selectors}),
                    "criteria": [c.id for c in t.criteria]} for t in library.topics],
    }


async def _body(request, limit):
    """The request body, refused (413) past the limit without reading it all."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit:
        raise ServiceError(413, f"the body is larger than {limit} bytes (the request limit)")
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise ServiceError(413, f"the body is larger than {limit} bytes (the request limit)")
        chunks.append(chunk)
    return b"".join(chunks)


def _check_media_type(request):
    media = request.headers.get("content-type", "application/json").split(";")[0].strip().lower()
    if media not in ("application/json", "application/yaml", "application/x-yaml", "text/yaml"):
        raise ServiceError(415, "send the request as application/json (or application/yaml)")
    return "request.json" if media == "application/json" else "request.yaml"


def _report_route(view):
    async def report(request: Request, caller: str = Depends(api_caller)):
        state = request.app.state.service
        fmt = core.format_for(request.headers.get("accept"))
        if fmt is None:
            raise ServiceError(406, "Accept one of application/json, text/html, application/pdf, text/plain, "
                                    "text/markdown")
        name = _check_media_type(request)
        body = await _body(request, state.settings.max_body_bytes)
        parsed = core.parse_body(body, name)  # an InputError becomes a 422 naming the field
        outcome = core.determine(state, parsed, view, caller, body)
        data, media = core.rendered(outcome, view, fmt, state.profile)
        headers = {"X-Determination-Id": outcome.record_id} if outcome.record_id else {}
        if outcome.record_id:
            headers["Location"] = f"/v1/determinations/{outcome.record_id}"
        return Response(data, media_type=media, headers=headers)

    report.__name__ = view
    report.__doc__ = {"precheck": "The provider's pre-submission checklist of a request.",
                      "draft": "A draft UR determination (certify, modify, non-certify) of a request.",
                      "review": "An IMR-style determination of a request."}[view]
    return report


def _openapi(app):
    """The generated OpenAPI document, with the request's JSON Schema as the reports' request body."""
    from fastapi.openapi.utils import get_openapi
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title="mtus-checker", version=__version__, routes=app.routes,
                      description="Checks California workers' compensation treatment requests against MTUS/ODG "
                                  "criteria.")
    # the request's own schema, its references moved to where OpenAPI keeps schemas (the dump is also the copy)
    schema = json.loads(json.dumps(request_json_schema()).replace("#/$defs/", "#/components/schemas/"))
    components = doc.setdefault("components", {}).setdefault("schemas", {})
    components.update(schema.pop("$defs", {}))
    components["Request"] = schema
    components["Problem"] = {"type": "object", "required": ["type", "title", "status", "detail"], "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "errors": {"type": "array", "items": {"type": "object"}}}}
    doc["components"]["securitySchemes"] = {"apiKey": {"type": "http", "scheme": "bearer"}}
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, ops in doc["paths"].items():
        for op in ops.values():
            if path.startswith("/v1/"):
                op["security"] = [{"apiKey": []}]
                for status in ("401", "429"):
                    op["responses"].setdefault(status, {"description": problems.TITLES[int(status)],
                                                        "content": problem})
            if path.startswith("/v1/") and path.split("/")[2] in core.VIEWS:
                op["requestBody"] = {"required": True, "content": {
                    "application/json": {"schema": {"$ref": "#/components/schemas/Request"}}}}
                op["responses"]["200"] = {"description": "The report", "content": {
                    "application/json": {"schema": {"type": "object"}}, "text/html": {}, "application/pdf": {},
                    "text/plain": {}, "text/markdown": {}}}
                for status in ("413", "415", "422"):
                    op["responses"][status] = {"description": problems.TITLES[int(status)], "content": problem}
    app.openapi_schema = doc
    return doc


class RequestLog:
    """One structured log line a request: its id, method, route, status, time and caller; never a body or query.
    A plain ASGI middleware (Starlette's BaseHTTPMiddleware costs every request a task and a stream copy)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        given = next((v for k, v in scope["headers"] if k == b"x-request-id"), b"").decode("latin-1")
        request_id = given if given.isalnum() and len(given) <= 64 else uuid.uuid4().hex
        state = scope.setdefault("state", {})  # what handlers see as request.state
        state["request_id"] = request_id
        status, start = 500, time.perf_counter()

        async def send_with_id(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message = {**message, "headers": [*message.get("headers", ()),
                                                  (b"x-request-id", request_id.encode("ascii"))]}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            route = scope.get("route")
            log.info(json.dumps({"request_id": request_id, "method": scope["method"],
                                 "route": getattr(route, "path", "(no route)"), "status": status,
                                 "ms": round((time.perf_counter() - start) * 1000, 2),
                                 "caller": state.get("caller")}, sort_keys=True))


def create_app(settings=None, store=None, checker=None):
    """The application. Without `store`, the one settings.database_url names (migrated at start)."""
    settings = settings or Settings.from_env()
    if store is None:
        from .store import Store
        key = settings.contents_key.encode() if settings.contents_key else None
        store = Store(settings.database_url, contents_key=key)
        store.migrate()
    if checker is None:
        checker = Checker(cached_library(settings.rules_dir))
        checker.evaluator.register()  # every ruleset at start: no request pays for its category's first use
    app = FastAPI(title="mtus-checker", version=__version__, docs_url="/docs", redoc_url=None)
    profile = load_profile(settings.profile) if settings.profile else None  # a bad file stops the start, exit 2
    app.state.service = ServiceState(settings, checker, store, RateLimiter(settings.rate_per_second,
                                                                          settings.rate_burst), profile)
    problems.install(app)

    app.add_middleware(RequestLog)

    secret = settings.session_secret or uuid.uuid4().hex + uuid.uuid4().hex  # one worker: a secret of its own
    app.add_middleware(SessionMiddleware, secret_key=secret, session_cookie="mtus_session", same_site="strict",
                       https_only=False, max_age=8 * 3600)

    @app.get("/healthz", tags=["health"])
    def healthz():
        """The process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    def readyz(request: Request):
        """The rule library is compiled and the audit store answers."""
        state = request.app.state.service
        try:
            if state.store is not None:
                state.store.caller_for_key("readiness-probe")
        except Exception as exc:  # the database is down: not ready, with the type only
            raise ServiceError(503, f"the audit store does not answer ({exc.__class__.__name__})") from None
        return {"status": "ready", "rule_library": {"version": state.checker.library.version,
                                                    "sha256": state.checker.library.sha256}}

    for view in core.VIEWS:
        app.post(f"/v1/{view}", tags=["reports"], name=view)(_report_route(view))

    @app.get("/v1/schema", tags=["reference"])
    def schema(caller: str = Depends(api_caller)):
        """The JSON Schema of a request."""
        return JSONResponse(request_json_schema())

    @app.get("/v1/rules", tags=["reference"])
    def rules(request: Request, caller: str = Depends(api_caller)):
        """The rule library's catalog as data."""
        return rules_data(request.app.state.service.checker.library)

    @app.get("/v1/rules/{criterion_id}", tags=["reference"])
    def rule(criterion_id: str, request: Request, caller: str = Depends(api_caller)):
        """One criterion (by its id, e.g. CPMTG-OPIOIDS-...)."""
        library = request.app.state.service.checker.library
        found = [c for t in library.topics for c in t.criteria if c.id == criterion_id]
        if not found:
            raise ServiceError(404, "no criterion has this id")
        return {"id": criterion_id, "editions": [_criterion_data(library, c) for c in found]}

    @app.get("/v1/determinations/{record_id}", tags=["audit"])
    def determination(record_id: str, request: Request, caller: str = Depends(api_caller)):
        """One recorded determination, to the caller that asked for it only."""
        store = request.app.state.service.store
        record = store.get(record_id, caller) if store is not None and len(record_id) <= 64 else None
        if record is None:
            raise ServiceError(404, "no determination of yours has this id")
        return record

    app.include_router(web.router)
    app.openapi = lambda: _openapi(app)
    return app


def app_from_env():
    """The factory uvicorn's workers call (`checker.service.app:app_from_env`)."""
    logging.getLogger("mtus_checker.service").setLevel(logging.INFO)
    return create_app(Settings.from_env())
