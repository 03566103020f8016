"""Shared fixtures: a store on SQLite and on PostgreSQL, paths to the real data.

Tests never load installed plugins or the developer's ``SHARENET_*`` variables:
every setting a test uses is built here.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

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


def _reset_postgres(url: str) -> None:
    """Each pytest-xdist worker gets a database of its own, emptied before every test."""
    name = url.rsplit("/", 1)[1]
    admin = create_engine(url.rsplit("/", 1)[0] + "/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # pragma: no cover - environment problem, said plainly
        pytest.fail(f"PostgreSQL not reachable at {url} (run `bash .ci/services`): {exc}")
    finally:
        admin.dispose()
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    except Exception as exc:  # pragma: no cover - environment problem, said plainly
        pytest.fail(f"PostgreSQL not reachable at {url} (run `bash .ci/services`): {exc}")
    finally:
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty store URL: every test using it runs on SQLite and on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'catalogue.db'}"
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    url = f"{POSTGRES_URL}_{worker}"
    _reset_postgres(url)
    return url


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    yield database
    database.dispose()


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path / "data", database_url=database_url)
