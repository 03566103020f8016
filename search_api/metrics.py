"""Prometheus metrics: the API's own traffic, and the harvest runs read from the store.

Each application gets its own registry, so several apps in one process (tests,
a split deployment) never clash over metric names. Harvest figures are
collected from the store at scrape time rather than counted in this process:
runs happen in scheduler child processes or another machine, and the store is
the one place that sees them all.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func, select

from harvester.store import Database
from harvester.store.models import RecordRow, RunRow

LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_OUTCOMES = ("added", "updated", "unchanged", "deleted", "withdrawn", "failed")


@dataclass(slots=True)
class ApiMetrics:
    registry: CollectorRegistry
    requests: Counter
    request_seconds: Histogram
    search_seconds: Histogram


def create_metrics(db: Database) -> ApiMetrics:
    registry = CollectorRegistry(auto_describe=True)
    registry.register(StoreCollector(db))
    return ApiMetrics(
        registry=registry,
        requests=Counter(
            "sharenet_http_requests",
            "HTTP requests answered, by route template and status.",
            ["method", "route", "status"],
            registry=registry,
        ),
        request_seconds=Histogram(
            "sharenet_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template.",
            ["route"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
        search_seconds=Histogram(
            "sharenet_search_duration_seconds",
            "Time the search engine took to answer a search (with facets) or a suggestion.",
            ["operation"],
            buckets=LATENCY_BUCKETS,
            registry=registry,
        ),
    )


class StoreCollector(Collector):
    """Harvest runs and records as the store holds them, computed on every scrape."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def describe(self) -> list[object]:
        """Nothing up front: describing would query the store at registration."""
        return []

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        runs = CounterMetricFamily(
            "sharenet_harvest_runs",
            "Harvest runs by source and status.",
            labels=["source", "status"],
        )
        records = CounterMetricFamily(
            "sharenet_harvest_records",
            "Records processed by harvest runs, by source and outcome (failed = record errors).",
            labels=["source", "outcome"],
        )
        last_duration = GaugeMetricFamily(
            "sharenet_harvest_last_run_duration_seconds",
            "Duration of the last finished run of each source.",
            labels=["source", "status"],
        )
        last_records = GaugeMetricFamily(
            "sharenet_harvest_last_run_records",
            "Records of the last finished run of each source, by outcome.",
            labels=["source", "outcome"],
        )
        live = GaugeMetricFamily(
            "sharenet_catalogue_records",
            "Live records in the catalogue by platform.",
            labels=["platform"],
        )
        with self.db.session() as session:
            totals = session.execute(
                select(
                    RunRow.source,
                    RunRow.status,
                    func.count(),
                    *(func.coalesce(func.sum(getattr(RunRow, o)), 0) for o in _OUTCOMES),
                ).group_by(RunRow.source, RunRow.status)
            )
            by_source: dict[str, list[int]] = {}
            for source, status, count, *sums in totals:
                runs.add_metric([source, status], count)
                acc = by_source.setdefault(source, [0] * len(_OUTCOMES))
                for i, value in enumerate(sums):
                    acc[i] += int(value)
            for source, sums in sorted(by_source.items()):
                for outcome, value in zip(_OUTCOMES, sums, strict=True):
                    records.add_metric([source, outcome], value)
            latest = (
                select(RunRow.source, func.max(RunRow.id).label("id"))
                .where(RunRow.finished_at.is_not(None))
                .group_by(RunRow.source)
                .subquery()
            )
            for run in session.scalars(select(RunRow).join(latest, RunRow.id == latest.c.id)):
                assert run.finished_at is not None
                seconds = (run.finished_at - run.started_at).total_seconds()
                last_duration.add_metric([run.source, run.status], max(seconds, 0.0))
                for outcome in _OUTCOMES:
                    last_records.add_metric([run.source, outcome], getattr(run, outcome))
            counts = session.execute(
                select(RecordRow.platform, func.count())
                .where(RecordRow.deleted.is_(False))
                .group_by(RecordRow.platform)
            )
            for platform, count in counts:
                live.add_metric([platform], count)
        yield from (runs, records, last_duration, last_records, live)
