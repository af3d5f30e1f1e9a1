"""Errors of the HTTP service as ``{code, message, field}`` JSON with the library's codes.

Every :class:`~orbitwatch.errors.OrbitwatchError` becomes a response whose status follows
its family (RFC 9110 status semantics):

* :class:`~orbitwatch.errors.InputError` and its ``TIME_*`` child: 400, except
  ``NOT_FOUND``/``INPUT_UNKNOWN_NORAD``/``INPUT_UNKNOWN_RUN`` (404) and
  ``INPUT_TOO_LARGE`` (413);
* request validation by FastAPI (a missing or mistyped parameter or body field): 422
  ``INPUT_INVALID`` naming the field;
* :class:`~orbitwatch.errors.ParseError` (uploaded TLE/OMM/OEM text) and
  :class:`~orbitwatch.errors.PropagationError`: 422;
* :class:`ServiceError` (this module): ``AUTH_MISSING``/``AUTH_INVALID`` 401,
  ``AUTH_SCOPE`` 403, ``RATE_LIMITED`` 429 (with ``Retry-After``);
* :class:`~orbitwatch.errors.StoreError`: ``STORE_LOCKED`` 503 (with ``Retry-After``),
  others 500; :class:`~orbitwatch.errors.SourceError`: 502.

Anything else is a bug: 500 ``INTERNAL`` with no detail.
"""

from __future__ import annotations

import json
import logging
import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from orbitwatch.errors import InputError, OrbitwatchError, ParseError, PropagationError, SourceError, StoreError

__all__ = ["ServiceError", "install_handlers", "not_found", "status_for", "strict_json"]

log = logging.getLogger("orbitwatch.server")

_NOT_FOUND_CODES = frozenset({"NOT_FOUND", "INPUT_UNKNOWN_NORAD", "INPUT_UNKNOWN_RUN"})


class ServiceError(OrbitwatchError):
    """An HTTP-level refusal: authentication, scope, rate (codes ``AUTH_*``, ``RATE_LIMITED``)."""

    default_code = "AUTH_INVALID"

    def __init__(self, message: str, *, code: str, status: int, headers: dict[str, str] | None = None,
                 field: str | None = None) -> None:
        super().__init__(message, code=code, field=field)
        self.status = status
        self.headers = headers or {}


def not_found(what: str, ident: Any, field: str = "id") -> InputError:
    return InputError(f"no {what} {ident!r}", code="NOT_FOUND", field=field)


def status_for(exc: OrbitwatchError) -> int:
    """The HTTP status of a library error (see the module docstring)."""
    if isinstance(exc, ServiceError):
        return exc.status
    if isinstance(exc, InputError):
        if exc.code in _NOT_FOUND_CODES:
            return 404
        return 413 if exc.code == "INPUT_TOO_LARGE" else 400
    if isinstance(exc, ParseError | PropagationError):
        return 422
    if isinstance(exc, StoreError):
        return 503 if exc.code == "STORE_LOCKED" else 500
    if isinstance(exc, SourceError):
        return 502
    return 500


def _clean(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def strict_json(value: Any) -> bytes:
    """Strict JSON bytes (NaN and infinities as null, never the bare tokens)."""
    return json.dumps(_clean(value), allow_nan=False, separators=(",", ":"), default=str).encode("utf-8")


class StrictJSONResponse(JSONResponse):
    """The service's JSON: strict (no NaN), compact."""

    def render(self, content: Any) -> bytes:
        return strict_json(content)


def problem(status: int, code: str, message: str, field: str | None = None,
            headers: dict[str, str] | None = None) -> StrictJSONResponse:
    return StrictJSONResponse({"code": code, "message": message, "field": field}, status_code=status,
                              headers=headers)


def install_handlers(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""

    @app.exception_handler(OrbitwatchError)
    async def _library(_: Request, exc: Exception) -> StrictJSONResponse:
        assert isinstance(exc, OrbitwatchError)
        status = status_for(exc)
        headers = dict(exc.headers) if isinstance(exc, ServiceError) else {}
        if exc.code == "STORE_LOCKED":
            headers["Retry-After"] = "1"
        if status >= 500:
            log.warning("%s", exc)
        return problem(status, exc.code, exc.message, exc.field, headers or None)

    @app.exception_handler(RequestValidationError)
    async def _validation(_: Request, exc: Exception) -> StrictJSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = exc.errors()
        first = errors[0] if errors else {}
        loc = [str(x) for x in first.get("loc", ()) if x not in ("body", "query", "path", "header")]
        message = str(first.get("msg", "invalid request"))
        return problem(422, "INPUT_INVALID", message, ".".join(loc) or None)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_: Request, exc: Exception) -> StrictJSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        code = {404: "NOT_FOUND", 405: "METHOD_NOT_ALLOWED"}.get(exc.status_code, f"HTTP_{exc.status_code}")
        return problem(exc.status_code, code, str(exc.detail), None, dict(exc.headers or {}) or None)

    @app.exception_handler(Exception)
    async def _internal(_: Request, exc: Exception) -> StrictJSONResponse:
        log.exception("internal error")
        return problem(500, "INTERNAL", "internal error (see the server log)")
