"""API tokens: the CLI that makes them, how they are stored, and that no log shows one."""

from __future__ import annotations

import hashlib
import logging

import pytest
from click.testing import CliRunner
from sqlalchemy import inspect, select

from harvester.store import Database
from harvester.store.auth_models import ApiTokenRow
from harvester.store.models import PlatformRow
from search_api.auth import TOKEN_PATTERN
from search_api.logging_ import JsonFormatter, RedactSecrets
from sharenet.cli import main
from tests.search_api.conftest import Api


def _cli(db: Database, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["--database-url", db.url, "tokens", *args])
    return result.exit_code, result.stdout, result.stderr


def test_a_fresh_store_has_the_token_table(db: Database) -> None:
    columns = {c["name"] for c in inspect(db.engine).get_columns("api_tokens")}
    assert {"id", "token_hash", "role", "platform", "revoked_at", "last_used_at"} <= columns


def test_create_prints_the_token_alone_on_the_last_line_and_stores_only_its_hash(
    db: Database,
) -> None:
    with db.session() as s:
        s.add(PlatformRow(id="ncdc"))
    code, out, _ = _cli(db, "create", "--role", "operator", "--platform", "ncdc", "--label", "ops")
    assert code == 0, out
    token = out.rstrip("\n").splitlines()[-1]
    match = TOKEN_PATTERN.fullmatch(token)
    assert match is not None, out
    with db.session() as s:
        row = s.scalars(select(ApiTokenRow)).one()
        stored = [str(v) for v in (row.id, row.token_hash, row.role, row.platform, row.label)]
    assert row.id == match.group(1)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert (row.role, row.platform) == ("operator", "ncdc")
    assert not any(match.group(2) in value for value in stored)

    code, listing, _ = _cli(db, "list")
    assert code == 0 and row.id in listing and "ncdc" in listing and "active" in listing
    assert match.group(2) not in listing

    assert _cli(db, "revoke", row.id)[0] == 0
    assert "revoked" in _cli(db, "list")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["create", "--role", "operator"], "needs --platform"),
        (["create", "--role", "operator", "--platform", "atlantis"], "unknown platform"),
        (["create", "--role", "admin", "--platform", "ncdc"], "omit --platform"),
        (["create", "--role", "root"], "root"),
        (["revoke", "nosuchid"], "no token"),
    ],
)
def test_cli_refuses_with_a_clear_message(db: Database, args: list[str], message: str) -> None:
    code, out, err = _cli(db, *args)
    assert code != 0
    assert message in out + err
    assert "Traceback" not in out + err


def test_a_revoked_token_stops_working_at_once(api: Api) -> None:
    headers = api.auth("ncdc")
    assert api.client.get("/api/sources", headers=headers).status_code == 200
    token_id = TOKEN_PATTERN.search(api.tokens["ncdc"]).group(1)  # type: ignore[union-attr]
    assert _cli(api.db, "revoke", token_id)[0] == 0
    assert api.client.get("/api/sources", headers=headers).status_code == 401


def test_use_is_recorded_without_writing_on_every_request(api: Api) -> None:
    token_id = TOKEN_PATTERN.search(api.tokens["admin"]).group(1)  # type: ignore[union-attr]
    for _ in range(3):
        api.client.get("/api/sources", headers=api.auth("admin"))
    with api.db.session() as s:
        row = s.get(ApiTokenRow, token_id)
        assert row is not None and row.last_used_at is not None


def test_tokens_never_reach_the_logs(api: Api, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    tampered = api.tokens["ncdc"][:-4] + "AAAA"
    for auth in [*api.tokens.values(), tampered, "Bearer snt_abcdefgh_" + "B" * 43]:
        for method, path in [
            ("GET", "/api/sources"),
            ("GET", "/api/sources/cgris-api"),
            ("POST", "/api/sources/ncdc-oai/harvest"),
            ("GET", "/api/runs/999999"),
            ("GET", "/api/search?q=x"),
        ]:
            api.client.request(method, path, headers={"Authorization": auth})
    with caplog.at_level(logging.DEBUG):
        _cli(api.db, "create", "--role", "admin")
    secrets = [
        m.group(2) for t in [*api.tokens.values(), tampered] if (m := TOKEN_PATTERN.search(t))
    ]
    formatter = JsonFormatter()
    request_lines = [r for r in caplog.records if r.name == "search_api.requests"]
    assert len(request_lines) == 30
    admin_id = TOKEN_PATTERN.search(api.tokens["admin"]).group(1)  # type: ignore[union-attr]
    assert any(getattr(r, "token_id", None) == admin_id for r in request_lines)
    for record in caplog.records:
        text = formatter.format(record) + repr(record.__dict__)
        for secret in secrets:
            assert secret not in text, record.getMessage()
        assert "Bearer snt_" not in text


def test_the_log_filter_scrubs_anything_shaped_like_a_token() -> None:
    token = "snt_abcdefgh_" + "C" * 43
    record = logging.LogRecord(
        "x", logging.INFO, __file__, 1, "header was %s and %s", (f"Bearer {token}", token), None
    )
    RedactSecrets().filter(record)
    assert token not in record.getMessage()
    assert "CCCC" not in JsonFormatter().format(record)
