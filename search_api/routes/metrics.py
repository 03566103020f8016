"""``/metrics`` for Prometheus: request counts and latencies, search latency, harvest runs.

Public like any scrape target: it exposes counts and timings, never records or
tokens. Restrict it at the reverse proxy if the deployment wants it private.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

router = APIRouter(tags=["operations"])


@router.get("/metrics", response_class=Response, include_in_schema=False)
def metrics(request: Request) -> Response:
    return Response(
        generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
