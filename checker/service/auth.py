"""Who may call the service: an API key (`Authorization: Bearer KEY` or `X-API-Key`) for the API, a signed session
cookie for the web page, and a per-caller rate limit. Keys and passwords are kept hashed by the store."""
import threading
import time

from fastapi import Request

from .problems import ServiceError

ANONYMOUS = "anonymous"


class RateLimiter:
    """A token bucket per caller: `rate` requests a second on average, `burst` at once (per worker process)."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self._buckets = {}
        self._lock = threading.Lock()

    def allow(self, caller, now=None):
        now = time.monotonic() if now is None else now
        with self._lock:
            tokens, last = self._buckets.get(caller, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[caller] = (tokens - 1 if allowed else tokens, now)
            return allowed


def _key_of(request):
    header = request.headers.get("authorization", "")
    if header.lower().startswith("bearer "):
        return header[7:].strip()
    return request.headers.get("x-api-key", "").strip() or None


def _limited(request, caller):
    if not request.app.state.service.limiter.allow(caller):
        raise ServiceError(429, "rate limit reached; retry shortly", headers={"Retry-After": "1"})
    request.state.caller = caller
    return caller


async def api_caller(request: Request) -> str:
    """The caller an API request's key names; 401 without a valid key (unless the operator allowed anonymous use).
    A coroutine, so FastAPI calls it in the event loop: a synchronous dependency would cost every request a hop to
    the thread pool, longer than the key lookup itself."""
    state = request.app.state.service
    key = _key_of(request)
    if key:
        caller = state.store.caller_for_key(key) if state.store is not None else None
        if caller is None:
            raise ServiceError(401, "unknown or revoked API key", headers={"WWW-Authenticate": "Bearer"})
        return _limited(request, caller)
    if state.settings.allow_anonymous:
        return _limited(request, ANONYMOUS)
    raise ServiceError(401, "an API key is required (Authorization: Bearer KEY, or X-API-Key)",
                       headers={"WWW-Authenticate": "Bearer"})


def page_user(request: Request) -> str | None:
    """The signed-in user of a web page request, or None (the page then asks to sign in)."""
    user = request.session.get("user") if "session" in request.scope else None
    if user:
        return _limited(request, f"user:{user}")
    if request.app.state.service.settings.allow_anonymous:
        return _limited(request, ANONYMOUS)
    return None
