"""Backends are chosen by name from configuration, and a wrong name says what is known."""

from __future__ import annotations

from pathlib import Path

import pytest

from indexer.errors import SearchError
from indexer.registry import load_backend
from indexer.tantivy_ import TantivyBackend
from sharenet.context import open_backend
from sharenet.settings import Settings


def test_known_name_loads_its_backend(tmp_path: Path) -> None:
    backend = load_backend("tantivy", path=tmp_path / "index")
    assert isinstance(backend, TantivyBackend) and backend.count() == 0


def test_dotted_path_loads_a_backend_from_elsewhere(tmp_path: Path) -> None:
    backend = load_backend("indexer.tantivy_:TantivyBackend", path=tmp_path / "index")
    assert isinstance(backend, TantivyBackend)


@pytest.mark.parametrize("name", ["solr", "indexer.tantivy_:Nope", "mappings.record:Record"])
def test_bad_name_is_a_clear_error(name: str) -> None:
    with pytest.raises(SearchError, match="search engine"):
        load_backend(name)


def test_settings_choose_the_engine(tmp_path: Path) -> None:
    backend = open_backend(Settings(data_dir=tmp_path))
    assert isinstance(backend, TantivyBackend) and backend.root == tmp_path / "index"
    with pytest.raises(SearchError, match="SHARENET_SEARCH_URL"):
        open_backend(Settings(data_dir=tmp_path, search_engine="opensearch"))
