"""A small bilingual catalogue in a real store and a real tantivy index, behind the real app.

Two platforms (a data centre and a germplasm centre), three sources, runs with
record-level errors, findings from the real rules, a tombstone, and one token
per role. Every test using ``api`` runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from harvester.store import Database
from harvester.store.models import PlatformRow
from harvester.store.records import iter_records, tombstone, upsert_record
from harvester.store.runs import Counts, finish_run, save_page, start_run
from harvester.store.sources import add_source
from indexer.tantivy_ import TantivyBackend
from mappings.record import AccessRights, Record, ResourceKind, record_id
from mappings.rules import RuleContext, evaluate
from search_api.app import create_app
from search_api.auth import create_token, revoke_token
from search_api.config import ApiConfig
from tests.conftest import fresh_postgres

NEXT_RUN = datetime(2030, 1, 1, 6, 0, tzinfo=UTC)


def _record(source: str, platform: str, ident: str, **fields: object) -> Record:
    data: dict[str, object] = {
        "id": record_id(source, ident),
        "source": source,
        "source_identifier": ident,
        "platform": platform,
    }
    data.update(fields)
    return Record.model_validate(data)


CATALOGUE: list[Record] = [
    _record(
        "ncdc-oai",
        "ncdc",
        "soil-001",
        title={
            "zh": "青藏高原土壤水分数据集",
            "en": "Soil moisture dataset of the Tibetan Plateau",
        },
        description={
            "zh": "青藏高原多个站点的土壤水分观测。",
            "en": "Soil moisture observed at stations.",
        },
        keywords={"zh": ["土壤", "水分"], "en": ["soil", "moisture"]},
        subjects=["170"],
        cstr="CSTR:11738.11.ncdc.soil.001",
        cstr_original="11738.11.ncdc.soil.001",
        doi="10.12072/ncdc.soil.001",
        issued=date(2019, 5, 1),
        access_rights=AccessRights.OPEN,
        license="CC BY 4.0",
    ),
    _record(
        "ncdc-oai",
        "ncdc",
        "glacier-002",
        title={
            "zh": "祁连山冰川厚度观测",
            "en": "Glacier thickness observations in the Qilian Mountains",
        },
        keywords={"zh": ["冰川"], "en": ["glacier"]},
        subjects=["170"],
        cstr="CSTR:11738.11.ncdc.glacier.002",
        issued=date(2021, 3, 1),
        access_rights=AccessRights.CONDITIONAL,
        license="CC BY 4.0",
    ),
    _record(
        "ncdc-oai",
        "ncdc",
        "permafrost-003",
        title={"zh": "青藏高原冻土分布图", "en": "Permafrost map of the Qinghai-Tibet Plateau"},
        keywords={"zh": ["冻土"], "en": ["permafrost"]},
        subjects=["170", "420"],
        issued=date(2015, 8, 1),
        access_rights=AccessRights.RESTRICTED,
    ),
    _record(
        "ncdc-oai",
        "ncdc",
        "dust-004",
        title={"en": "Desert dust storm records"},
        keywords={"en": ["desert", "dust"]},
        issued=date(2023, 1, 1),
        access_rights=AccessRights.OPEN,
        license="CC0",
    ),
    _record(
        "cgris-api",
        "cgris",
        "rice-1234",
        resource_kind=ResourceKind.GERMPLASM,
        title={"zh": "水稻种质资源 IRGC 1234", "en": "Rice germplasm accession IRGC 1234"},
        keywords={"zh": ["水稻"], "en": ["rice"]},
        subjects=["210"],
        issued=date(2018, 6, 1),
        access_rights=AccessRights.OPEN,
        license="CC0",
    ),
    _record(
        "cgris-api",
        "cgris",
        "wheat-77",
        resource_kind=ResourceKind.GERMPLASM,
        title={"zh": "小麦种质资源", "en": "Wheat germplasm"},
        keywords={"zh": ["小麦"], "en": ["wheat"]},
        subjects=["210"],
        issued=date(2020, 9, 1),
        access_rights=AccessRights.CONDITIONAL,
    ),
    _record(
        "cgris-api",
        "cgris",
        "strain-7",
        resource_kind=ResourceKind.STRAIN,
        title={"zh": "大豆根瘤菌菌种", "en": "Soybean rhizobium strain"},
        keywords={"zh": ["菌种", "土壤"], "en": ["strain"]},
        subjects=["210"],
        cstr="CSTR:A0006.11.cgris.strain-7",
        issued=date(2022, 2, 1),
        access_rights=AccessRights.CONDITIONAL,
        license="CC BY 4.0",
    ),
]
DELETED = _record(
    "ncdc-oai",
    "ncdc",
    "gone-009",
    title={"zh": "已撤回的数据集", "en": "Withdrawn obsolete dataset"},
)


@dataclass(slots=True)
class Hooks:
    """What the app asked of the rest of the deployment."""

    db: Database
    triggered: list[str] = field(default_factory=list)
    changes: int = 0

    def trigger(self, source_id: str) -> int:
        """Stands in for the scheduler (tested on its own): registers a run as it would."""
        self.triggered.append(source_id)
        with self.db.session() as session:
            return start_run(
                session, source_id, mode="full", window_from=None, source_started_at=None
            ).id

    def next_run(self, source_id: str) -> datetime | None:
        return NEXT_RUN if source_id == "ncdc-oai" else None

    def sources_changed(self) -> None:
        self.changes += 1


@dataclass(slots=True)
class Api:
    client: TestClient
    db: Database
    backend: TantivyBackend
    hooks: Hooks
    tokens: dict[str, str]
    """Role name -> ``Authorization`` header value."""
    runs: dict[str, int]

    def auth(self, who: str) -> dict[str, str]:
        return {"Authorization": self.tokens[who]}


def fill_store(db: Database) -> dict[str, int]:
    with db.session() as s:
        s.add(
            PlatformRow(id="ncdc", name_zh="国家冰川冻土沙漠科学数据中心", agency_codes=["11738"])
        )
        s.add(PlatformRow(id="cgris", name_zh="国家作物种质资源库", kind="bio"))
        add_source(
            s,
            "ncdc-oai",
            platform="ncdc",
            protocol="oai-pmh",
            url="http://127.0.0.1:9/oai",
            schedule="every 6h",
        )
        add_source(
            s,
            "cgris-api",
            platform="cgris",
            protocol="json",
            url="http://127.0.0.1:9/api",
            config={"config": "nmdc"},
        )
        add_source(
            s, "ncdc-old", platform="ncdc", protocol="oai-pmh", url="http://x/", enabled=False
        )
    with db.session() as s:
        for record in [*CATALOGUE, DELETED]:
            result = evaluate(record, RuleContext(agency_codes=("11738",), today=date(2026, 3, 1)))
            upsert_record(
                s,
                record,
                raw=f"<record>{record.source_identifier}</record>",
                raw_format="oai_dc",
                findings=result.findings,
                quality_score=result.score,
            )
        tombstone(s, DELETED.id)
    runs: dict[str, int] = {}
    with db.session() as s:
        ok = start_run(s, "ncdc-oai", mode="full", window_from=None, source_started_at=None)
        save_page(
            s,
            ok.id,
            Counts(added=5, failed=2),
            {"token": "abc"},
            [("oai:ncdc:bad-1", "no title in any language"), ("oai:ncdc:bad-2", "bad date")],
        )
        finish_run(s, ok.id, "succeeded")
        failed = start_run(
            s, "ncdc-oai", mode="incremental", window_from="2026-01-01", source_started_at=None
        )
        finish_run(s, failed.id, "failed", error="source unavailable: connection refused")
        cg = start_run(s, "cgris-api", mode="full", window_from=None, source_started_at=None)
        save_page(s, cg.id, Counts(added=3), None)
        finish_run(s, cg.id, "succeeded")
        runs.update(ncdc_ok=ok.id, ncdc_failed=failed.id, cgris=cg.id)
    return runs


def make_tokens(db: Database) -> dict[str, str]:
    with db.session() as s:
        tokens = {
            "admin": create_token(s, role="admin")[1],
            "ncdc": create_token(s, role="operator", platform="ncdc")[1],
            "cgris": create_token(s, role="operator", platform="cgris")[1],
        }
        info, revoked = create_token(s, role="admin", label="left the centre")
        revoke_token(s, info.id)
        tokens["revoked"] = revoked
    return {who: f"Bearer {token}" for who, token in tokens.items()}


@contextmanager
def serving(db: Database, index_dir: Path) -> Iterator[Api]:
    """The catalogue stored in ``db``, indexed in ``index_dir``, behind the app."""
    runs = fill_store(db)
    tokens = make_tokens(db)
    backend = TantivyBackend(index_dir)
    with db.session() as s:
        backend.rebuild(stored.record for stored in iter_records(s))
    hooks = Hooks(db)
    config = ApiConfig(
        db=db,
        backend=backend,
        trigger_harvest=hooks.trigger,
        next_run=hooks.next_run,
        sources_changed=hooks.sources_changed,
    )
    with TestClient(create_app(config)) as client:
        yield Api(client, db, backend, hooks, tokens, runs)
    backend.close()


@pytest.fixture
def api(db: Database, tmp_path: Path) -> Iterator[Api]:
    """A fresh app per test, for tests that change the store or count requests."""
    with serving(db, tmp_path / "index") as app:
        yield app


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def read_api(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Api]:
    """One app per module and store kind, for modules that only read: building the
    catalogue once keeps them fast. A module opts in by overriding ``api`` with it."""
    tmp = tmp_path_factory.mktemp("read_api")
    url = (
        f"sqlite:///{tmp / 'catalogue.db'}" if request.param == "sqlite" else fresh_postgres("_ro")
    )
    db = Database(url)
    try:
        with serving(db, tmp / "index") as app:
            yield app
    finally:
        db.dispose()
