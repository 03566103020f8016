"""FastAPI dependencies every router shares: the store, the engine, and who is asking.

Those that only read the request or the configuration are ``async``: FastAPI runs a
plain function dependency in a worker thread, and on the search path those hops
cost more than the work. ``require_token`` reads the store, so it stays a function.

Use them as ``Depends(...)`` parameters::

    @router.get("/api/things/{platform}")
    def things(
        platform: str,
        db: Database = Depends(get_db),
        principal: Principal = Depends(require_platform_access),
    ) -> ...

``require_platform_access`` reads the ``platform`` path (or query) parameter of
the route; when the platform is only known inside the handler (a source's or a
run's), depend on ``require_token`` and call ``principal.ensure_platform(p)``.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Header, Request

from harvester.store import Database
from indexer.base import SearchBackend
from search_api.auth import Principal, authenticate
from search_api.config import ApiConfig
from search_api.errors import Forbidden


async def get_config(request: Request) -> ApiConfig:
    config: ApiConfig = request.app.state.config
    return config


async def get_db(config: Annotated[ApiConfig, Depends(get_config)]) -> Database:
    return config.db


async def get_backend(config: Annotated[ApiConfig, Depends(get_config)]) -> SearchBackend:
    return config.backend


def require_token(
    request: Request,
    db: Annotated[Database, Depends(get_db)],
    authorization: Annotated[
        str | None,
        Header(description="`Bearer <token>`; create one with `sharenet tokens create`"),
    ] = None,
) -> Principal:
    """Any valid operator or admin token; 401 otherwise."""
    with db.session() as session:
        principal = authenticate(session, authorization)
    request.state.principal = principal
    return principal


async def require_admin(principal: Annotated[Principal, Depends(require_token)]) -> Principal:
    """The centre's admin token; 403 for an operator's."""
    principal.ensure_admin()
    return principal


async def require_platform_access(
    platform: str, principal: Annotated[Principal, Depends(require_token)]
) -> Principal:
    """The operator of ``platform`` (the route's parameter) or an admin; 403 for anyone else."""
    principal.ensure_platform(platform)
    return principal


DbDep = Annotated[Database, Depends(get_db)]
BackendDep = Annotated[SearchBackend, Depends(get_backend)]
ConfigDep = Annotated[ApiConfig, Depends(get_config)]
TokenDep = Annotated[Principal, Depends(require_token)]
AdminDep = Annotated[Principal, Depends(require_admin)]
PlatformDep = Annotated[Principal, Depends(require_platform_access)]


async def require_same_site(request: Request) -> None:
    """A public form post (rating, complaint) comes from this site's own pages.

    Another site's form must not vote or complain with its visitors' addresses:
    a browser's ``Origin`` header, when sent, has to be this site (403 otherwise).
    """
    origin = request.headers.get("origin")
    if origin is not None and urlsplit(origin).netloc != request.url.netloc:
        raise Forbidden("forms are accepted from this site's own pages only")


SameSiteDep = Annotated[None, Depends(require_same_site)]
