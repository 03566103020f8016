"""Page logins: a signed session cookie that names a token, never holds it.

The operator types the API token into a form once; the server checks it like
the ``Authorization`` header and answers with a cookie carrying only the
token's public id, a CSRF secret and an expiry, signed with HMAC-SHA256. So
the browser never keeps the secret, and revoking the token ends the session
at the next request (the token's row is read again every time).

The cookie is ``HttpOnly`` (scripts cannot read it) and ``SameSite=Strict``
(other sites' forms do not carry it); every POST also carries the session's
CSRF secret in a hidden field, compared in constant time. Visitors who have
not logged in get an anonymous session so the login form itself is protected.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass

from fastapi import Request, Response

from harvester.store.auth_models import ApiTokenRow
from search_api.auth import Principal, authenticate
from search_api.config import ApiConfig
from search_api.errors import ApiError

COOKIE = "sn_session"
LIFETIME_SECONDS = 8 * 3600
"""A working day; after that the operator pastes the token again."""


class BadCsrf(ApiError):
    code = "csrf_failed"
    http_status = 403


@dataclass(frozen=True, slots=True)
class PageSession:
    csrf: str
    token_id: str | None
    expires: int


def _key(request: Request) -> bytes:
    config: ApiConfig = request.app.state.config
    if config.session_secret:
        return config.session_secret.encode("utf-8")
    key: bytes | None = getattr(request.app.state, "page_session_key", None)
    if key is None:
        key = secrets.token_bytes(32)
        request.app.state.page_session_key = key
    return key


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _sign(key: bytes, body: str) -> str:
    return _b64(hmac.new(key, body.encode("ascii"), hashlib.sha256).digest())


def read_session(request: Request) -> PageSession | None:
    """The request's session if its signature holds and it has not expired."""
    value = request.cookies.get(COOKIE, "")
    body, _, signature = value.partition(".")
    if not body or not hmac.compare_digest(signature, _sign(_key(request), body)):
        return None
    try:
        data = json.loads(_unb64(body))
        session = PageSession(
            csrf=str(data["c"]),
            token_id=str(data["t"]) if data.get("t") else None,
            expires=int(data["e"]),
        )
    except (ValueError, KeyError, TypeError):
        return None
    return session if session.expires > time.time() else None


def ensure_session(request: Request) -> PageSession:
    """The current session, or a new anonymous one (set on the response by :func:`save`)."""
    return read_session(request) or new_session(None)


def new_session(token_id: str | None) -> PageSession:
    """A fresh CSRF secret on every login: a session fixed before login is worthless after."""
    return PageSession(
        csrf=secrets.token_urlsafe(24),
        token_id=token_id,
        expires=int(time.time()) + LIFETIME_SECONDS,
    )


def save(request: Request, response: Response, session: PageSession) -> None:
    body = _b64(
        json.dumps({"c": session.csrf, "t": session.token_id, "e": session.expires}).encode()
    )
    response.set_cookie(
        COOKIE,
        f"{body}.{_sign(_key(request), body)}",
        max_age=max(0, session.expires - int(time.time())),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def forget(response: Response) -> None:
    response.delete_cookie(COOKIE, path="/", httponly=True, samesite="strict")


def check_csrf(request: Request, session: PageSession | None, submitted: str) -> None:
    if session is None or not submitted or not hmac.compare_digest(session.csrf, submitted):
        raise BadCsrf("the form has expired or did not come from this site; reload and retry")


def login(request: Request, token: str) -> Principal:
    """Check a pasted token exactly as the API checks the header (401 if invalid)."""
    with request.app.state.config.db.session() as db_session:
        return authenticate(db_session, f"Bearer {token.strip()}")


def principal(request: Request, session: PageSession | None) -> Principal | None:
    """Who the session's token is now: ``None`` if logged out, revoked or deleted."""
    if session is None or session.token_id is None:
        return None
    with request.app.state.config.db.session() as db_session:
        row = db_session.get(ApiTokenRow, session.token_id)
        if row is None or row.revoked_at is not None:
            return None
        found = Principal(
            token_id=row.id,
            role="admin" if row.role == "admin" else "operator",
            platform=row.platform,
        )
    request.state.principal = found
    return found
