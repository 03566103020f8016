"""The ``backend`` fixture every backend conformance and relevance test runs against.

Each entry of :data:`BACKEND_FACTORIES` makes a fresh, empty backend; tests are
parametrised over all of them. A backend that needs a server adds a factory that
asks for its server fixture through ``request.getfixturevalue``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from indexer.base import SearchBackend
from indexer.tantivy_ import TantivyBackend
from mappings.record import Record
from tests.indexer.cluster_support import CLUSTER_KINDS, cluster_factory

CORPUS = Path(__file__).resolve().parent.parent / "data" / "search_corpus.jsonl"

BackendFactory = Callable[[pytest.FixtureRequest, Path], SearchBackend]


def _tantivy(request: pytest.FixtureRequest, path: Path) -> SearchBackend:
    return TantivyBackend(path / "index", heap_size=15_000_000, rebuild_heap_size=15_000_000)


BACKEND_FACTORIES: dict[str, BackendFactory] = {
    "tantivy": _tantivy,
    **{kind: cluster_factory(kind) for kind in CLUSTER_KINDS},  # osmem-server, both clients
}
"""Backend name -> factory(request, empty directory) of a fresh, empty backend."""


def load_corpus() -> list[Record]:
    """~200 bilingual records (datasets, strains, germplasm …) written for the search tests."""
    with CORPUS.open(encoding="utf-8") as f:
        return [Record.model_validate(json.loads(line)) for line in f if line.strip()]


@pytest.fixture(params=sorted(BACKEND_FACTORIES))
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SearchBackend]:
    made = BACKEND_FACTORIES[request.param](request, tmp_path)
    yield made
    made.close()


@pytest.fixture(scope="module", params=sorted(BACKEND_FACTORIES))
def corpus_backend(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[SearchBackend]:
    """A backend holding the whole corpus, built once per module: tests only read it."""
    made = BACKEND_FACTORIES[request.param](request, tmp_path_factory.mktemp(request.param))
    made.index(load_corpus())
    yield made
    made.close()
