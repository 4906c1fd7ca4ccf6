"""The provider's pre-submission check as web pages: sign in, pick each item's category and answer what the
guidelines for it look at (checker/service/form.py), or paste a request file; the result says per item whether it is
ready or at risk and what to document, with a PDF to download. Pages carry no request values in their URLs, and
nothing here logs request contents."""
import datetime as dt
import json

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, FileSystemLoader, StrictUndefined
from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.formparsers import MultiPartException

from ..errors import InputError, validation_errors
from ..paths import reports_dir
from ..request import gate
from ..request.model import Request as RequestModel, parse_request
from . import core, form
from .auth import page_user
from .problems import ServiceError

router = APIRouter(include_in_schema=False)
_WEB = reports_dir() / "web"
_env = Environment(loader=FileSystemLoader(str(_WEB)), autoescape=True, undefined=StrictUndefined,
                   trim_blocks=True, lstrip_blocks=True)
_STATIC = {name: (_WEB / "static" / name).read_bytes() for name in ("site.css", "site.js")}
_HEADERS = {"Cache-Control": "no-store", "X-Frame-Options": "DENY", "Referrer-Policy": "no-referrer",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; "
                                       "base-uri 'none'; object-src 'none'"}
_FORM_NAME = "form"  # the request's file name in errors: a form has no lines
_LIKELY_READY = "likely certified"


def _page(template, status=200, **context):
    return HTMLResponse(_env.get_template(template).render(**context), status_code=status, headers=_HEADERS)


def _signin_redirect():
    return RedirectResponse("/signin", status_code=303)


async def _posted(request):
    """The posted form (size-capped before it is read), its text fields as a mapping, and the form itself."""
    declared = request.headers.get("content-length", "")
    limit = 4 * request.app.state.service.settings.max_body_bytes  # form encoding can triple a request's size
    if not declared.isdigit():
        raise ServiceError(411, "send the form with a Content-Length")
    if int(declared) > limit:
        raise ServiceError(413, f"the form is larger than {limit} bytes")
    try:
        posted = await request.form(max_files=1, max_fields=3000)
    except (MultiPartException, HTTPException):
        raise ServiceError(400, "the form could not be read") from None
    return {key: val for key, val in posted.multi_items() if isinstance(val, str)}, posted


def _day(text):
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


def _form_page(request, user, values, status=200, errors=None, general=(), add_item=False, file_error=None,
               file_text=""):
    """The check form, re-filled with `values`, asking per item what its category's rules read."""
    library = request.app.state.service.checker.library
    vocab = library.vocabulary
    day = _day(form.value(values, "review_date"))
    items = []
    for n in range(form.MAX_ITEMS):
        prefix = f"items[{n}]."
        category = form.value(values, prefix + "category")
        known = form.decided(vocab, category, form.value(values, prefix + "purpose.category"),
                             form.value(values, prefix + "body_region"),
                             form.value(values, prefix + "purpose.body_region"),
                             form.value(values, prefix + "medication.name")) if category in vocab.categories else None
        items.append({"n": n, "asked": form.asked(library, category, known, day)})
    shown = max(form.kept(values, "items", form.MAX_ITEMS)) + 1 + (1 if add_item else 0)
    needed = frozenset().union(*(items[n]["asked"].request for n in range(min(shown, form.MAX_ITEMS))))
    errors, general = dict(errors or {}), list(general)

    def page():
        return _page("check.html.j2", status, user=user, items=items, shown=min(shown, form.MAX_ITEMS),
                     needed=needed, **_field_context(library, values, errors), general=general,
                     file_error=file_error, file_text=file_text)
    answer = page()
    # an error whose input the page does not ask for (a statement no rule of the category reads) goes on top
    unshown = [name for name in errors if f'id="{form.input_id(name)}-error"'.encode() not in answer.body]
    if unshown:
        general += [errors.pop(name) for name in unshown]
        answer = page()
    return answer


def _field_context(library, values, errors):
    """What the field macros need: the questions, the values, the errors by input name."""
    return {"qs": {q.key: q for q in form.questions(library.vocabulary)}, "errors": errors,
            "val": lambda name: form.value(values, name), "fid": form.input_id, "tri": form.TRI,
            "rows_shown": lambda key, count: min(count, len(form.kept(values, key, count)) + 2),
            "doc_field": lambda text: form.Field("", text[:1].upper() + text[1:], "tri")}


def _all_errors(data, first):
    """Every field error of a request mapping: parse_request raises the first one only, naming the others."""
    try:
        RequestModel.model_validate(data)
    except ValidationError as exc:
        found = validation_errors(_FORM_NAME, exc, None, RequestModel)
        return found if any(e.field == first.field for e in found) else [first] + found
    return [first]


def _placed(errors, values, vocab):
    """Errors by the input they name, and the ones that name no input (shown above the form)."""
    by_input, general = {}, []
    for err in errors:
        name = form.input_for(err.field, values, vocab)
        if name is not None and name not in by_input:
            by_input[name] = err.message
        else:
            general.append(f"{err.field}: {err.message}" if err.field else err.message)
    return by_input, general


def _hidden(values):
    """The form's filled-in values, to post again (the PDF, or back to the form to change an answer)."""
    return [(k, v) for k, v in values.items() if v.strip() and k != "action"]


def _result(request, user, parsed, body, hidden, editable):
    """Review and record the request; the result page, per item ready or at risk and what to document."""
    state = request.app.state.service
    outcome = core.determine(state, parsed, "precheck", user, body)
    contract = outcome.contract
    for item in contract["items"]:
        item["ready"] = item["likely_result"] == _LIKELY_READY
    return _page("result.html.j2", user=user, d=contract, record_id=outcome.record_id, hidden=hidden,
                 editable=editable)


def _recorded(data):
    """The bytes the audit record keeps (hashed, or encrypted) for a request the form built."""
    return json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")


async def _file(values, posted):
    """(bytes, file name, pasted) of the request file: the one uploaded, else the text pasted."""
    upload = posted.get("request_file")
    if upload is not None and not isinstance(upload, str) and upload.filename:
        data = await upload.read(gate.REQUEST.max_bytes + 1)
        return data, "request.json" if upload.filename.lower().endswith(".json") else "request.yaml", False
    text = values.get("request_text", "")
    return text.encode("utf-8"), "request.json" if text.lstrip().startswith("{") else "request.yaml", True


@router.get("/")
def home(request: Request):
    """The check page, or sign-in first."""
    return RedirectResponse("/check" if page_user(request) else "/signin", status_code=303)


@router.get("/signin")
def signin_page(request: Request):
    """The sign-in form."""
    return _page("signin.html.j2", user=None, error=None, name="")


@router.post("/signin")
async def signin(request: Request):
    """Sign in with a name and password the store knows; the form again (401) when they do not match."""
    values, _ = await _posted(request)
    name, password = values.get("name", "").strip(), values.get("password", "")
    state = request.app.state.service
    if not state.limiter.allow(f"signin:{name}"):
        raise ServiceError(429, "too many sign-in attempts; retry shortly", headers={"Retry-After": "1"})
    if name and password and state.store is not None and state.store.check_user(name, password):
        request.session.clear()  # a new session for the signed-in user
        request.session["user"] = name
        return RedirectResponse("/check", status_code=303)
    return _page("signin.html.j2", 401, user=None, error="The name or the password is not right.", name=name)


@router.post("/signout")
def signout(request: Request):
    """End the session."""
    request.session.clear()
    return _signin_redirect()


@router.get("/check")
def check_page(request: Request, category: str = "", purpose: str = ""):
    """The form; `?category=` picks the first item's category (and `purpose=` its purpose) without script."""
    user = page_user(request)
    if user is None:
        return _signin_redirect()
    values = {k: v for k, v in (("items[0].category", category), ("items[0].purpose.category", purpose)) if v}
    return _form_page(request, user, values)


@router.get("/check/questions")
def check_questions(request: Request, category: str = "", item: int = 0, purpose: str = "", region: str = "",
                    purpose_region: str = ""):
    """The questions one item's category asks, as an HTML fragment for the form (the page's script fetches it).
    The query holds vocabulary names only, never a value of the records."""
    user = page_user(request)
    if user is None:
        return Response(status_code=401, headers=_HEADERS)
    library = request.app.state.service.checker.library
    vocab = library.vocabulary
    n = item if 0 <= item < form.MAX_ITEMS else 0
    known = form.decided(vocab, category, purpose, region, purpose_region) if category in vocab.categories else None
    values = {f"items[{n}].purpose.category": purpose, f"items[{n}].purpose.body_region": purpose_region}
    return _page("_questions.html.j2", n=n, asked=form.asked(library, category, known),
                 **_field_context(library, values, {}))


@router.post("/check")
async def check(request: Request):
    """The form submitted: the result page, or the form again with each error next to its field (422). The
    'questions' and 'add-item' actions only show the form again, asking for the categories now chosen."""
    user = page_user(request)
    if user is None:
        return _signin_redirect()
    values, _ = await _posted(request)
    action = values.get("action", "check")
    if action in ("questions", "add-item"):
        return _form_page(request, user, values, add_item=action == "add-item")
    data = form.request_from_form(values)
    try:
        parsed = parse_request(data, _FORM_NAME)
    except InputError as exc:
        vocab = request.app.state.service.checker.library.vocabulary
        by_input, general = _placed(_all_errors(data, exc), values, vocab)
        return _form_page(request, user, values, 422, by_input, general)
    return _result(request, user, parsed, _recorded(data), _hidden(values), editable=True)


@router.post("/check/file")
async def check_file(request: Request):
    """A request file, pasted or uploaded (YAML or JSON), checked as `mtus-check precheck` checks it."""
    user = page_user(request)
    if user is None:
        return _signin_redirect()
    values, posted = await _posted(request)
    body, name, pasted = await _file(values, posted)
    try:
        parsed = core.parse_body(body, name)
    except InputError as exc:
        where = "".join(p for p in (f"line {exc.line}: " if exc.line else "", f"{exc.field}: " if exc.field else ""))
        text = values.get("request_text", "") if pasted else ""
        return _form_page(request, user, {}, 422, file_error=where + exc.message, file_text=text)
    return _result(request, user, parsed, body, [("request_text", body.decode("utf-8-sig"))], editable=False)


@router.post("/check/pdf")
async def check_pdf(request: Request):
    """The checklist as a PDF, from the same form values (or request file) the result page was made from."""
    user = page_user(request)
    if user is None:
        return _signin_redirect()
    values, posted = await _posted(request)
    try:
        if "request_text" in values:
            body, name, _ = await _file(values, posted)
            parsed = core.parse_body(body, name)
        else:
            data = form.request_from_form(values)
            parsed, body = parse_request(data, _FORM_NAME), _recorded(data)
    except InputError as exc:
        raise ServiceError(422, "the request is not valid: check it on the form first") from exc
    outcome = core.determine(request.app.state.service, parsed, "precheck", user, body)
    data, media = core.rendered(outcome, "precheck", "pdf")
    return Response(data, media_type=media, headers={**_HEADERS, "Content-Disposition":
                                                     'attachment; filename="precheck.pdf"'})


@router.get("/static/{name}")
def static(name: str):
    """The page's stylesheet and script (read once at start; nothing else is served)."""
    if name not in _STATIC:
        raise ServiceError(404, "no such file")
    media = "text/css; charset=utf-8" if name.endswith(".css") else "text/javascript; charset=utf-8"
    return Response(_STATIC[name], media_type=media, headers={"Cache-Control": "max-age=3600",
                                                              "X-Content-Type-Options": "nosniff"})
