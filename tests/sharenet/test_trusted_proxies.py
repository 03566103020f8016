"""The ``trusted_proxies`` setting: read from the environment, checked, handed to the API."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from harvester.store import Database
from indexer.tantivy_ import TantivyBackend
from sharenet.api import api_config
from sharenet.settings import Settings


def test_default_trusts_no_proxy() -> None:
    assert Settings().trusted_proxies == []


def test_environment_lists_addresses_and_networks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SHARENET_TRUSTED_PROXIES", " 127.0.0.1, 10.0.0.0/8 ,::1,")
    assert Settings().trusted_proxies == ["127.0.0.1", "10.0.0.0/8", "::1"]


@pytest.mark.parametrize("entry", ["proxy.example.org", "10.0.0.1/8", "*", "300.1.1.1"])
def test_a_mistyped_entry_is_refused_by_name(monkeypatch: pytest.MonkeyPatch, entry: str) -> None:
    monkeypatch.setenv("SHARENET_TRUSTED_PROXIES", f"127.0.0.1,{entry}")
    with pytest.raises(ValidationError, match="is not an IP address or network") as caught:
        Settings()
    assert repr(entry) in str(caught.value)


def test_the_api_gets_the_setting(tmp_path: Path, db: Database) -> None:
    settings = Settings(data_dir=tmp_path, trusted_proxies=["10.0.0.0/8"])
    backend = TantivyBackend(tmp_path / "index")
    try:
        assert api_config(settings, db, backend).trusted_proxies == ("10.0.0.0/8",)
    finally:
        backend.close()
