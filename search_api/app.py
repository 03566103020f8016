"""Building the web application: ``create_app(config)``; nothing happens at import.

Routers are listed by dotted module name in :data:`search_api.routes.ROUTERS`
and imported here, so adding an endpoint family is one line in that list.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections.abc import Awaitable, Callable

from fastapi import APIRouter, FastAPI, Request, Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from search_api.config import ApiConfig
from search_api.errors import install_error_handlers, internal_error_response
from search_api.metrics import create_metrics
from search_api.routes import ROUTERS

log = logging.getLogger("search_api.requests")

DESCRIPTION = """Search the federated catalogue of the national science and technology
resource platforms, read records with their provenance, and — with a token — see and
steer the harvesting of each platform.

Errors always have the shape `{"error": {"code", "message", "detail"}}`.
Operator and admin endpoints take `Authorization: Bearer <token>`."""


def create_app(config: ApiConfig) -> FastAPI:
    app = FastAPI(title=f"{config.title} API", description=DESCRIPTION, version="1")
    app.state.config = config
    app.state.metrics = create_metrics(config.db)
    install_error_handlers(app)
    for name in ROUTERS:
        router = importlib.import_module(name).router
        assert isinstance(router, APIRouter), f"{name}.router is not an APIRouter"
        app.include_router(router)
    app.middleware("http")(_observe)
    if config.trusted_proxies:
        # Outermost, so every route (and the client keys of the service records) sees the
        # client the proxy names, not the proxy; servers must not rewrite it themselves.
        app.add_middleware(ProxyHeadersMiddleware, trusted_hosts=list(config.trusted_proxies))
    return app


def _route_template(request: Request) -> str:
    """The matched route's path (``/api/records/{record_id}``): bounded label values."""
    route = request.scope.get("route")
    return str(getattr(route, "path", "<unmatched>"))


async def _observe(
    request: Request, call_next: Callable[[Request], Awaitable[Response]]
) -> Response:
    """Log one structured line per request and count it; turn any crash into a clean 500."""
    started = time.perf_counter()
    try:
        response = await call_next(request)
    except Exception:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        response = internal_error_response()
    elapsed = time.perf_counter() - started
    route = _route_template(request)
    metrics = request.app.state.metrics
    metrics.requests.labels(request.method, route, str(response.status_code)).inc()
    metrics.request_seconds.labels(route).observe(elapsed)
    principal = getattr(request.state, "principal", None)
    log.info(
        "%s %s %s",
        request.method,
        request.url.path,
        response.status_code,
        extra={
            "method": request.method,
            "path": request.url.path,
            "route": route,
            "status": response.status_code,
            "duration_ms": round(elapsed * 1000, 2),
            "token_id": principal.token_id if principal is not None else None,
        },
    )
    return response
