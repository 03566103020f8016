"""Building the web application: ``create_app(config)``; nothing happens at import.

Routers are listed by dotted module name in :data:`search_api.routes.ROUTERS`
and imported here, so adding an endpoint family is one line in that list.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import APIRouter, FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from search_api.config import ApiConfig
from search_api.errors import install_error_handlers, internal_error_response
from search_api.metrics import create_metrics
from search_api.routes import ROUTERS

log = logging.getLogger("search_api.requests")

GZIP_MIN_BYTES = 1_000
"""Replies at least this long are gzipped for clients that accept it (a page of hits
shrinks about fivefold); shorter ones are not worth the bytes of the header."""
GZIP_LEVEL = 5
"""Most of level 9's saving at a fraction of its time."""

DESCRIPTION = """Search the federated catalogue of the national science and technology
resource platforms, read records with their provenance, and — with a token — see and
steer the harvesting of each platform.

Errors always have the shape `{"error": {"code", "message", "detail"}}`.
Operator and admin endpoints take `Authorization: Bearer <token>`."""


def create_app(config: ApiConfig) -> FastAPI:
    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        """Service records are written by a thread of their own; stopping writes the rest."""
        config.service.start(config.db)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(config.service.stop)

    app = FastAPI(
        title=f"{config.title} API", description=DESCRIPTION, version="1", lifespan=lifespan
    )
    app.state.config = config
    app.state.metrics = create_metrics(config.db)
    install_error_handlers(app)
    for name in ROUTERS:
        router = importlib.import_module(name).router
        assert isinstance(router, APIRouter), f"{name}.router is not an APIRouter"
        app.include_router(router)
    app.add_middleware(GZipMiddleware, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)
    app.add_middleware(_Observe)
    if config.trusted_proxies:
        # Outermost, so every route (and the client keys of the service records) sees the
        # client the proxy names, not the proxy; servers must not rewrite it themselves.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(config.trusted_proxies))
    return app


class _Observe:
    """Log one structured line per request and count it; turn any crash into a clean 500.

    Plain ASGI rather than ``@app.middleware("http")``: that one runs every reply
    through a stream of its own, which cost more per search than the search.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 0

        async def note_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, note_status)
        except Exception:
            log.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if status:
                raise  # the reply has begun: nothing clean can be said any more
            await internal_error_response()(scope, receive, note_status)
        self._observed(scope, status, time.perf_counter() - started)

    def _observed(self, scope: Scope, status: int, elapsed: float) -> None:
        route = str(getattr(scope.get("route"), "path", "<unmatched>"))
        metrics = scope["app"].state.metrics
        metrics.requests.labels(scope["method"], route, str(status)).inc()
        metrics.request_seconds.labels(route).observe(elapsed)
        principal = scope.get("state", {}).get("principal")
        log.info(
            "%s %s %s",
            scope["method"],
            scope["path"],
            status,
            extra={
                "method": scope["method"],
                "path": scope["path"],
                "route": route,
                "status": status,
                "duration_ms": round(elapsed * 1000, 2),
                "token_id": principal.token_id if principal is not None else None,
            },
        )
