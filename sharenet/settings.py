"""Settings of a ShareNet deployment, read from ``SHARENET_*`` environment variables.

Every setting is documented in docs/settings.md (a test keeps the two in step).
"""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SHARENET_", extra="ignore")

    data_dir: Path = Field(default=Path("data"))
    """Where the embedded store, index and scheduler state live."""
    database_url: str | None = None
    """SQLAlchemy URL of the store; default: SQLite file in the data directory."""
    adapters_dir: Path | None = None
    """The deployment's JSON adapter configurations, searched by name before the shipped
    ones; default: ``adapters`` in the data directory."""
    search_engine: Literal["tantivy", "elasticsearch", "opensearch"] = "tantivy"
    """Search backend: the embedded engine, or a cluster named by ``search_url``."""
    search_url: str | None = None
    """Elasticsearch/OpenSearch cluster URL; setting it without an engine means elasticsearch."""
    search_index: str = "sharenet"
    """Index (alias) name on a cluster."""
    search_analyzer_zh: Literal["cjk", "smartcn", "ik"] = "cjk"
    """Chinese analyzer on a cluster: built-in ``cjk``, or a plugin's (``smartcn``, ``ik``)."""
    host: str = "127.0.0.1"
    port: int = 8000
    scheduler: bool = True
    """Run the harvest scheduler inside ``sharenet serve``."""
    http_timeout: float = 30.0
    """Seconds before a request to a platform times out."""
    http_retries: int = 3
    """Retries of a failed request (5xx, 429, network error) before a run fails."""
    max_response_bytes: int = 64 * 1024 * 1024
    """Largest reply accepted from a platform; larger ones fail the run, not the machine."""
    withdraw_grace_days: int = 7
    """Days a record may be missing from full passes before it is withdrawn."""
    harvest_time_limit: float = 4 * 3600.0
    """Seconds a scheduled or triggered harvest may run before it is stopped as timed out."""
    freshness_days: int = 365
    """A record not modified for longer is stale (a compliance finding)."""
    harvest_writer: Literal["process", "inline"] = "process"
    """Where a harvest writes its pages: ``process`` writes them in a child process while
    the next page is mapped (from a run's second page on, see ``harvest_writer_after``);
    ``inline`` in the harvest's own."""
    harvest_writer_after: int = Field(default=10_000, ge=0)
    """Records a run must have written (changed, new or deleted; unchanged ones do not
    count) before its page writer process starts: starting one costs about half a
    CPU-second, which a shorter run does not win back."""
    trusted_proxies: Annotated[list[str], NoDecode] = Field(default_factory=list)
    """Addresses or networks (CIDR) of the reverse proxies in front of ``sharenet serve``:
    only a request from one of them has its ``X-Forwarded-For`` believed. Comma-separated
    in the environment; empty: every client is the address it connects from."""

    @field_validator("trusted_proxies", mode="before")
    @classmethod
    def _split_proxies(cls, value: object) -> object:
        if isinstance(value, str):
            return [part.strip() for part in value.split(",") if part.strip()]
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxies_are_networks(cls, value: list[str]) -> list[str]:
        """A mistyped entry would silently trust nothing (or be read as a host name): refuse it."""
        for entry in value:
            try:
                ipaddress.ip_network(entry)
            except ValueError as exc:
                raise ValueError(f"{entry!r} is not an IP address or network: {exc}") from exc
        return value

    @property
    def store_url(self) -> str:
        if self.database_url:
            return self.database_url
        self.data_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{(self.data_dir / 'catalogue.db').resolve()}"

    @property
    def adapter_dirs(self) -> tuple[Path, ...]:
        """Where a configuration named by a source is looked up before the shipped ones."""
        return (self.adapters_dir or self.data_dir / "adapters",)

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def engine(self) -> str:
        """The search engine in effect: a cluster URL alone selects Elasticsearch."""
        if self.search_url and self.search_engine == "tantivy" and not self._engine_set():
            return "elasticsearch"
        return self.search_engine

    def _engine_set(self) -> bool:
        return "search_engine" in self.model_fields_set
