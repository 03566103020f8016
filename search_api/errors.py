"""Errors of the web layer, and the one JSON shape every error takes on the wire.

::

    ShareNetError (mappings.errors)
    └── ApiError                   a request cannot be answered as asked
        ├── InvalidParameter       a parameter is malformed (422, names the parameter)
        ├── Unauthorized           no token, or one that is unknown or revoked (401)
        ├── Forbidden              a valid token without the right (403)
        ├── NotFound               no such record, source or run (404)
        ├── Conflict               the request clashes with the current state (409)
        ├── Gone                   the record was deleted at its source (410)
        └── NotAvailable           the deployment does not offer this (503)

Whatever is raised — these, any other package's ShareNetError, FastAPI's own
validation error or an unexpected bug — the client gets::

    {"error": {"code": "...", "message": "...", "detail": ...}}

with the error's HTTP status. Unexpected errors say nothing of the internals:
the traceback goes to the log, the client gets a stable code and message.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from http import HTTPStatus
from typing import Any, ClassVar

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from mappings.errors import ShareNetError

log = logging.getLogger(__name__)


class ApiError(ShareNetError):
    code = "bad_request"
    http_status = 400
    headers: ClassVar[Mapping[str, str]] = {}


class InvalidParameter(ApiError):
    code = "invalid_parameter"
    http_status = 422

    def __init__(self, parameter: str, message: str) -> None:
        super().__init__(
            f"{parameter}: {message}", detail=[{"parameter": parameter, "message": message}]
        )
        self.parameter = parameter


class Unauthorized(ApiError):
    code = "unauthorized"
    http_status = 401
    headers: ClassVar[Mapping[str, str]] = {"WWW-Authenticate": "Bearer"}


class Forbidden(ApiError):
    code = "forbidden"
    http_status = 403


class NotFound(ApiError):
    code = "not_found"
    http_status = 404


class Conflict(ApiError):
    code = "conflict"
    http_status = 409


class Gone(ApiError):
    code = "gone"
    http_status = 410


class NotAvailable(ApiError):
    code = "not_available"
    http_status = 503


def error_body(code: str, message: str, detail: object | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "detail": detail}}


def error_response(exc: ShareNetError) -> JSONResponse:
    headers = dict(getattr(exc, "headers", {}))
    return JSONResponse(
        error_body(exc.code, exc.message, _jsonable(exc.detail)),
        status_code=exc.http_status,
        headers=headers,
    )


def internal_error_response() -> JSONResponse:
    return JSONResponse(
        error_body("internal_error", "the server failed to answer; the error has been logged"),
        status_code=500,
    )


def _jsonable(detail: object | None) -> object | None:
    """Details are data for clients; anything not plainly JSON becomes its text."""
    if detail is None or isinstance(detail, str | int | float | bool):
        return detail
    if isinstance(detail, Mapping):
        return {str(k): _jsonable(v) for k, v in detail.items()}
    if isinstance(detail, Sequence):
        return [_jsonable(v) for v in detail]
    return str(detail)


def _parameter(loc: Sequence[object]) -> str:
    """``("query", "size")`` -> ``size``; a body field keeps its path (``body.url``)."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in {"query", "path", "header", "cookie"}:
        parts = parts[1:]
    return ".".join(parts) or "request"


async def _sharenet_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ShareNetError)
    if exc.http_status >= 500:
        log.error("request failed: %s: %s", exc.code, exc.message)
    return error_response(exc)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    problems = [
        {"parameter": _parameter(err.get("loc", ())), "message": str(err.get("msg", ""))}
        for err in exc.errors()
    ]
    message = "; ".join(f"{p['parameter']}: {p['message']}" for p in problems)
    return JSONResponse(
        error_body("invalid_parameter", message or "invalid request", problems), status_code=422
    )


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    """The framework's own refusals (unknown path, wrong method) in the same shape."""
    assert isinstance(exc, HTTPException)
    code = HTTPStatus(exc.status_code).phrase.lower().replace(" ", "_")
    return JSONResponse(
        error_body(code, str(exc.detail)), status_code=exc.status_code, headers=exc.headers
    )


def install_error_handlers(app: FastAPI) -> None:
    """Deliberate and validation errors; unexpected ones are caught by the request middleware."""
    app.add_exception_handler(ShareNetError, _sharenet_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_error)
