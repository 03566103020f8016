"""Shared fixtures: a store on SQLite and on PostgreSQL, paths to the real data.

Tests never load installed plugins or the developer's ``SHARENET_*`` variables:
every setting a test uses is built here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, create_engine, text

from harvester.store import Database
from sharenet.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
REALDATA = ROOT.parent / "shared" / "realdata"
DATA = Path(__file__).parent / "data"
POSTGRES_URL = os.environ.get(
    "SHARENET_TEST_POSTGRES_URL",
    "postgresql+psycopg://sharenet:sharenet@127.0.0.1:5432/sharenet_test",
)


@pytest.fixture(autouse=True)
def _isolated_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for key in list(os.environ):
        if key.startswith("SHARENET_") and key != "SHARENET_TEST_POSTGRES_URL":
            monkeypatch.delenv(key)


@pytest.fixture
def realdata() -> Path:
    if not REALDATA.is_dir():
        pytest.fail(f"real test data not found at {REALDATA} (shared/ beside the checkout)")
    return REALDATA


def _admin(url: str) -> Engine:
    return create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")


def fresh_postgres(suffix: str) -> str:
    """URL of an empty PostgreSQL database owned by this test process (created if need be)."""
    url = f"{POSTGRES_URL}_{os.getpid()}{suffix}"
    name = url.rsplit("/", 1)[1]
    admin = _admin(url)
    try:
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem, said plainly
        pytest.fail(f"PostgreSQL not reachable at {POSTGRES_URL} (run `bash .ci/services`): {exc}")
    finally:
        admin.dispose()
    _CREATED.append(url)
    return url


_CREATED: list[str] = []


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Drop the databases this process made: parallel runs never see each other's."""
    for url in _CREATED:
        admin = _admin(url)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """This process's own database for the ``database_url`` fixture."""
    return fresh_postgres("")


def _empty(url: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store URL: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.db'}"
    url: str = request.getfixturevalue("postgres_url")
    _empty(url)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)
