"""API tokens and who they let in: the public, a platform's operator, the centre's admin.

A token reads ``snt_<id>_<secret>``: ``id`` is public (listings, logs, revoking),
``secret`` is 32 random bytes. The store keeps only the SHA-256 of the whole
token, so a leaked database opens nothing; the secret has enough entropy that a
plain hash needs no salt. The token is shown once, when it is created.

Roles (issue 6): the public needs no token (search and records); an operator
sees and triggers only their own platform's sources and runs; an admin (the
centre) may do everything, including editing the list of sources.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from harvester.store.auth_models import ApiTokenRow
from harvester.store.models import utcnow
from harvester.store.platforms import get_platform
from search_api.errors import ApiError, Forbidden, NotFound, Unauthorized

log = logging.getLogger(__name__)

Role = Literal["admin", "operator"]
ROLES: tuple[Role, ...] = ("admin", "operator")
TOKEN_PREFIX = "snt_"
TOKEN_PATTERN = re.compile(r"snt_([a-z0-9]{8})_([A-Za-z0-9_-]{43})")
"""Also used by the log filter that scrubs anything looking like a token."""
LAST_USED_PRECISION = timedelta(minutes=1)
"""``last_used_at`` is written at most this often per token: reads stay reads."""


@dataclass(frozen=True, slots=True)
class Principal:
    """The bearer of a valid token."""

    token_id: str
    role: Role
    platform: str | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def can_access(self, platform: str) -> bool:
        return self.is_admin or self.platform == platform

    def ensure_platform(self, platform: str) -> None:
        """Raise 403 unless this principal may act for ``platform``."""
        if not self.can_access(platform):
            raise Forbidden(f"token {self.token_id} may not act for platform {platform!r}")

    def ensure_admin(self) -> None:
        if not self.is_admin:
            raise Forbidden(f"token {self.token_id} is not an admin token")


@dataclass(frozen=True, slots=True)
class TokenInfo:
    """What a listing shows of a token: never the secret, never the hash."""

    id: str
    role: str
    platform: str | None
    label: str
    created_at: datetime
    revoked_at: datetime | None
    last_used_at: datetime | None


class InvalidToken(ApiError):
    code = "invalid_token_request"
    http_status = 422


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def create_token(
    session: Session, *, role: str, platform: str | None = None, label: str = ""
) -> tuple[TokenInfo, str]:
    """A new token and its info; the token itself exists only in the return value."""
    if role not in ROLES:
        raise InvalidToken(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "operator":
        if not platform:
            raise InvalidToken("an operator token needs --platform")
        get_platform(session, platform)
    elif platform:
        raise InvalidToken("an admin token acts for every platform; omit --platform")
    token_id = "".join(secrets.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
    token = f"{TOKEN_PREFIX}{token_id}_{secrets.token_urlsafe(32)}"
    row = ApiTokenRow(
        id=token_id,
        token_hash=hash_token(token),
        role=role,
        platform=platform if role == "operator" else None,
        label=label,
        created_at=utcnow(),
    )
    session.add(row)
    session.flush()
    log.info("api token %s created (role %s, platform %s)", token_id, role, row.platform)
    return _info(row), token


def list_tokens(session: Session) -> list[TokenInfo]:
    rows = session.scalars(select(ApiTokenRow).order_by(ApiTokenRow.created_at, ApiTokenRow.id))
    return [_info(row) for row in rows]


def revoke_token(session: Session, token_id: str) -> TokenInfo:
    """Revoking twice is harmless; the first revocation time is kept."""
    row = session.get(ApiTokenRow, token_id)
    if row is None:
        raise NotFound(f"no token with id {token_id!r} (see `sharenet tokens list`)")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        log.info("api token %s revoked", token_id)
    return _info(row)


def authenticate(session: Session, authorization: str | None) -> Principal:
    """The principal behind an ``Authorization: Bearer`` header, or 401.

    Messages name the token's public id at most: the header's value never
    reaches a message, a log line or a response.
    """
    if not authorization:
        raise Unauthorized("this endpoint needs a token: send 'Authorization: Bearer <token>'")
    scheme, _, credentials = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("the Authorization header must read 'Bearer <token>'")
    token = credentials.strip()
    match = TOKEN_PATTERN.fullmatch(token)
    if match is None:
        raise Unauthorized("the token is malformed")
    row = session.get(ApiTokenRow, match.group(1))
    if row is None or not hmac.compare_digest(row.token_hash, hash_token(token)):
        log.info("rejected unknown api token")
        raise Unauthorized("the token is not valid")
    if row.revoked_at is not None:
        log.info("rejected revoked api token %s", row.id)
        raise Unauthorized(f"token {row.id} has been revoked")
    now = utcnow()
    if row.last_used_at is None or now - row.last_used_at >= LAST_USED_PRECISION:
        row.last_used_at = now
    role: Role = "admin" if row.role == "admin" else "operator"
    return Principal(token_id=row.id, role=role, platform=row.platform)


def _info(row: ApiTokenRow) -> TokenInfo:
    return TokenInfo(
        id=row.id,
        role=row.role,
        platform=row.platform,
        label=row.label,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
        last_used_at=row.last_used_at,
    )
