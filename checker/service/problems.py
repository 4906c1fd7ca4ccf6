"""Errors as RFC 9457 problem details: a JSON body naming the field at fault, never a stack trace or a value of
the request."""
from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from ..errors import InputError, field_path

MEDIA_TYPE = "application/problem+json"
TITLES = {400: "Bad request", 401: "Not signed in", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
          406: "Not acceptable", 413: "Request too large", 415: "Unsupported media type",
          422: "Invalid request", 429: "Too many requests", 500: "Internal error", 503: "Not ready"}


def problem(status, detail, errors=None, headers=None):
    """A problem-details response."""
    body = {"type": "about:blank", "title": TITLES.get(status, "Error"), "status": status, "detail": detail}
    if errors:
        body["errors"] = errors
    return JSONResponse(body, status_code=status, media_type=MEDIA_TYPE, headers=headers)


def input_error_entry(exc):
    """One InputError as a problem's `errors` entry: field, line, column, message."""
    entry = {"field": exc.field or "(top level)", "message": exc.message}
    if exc.line:
        entry["line"] = exc.line
        if exc.column:
            entry["column"] = exc.column
    return entry


class ServiceError(Exception):
    """An answer other than 2xx that a route decides on (status, detail, optional errors and headers)."""

    def __init__(self, status, detail, errors=None, headers=None):
        super().__init__(detail)
        self.status, self.detail, self.errors, self.headers = status, detail, errors, headers


def install(app):
    """Answer every failure with problem details."""

    @app.exception_handler(InputError)
    async def _input(request: Request, exc: InputError):
        errors = [input_error_entry(e) for e in (getattr(exc, "errors", None) or (exc,))]
        return problem(422, f"{errors[0]['field']}: {errors[0]['message']}", errors)

    @app.exception_handler(ServiceError)
    async def _service(request: Request, exc: ServiceError):
        return problem(exc.status, exc.detail, exc.errors, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        # FastAPI's own parameter checks (query, path, form fields): name the field, never echo its value
        errors = [{"field": field_path(tuple(e["loc"])), "message": e["msg"]} for e in exc.errors()]
        return problem(422, f"{errors[0]['field']}: {errors[0]['message']}" if errors else "invalid request", errors)

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException):
        detail = exc.detail if isinstance(exc.detail, str) else TITLES.get(exc.status_code, "Error")
        return problem(exc.status_code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception):
        # the message may hold request text: the type only, with the request id to find the log line
        return problem(500, f"internal error ({exc.__class__.__name__}); request id "
                            f"{getattr(request.state, 'request_id', '-')}")
