"""``sharenet report evaluation``: every figure equals what the test itself did to the store
and the API, only the report's year counts, and the HTML escapes what users wrote."""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import update

from harvester.store import Database
from harvester.store.models import RecordRow, RunRow
from sharenet.cli import main
from tests.search_api.conftest import CATALOGUE, DELETED
from tests.search_api.service_support import (
    CLIENTS,
    FOLLOWABLE,
    ServiceApp,
    as_service_json,
    seeded_events,
    service_app,
)

YEAR = 2025
SCRIPT = "<script>alert('rated')</script>"
SOIL, GLACIER, PERMAFROST = (r.id for r in CATALOGUE[:3])


def at(month: int, day: int, hour: int = 9, year: int = YEAR) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


@pytest.fixture
def svc(db: Database, tmp_path: Path) -> Iterator[ServiceApp]:
    yield from service_app(db, tmp_path, at(3, 1))


def _history(svc: ServiceApp) -> None:
    """Records seen over the years, one deleted in the report's year; runs in and out of it."""
    with svc.db.session() as s:
        for record_id, seen in (
            (SOIL, at(6, 1, year=2024)),
            (GLACIER, at(3, 1)),
            (PERMAFROST, at(8, 1)),
        ):
            s.execute(update(RecordRow).where(RecordRow.id == record_id).values(first_seen_at=seen))
        s.execute(
            update(RecordRow)
            .where(RecordRow.id == DELETED.id)
            .values(first_seen_at=at(1, 1, year=2024), changed_at=at(10, 1))
        )
        for status, finished in (
            ("succeeded", at(2, 1)),
            ("succeeded", at(5, 1)),
            ("failed", at(6, 1)),
            ("timed_out", at(7, 1)),
            ("succeeded", at(12, 31, 23)),
            ("failed", at(1, 1, 1, year=2026)),  # next year: not counted
        ):
            s.add(
                RunRow(
                    source="ncdc-oai",
                    mode="full",
                    status=status,
                    started_at=finished - timedelta(hours=1),
                    finished_at=finished,
                )
            )
        s.add(
            RunRow(
                source="cgris-api",
                mode="full",
                status="failed",
                started_at=at(4, 1),
                finished_at=at(4, 2),
            )
        )


def _ratings(svc: ServiceApp) -> None:
    rate = "/api/records/{}/ratings"
    svc.clock.now = at(4, 1)
    for (address, agent), stars in zip(CLIENTS[:3], (5, 4, 2), strict=True):
        client = svc.client(address, agent)
        for _ in range(20):  # repeated: counts once
            client.post(rate.format(SOIL), json={"stars": stars})
    svc.client(*CLIENTS[3]).post(rate.format(GLACIER), json={"stars": 1, "comment": SCRIPT})
    queue = svc.client().get("/api/moderation/ratings", headers=svc.auth("admin")).json()
    svc.client().post(
        f"/api/moderation/ratings/{queue['items'][0]['id']}",
        json={"decision": "approve"},
        headers=svc.auth("admin"),
    )
    svc.client(*CLIENTS[4]).post(rate.format(GLACIER), json={"stars": 5, "comment": "pending"})
    svc.clock.now = at(2, 1, year=2026)
    svc.client(*CLIENTS[5]).post(rate.format(SOIL), json={"stars": 1})  # next year


def _complaints(svc: ServiceApp) -> None:
    client, admin, ncdc = svc.client(), svc.auth("admin"), svc.auth("ncdc")
    for received, answer_after in (
        (at(5, 1), 30),
        (at(6, 1), 10),
        (at(11, 1), None),
        (at(1, 5, year=2026), 1),
    ):
        svc.clock.now = received
        cid = client.post(
            "/api/complaints",
            json={"record_id": SOIL, "category": "not_obtainable", "text": "cannot get it"},
        ).json()["id"]
        client.post(f"/api/complaints/{cid}/forward", headers=admin)
        if answer_after is not None:
            svc.clock.now = received + timedelta(hours=answer_after)
            client.post(f"/api/complaints/{cid}/answer", json={"answer": "fixed"}, headers=ncdc)
    svc.client().post(
        "/api/complaints", json={"platform": "cgris", "category": "other", "text": "x"}
    )


def _report(db: Database, tmp_path: Path, fmt: str) -> str:
    out = CliRunner().invoke(
        main,
        [
            "--data-dir",
            str(tmp_path / "data"),
            "--database-url",
            db.url,
            "report",
            "evaluation",
            "ncdc",
            "--year",
            str(YEAR),
            "--format",
            fmt,
        ],
    )
    assert out.exit_code == 0, out.output
    return out.output


def test_report_figures_equal_what_happened(svc: ServiceApp, tmp_path: Path) -> None:
    _history(svc)
    expected = seeded_events(
        svc, [date(2025, 12, 30), date(2025, 12, 31), date(2026, 1, 1)], per_day=50
    )
    _ratings(svc)
    _complaints(svc)
    report = json.loads(_report(svc.db, tmp_path, "json"))
    assert (report["platform"], report["year"], report["from"], report["to"]) == (
        "ncdc",
        2025,
        "2025-01-01",
        "2025-12-31",
    )
    assert "art. 26" in report["purpose"]["en"] and "art. 27" in report["purpose"]["en"]

    resources = report["resources"]
    assert (resources["records_at_start"], resources["records_at_end"]) == (
        2,
        3,
    )  # soil+gone; soil+glacier+permafrost
    assert (resources["growth"], resources["added"], resources["removed"]) == (1, 2, 1)
    ncdc_live = [r for r in [*CATALOGUE, *FOLLOWABLE] if r.platform == "ncdc"]
    assert resources["live_records"] == len(ncdc_live) == 5
    assert resources["valid_cstr_share"] == round(sum(bool(r.cstr) for r in ncdc_live) / 5, 4)

    service = report["service"]
    want = as_service_json(expected, "ncdc", date(2025, 1, 1), date(2025, 12, 31))
    assert service["totals"] == want["totals"]
    assert {m["period"]: m["counts"] for m in service["months"]} == want["months"] and set(
        want["months"]
    ) == {"2025-12"}
    assert {r["id"]: r["counts"] for r in service["top_records"]} == want["records"]
    assert {t["term"]: (t["clients"], t["searches"]) for t in service["top_terms"]} == want["terms"]
    assert service["ratings"] == {
        "platform": "ncdc",
        "count": 4,  # three clients on soil (once each), the approved comment on glacier
        "average": round(statistics.fmean([5, 4, 2, 1]), 2),
        "records_rated": 2,
        "pending_moderation": 1,
    }
    assert [c["comment"] for c in service["comments"]] == [SCRIPT]

    operation = report["operation"]
    assert operation["runs"] == 5
    assert operation["runs_by_status"] == {"failed": 1, "succeeded": 3, "timed_out": 1}
    assert operation["availability"] == 0.6
    complaints = operation["complaints"]
    assert (complaints["received"], complaints["answered"], complaints["unanswered"]) == (3, 2, 1)
    assert complaints["response_hours"] == {"mean": 20.0, "median": 20.0, "max": 30.0}
    assert complaints["by_status"]["answered"] == 2 and complaints["by_status"]["forwarded"] == 1

    html = _report(svc.db, tmp_path, "html")
    assert SCRIPT not in html and "&lt;script&gt;alert(&#39;rated&#39;)&lt;/script&gt;" in html
    assert "Evaluation report 2025" in html and "art. 26" in html
    for address, agent in CLIENTS:
        for text in (html, json.dumps(report)):
            assert address not in text and agent not in text


def test_unknown_platform_is_a_clear_error(db: Database, tmp_path: Path) -> None:
    out = CliRunner().invoke(
        main,
        [
            "--database-url",
            db.url,
            "--data-dir",
            str(tmp_path),
            "report",
            "evaluation",
            "nope",
            "--year",
            "2025",
        ],
    )
    assert out.exit_code == 1 and "unknown platform 'nope'" in out.output
    out = CliRunner().invoke(
        main, ["--database-url", db.url, "report", "evaluation", "nope", "--year", "20"]
    )
    assert out.exit_code == 2
