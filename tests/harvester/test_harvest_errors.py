"""Every way a source can misbehave ends in a documented outcome and loses nothing stored.

Each case first harvests a good listing, then points the same source at a
reply server that misbehaves one way, and checks the run's status and message
and that the stored records are exactly as before (docs/harvesting.md lists
the outcomes).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from harvester.http import HttpOptions, make_client
from harvester.runs import RunReport, harvest
from harvester.store import Database
from harvester.store.models import RunRow
from harvester.store.sources import add_source, update_source
from tests.harvester.oai_support import (
    DATA,
    IDENTIFY,
    ReplayServer,
    Reply,
    oai_reply,
    record_xml,
    snapshot,
)
from tests.platform_support import register

pytestmark = pytest.mark.integration

GOOD_PAGE = oai_reply(
    "<ListRecords>" + "".join(record_xml(n) for n in (1, 2, 3)) + "</ListRecords>"
)


def _error(code: str, text: str, status: int = 200) -> Reply:
    return oai_reply(f'<error code="{code}">{text}</error>', status=status)


def _file(name: str, status: int = 200) -> Reply:
    return Reply(status=status, body=(DATA / name).read_bytes())


def _zenodo(realdata: Path, name: str) -> Reply:
    return Reply(status=422, body=(realdata / "oai-pmh" / "zenodo-2026" / name).read_bytes())


def _serve(listing: Callable[[dict[str, str]], Reply]) -> ReplayServer:
    return ReplayServer(lambda args: IDENTIFY if args.get("verb") == "Identify" else listing(args))


def _harvest_against(
    db: Database, listing: Callable[[dict[str, str]], Reply], *, full: bool = True, **http: float
) -> tuple[RunReport, ReplayServer]:
    """Store a good harvest, then harvest again from a misbehaving server; the store must hold."""
    with ReplayServer(lambda a: IDENTIFY if a.get("verb") == "Identify" else GOOD_PAGE) as good:
        with db.session() as session:
            register(session, "ncdc")
            add_source(
                session,
                "src",
                platform="ncdc",
                protocol="oai-pmh",
                url=good.url,
                config={"metadata_prefix": "oai_dc"},
            )
        assert harvest(db, "src").counts.added == 3
    before = snapshot(db, "src")
    server = _serve(listing)
    with db.session() as session:
        update_source(session, "src", url=server.url)
    options = HttpOptions(
        timeout=float(http.get("timeout", 5)), retries=int(http.get("retries", 2))
    )
    slept: list[float] = []
    client = make_client(options, sleep=slept.append)
    try:
        report = harvest(db, "src", full=full, client=client)
    finally:
        client.close()
        server.stop()
    server.slept = slept  # type: ignore[attr-defined]
    if report.status != "succeeded" or report.counts.failed:
        changed = {k for k, v in snapshot(db, "src").items() if before.get(k) != v}
        assert changed == set(), "a failing harvest altered stored records"
    return report, server


def _failed_with(report: RunReport, *fragments: str) -> None:
    assert report.status == "failed"
    for fragment in fragments:
        assert fragment in (report.error or ""), report.error


def test_http_422_with_an_oai_error_body_fails_the_run(db: Database, realdata: Path) -> None:
    reply = _zenodo(realdata, "GetRecord_cannotDisseminateFormat_http422.xml")
    report, _ = _harvest_against(db, lambda a: reply)
    # Zenodo answers an unknown prefix with badArgument (recorded reply, HTTP 422)
    _failed_with(report, "OAI-PMH error badArgument", "metadataPrefix does not exist")


def test_no_records_match_is_an_empty_successful_run(db: Database, realdata: Path) -> None:
    reply = _zenodo(realdata, "ListRecords_noRecordsMatch_http422.xml")
    report, server = _harvest_against(db, lambda a: reply, full=False)
    assert report.status == "succeeded" and report.mode == "incremental"
    assert report.pages == 0 and report.processed == 0
    assert "from" in server.requests[-1]


def test_bad_resumption_token_restarts_from_the_checkpointed_from(
    db: Database, realdata: Path
) -> None:
    """A checkpoint whose token expired: the listing starts over from its ``from``."""
    expired = _zenodo(realdata, "ListRecords_badResumptionToken_http422.xml")
    report, _ = _harvest_against(
        db, lambda a: expired if "resumptionToken" in a else GOOD_PAGE, full=False
    )
    # not expired here: _harvest_against ran a plain incremental harvest
    assert report.status == "succeeded"

    with db.session() as session:
        run = session.get(RunRow, report.run_id)
        assert run is not None
        run.status, run.checkpoint = "interrupted", {"token": "expired", "from": "2024-01-01"}
    again = _serve(lambda a: expired if "resumptionToken" in a else GOOD_PAGE)
    with db.session() as session:
        update_source(session, "src", url=again.url)
    resumed = harvest(db, "src")
    again.stop()
    assert resumed.status == "succeeded" and resumed.resumed_from == report.run_id
    assert [r.get("resumptionToken") for r in again.requests[1:]] == ["expired", None]
    assert again.requests[2]["from"] == "2024-01-01"
    assert resumed.counts.unchanged == 3


def test_a_token_that_never_works_fails_after_bounded_restarts(
    db: Database, realdata: Path
) -> None:
    expired = _zenodo(realdata, "ListRecords_badResumptionToken_http422.xml")
    paged = oai_reply(
        "<ListRecords>" + record_xml(1) + "<resumptionToken>t1</resumptionToken></ListRecords>"
    )
    report, _ = _harvest_against(db, lambda a: expired if "resumptionToken" in a else paged)
    _failed_with(report, "badResumptionToken", "gave up after 2 restarts")


def test_503_with_retry_after_is_retried_then_succeeds(db: Database) -> None:
    calls: list[int] = []

    def flaky(args: dict[str, str]) -> Reply:
        calls.append(1)
        if len(calls) <= 2:
            return Reply(status=503, headers={"Retry-After": "7"}, body=b"busy")
        return GOOD_PAGE

    report, server = _harvest_against(db, flaky)
    assert report.status == "succeeded"
    assert server.slept == [7.0, 7.0]  # type: ignore[attr-defined]
    assert report.counts.unchanged == 3


def test_503_past_the_retries_fails_the_run(db: Database) -> None:
    busy = Reply(status=503, headers={"Retry-After": "3"}, body=b"busy")
    report, server = _harvest_against(db, lambda a: busy)
    _failed_with(report, "HTTP 503", "after 2 retries")
    assert server.slept == [3.0, 3.0]  # type: ignore[attr-defined]


def test_a_timeout_fails_the_run(db: Database) -> None:
    report, _ = _harvest_against(db, lambda a: Reply(body=GOOD_PAGE.body, delay=3.0), timeout=0.5)
    _failed_with(report, "timed out after 0.5s")


def test_a_non_xml_body_fails_the_run(db: Database) -> None:
    report, _ = _harvest_against(db, lambda a: _file("not_xml.html"))
    _failed_with(report, "not well-formed XML", "502 Bad Gateway")


@pytest.mark.parametrize("name", ["xxe.xml", "billion_laughs.xml"])
def test_entity_declarations_are_refused(db: Database, name: str) -> None:
    report, _ = _harvest_against(db, lambda a: _file(name))
    _failed_with(report, "declares XML entities")


def test_a_record_whose_metadata_does_not_parse_is_a_record_error(db: Database) -> None:
    broken = record_xml(2, metadata="&lt;oai_dc:dc&gt;&lt;dc:title&gt;unterminated")
    page = oai_reply(f"<ListRecords>{record_xml(1)}{broken}{record_xml(3)}</ListRecords>")
    report, _ = _harvest_against(db, lambda a: page)
    assert report.status == "succeeded"
    assert (report.counts.failed, report.counts.unchanged) == (1, 2)
    [(identifier, reason)] = report.errors
    assert identifier == "oai:ncdc.example:0002" and "oai_dc" in reason
