"""Opening the store: engine, migrations, sessions.

SQLite is the embedded default (a file in the data directory); PostgreSQL is
chosen by URL. Migrations run on open so a new data directory or a database
left by an older release is always brought to the current schema first.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from harvester.errors import StoreError
from mappings import jsontext

_MIGRATIONS = Path(__file__).parent / "migrations"


def sqlite_url(data_dir: Path) -> str:
    """The default store: ``catalogue.db`` inside the data directory."""
    data_dir.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{data_dir / 'catalogue.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cur = dbapi_connection.cursor()
    # WAL lets the API read while a harvest writes; the busy timeout covers the brief
    # moments two writers (scheduler and a manual run) meet.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    # A harvest commits a page of a few MB at a time; at the default (1,000 pages) every
    # commit also checkpointed, rewriting the same index pages into the database again
    # and again. 10,000 pages (~40 MB of WAL) cut a 100k-record harvest by 2-4 s.
    cur.execute("PRAGMA wal_autocheckpoint=10000")
    cur.close()


def make_engine(url: str) -> Engine:
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    try:
        engine = create_engine(
            url,
            future=True,
            pool_pre_ping=True,
            json_serializer=jsontext.dumps,
            json_deserializer=jsontext.loads,
        )
    except Exception as exc:  # bad URL, missing driver
        raise StoreError(f"cannot open store {redact(url)}: {exc}") from exc
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def redact(url: str) -> str:
    """The URL without its password, for messages and logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<invalid database URL>"


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest revision of every migration branch."""
    # Imported here: alembic (with mako and pygments) is a tenth of a second of start-up
    # that processes opening a migrated store (a harvest's page writer) need not pay.
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(_MIGRATIONS))
    try:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "heads")
    except Exception as exc:
        raise StoreError(f"cannot migrate store {redact(str(engine.url))}: {exc}") from exc


class Database:
    """An engine plus a session factory; the one handle every store function takes."""

    def __init__(self, url: str, *, run_migrations: bool = True) -> None:
        self.url = url
        self.engine = make_engine(url)
        if run_migrations:
            migrate(self.engine)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session committed on success and rolled back on any error."""
        with self._sessions() as session:
            try:
                yield session
                session.commit()
            except BaseException:
                session.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        """A short-lived handle (one CLI command) lets its connections go on the way out."""
        self.dispose()
