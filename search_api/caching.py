"""HTTP validators for what changes only with a harvest: records and catalogue exports.

A reply gets an ``ETag`` computed from its own bytes (so it changes exactly when
what a client would receive changes, whatever changed it: a harvest, re-judged
rules, a new serializer) and a short ``Cache-Control``. A client or proxy that
sends the tag back in ``If-None-Match`` gets a bodiless 304 instead of the
document again.
"""

from __future__ import annotations

import hashlib

from fastapi import Request, Response

CACHE_SECONDS = 300
"""How long a client or shared cache may reuse a record or export without asking:
a few minutes, so a harvest's changes show soon; after that it revalidates (cheaply)."""
_KEPT = ("etag", "cache-control", "vary", "content-location")
"""Headers a 304 repeats from the reply it stands for (RFC 9110, 15.4.5)."""


def cacheable(
    request: Request,
    response: Response,
    *,
    basis: bytes | None = None,
    max_age: int = CACHE_SECONDS,
) -> Response:
    """``response`` with its validators, or a 304 if the client already holds it.

    The tag is computed from ``basis`` where the bytes themselves are not stable:
    RDF serializations name blank nodes afresh each time, so their tag comes from
    what they were made of (the stored records and the format).
    """
    # Weak: the same tag stands for the gzipped and the plain bytes of one reply.
    digest = hashlib.blake2b(response.body if basis is None else basis, digest_size=16)
    tag = 'W/"' + digest.hexdigest() + '"'
    response.headers["etag"] = tag
    response.headers["cache-control"] = f"public, max-age={max_age}"
    response.headers["vary"] = "Accept"  # the gzip middleware adds Accept-Encoding
    if _matches(request.headers.get("if-none-match"), tag):
        kept = {k: v for k, v in response.headers.items() if k in _KEPT}
        return Response(status_code=304, headers=kept)
    return response


def _matches(header: str | None, tag: str) -> bool:
    """``If-None-Match`` names this tag (weakly compared, as the RFC asks), or is ``*``."""
    if header is None:
        return False
    candidates = {c.strip().removeprefix("W/") for c in header.split(",")}
    return "*" in candidates or tag.removeprefix("W/") in candidates
