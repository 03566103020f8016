"""The Elasticsearch and OpenSearch backends against a real osmem-server process.

Each test runs twice: with ``opensearch-py`` straight to osmem, and with the official
``elasticsearch`` client through the test-only compatibility proxy (see
:mod:`tests.indexer.es_compat_proxy`: it rewrites the client's
``application/vnd.elasticsearch+json; compatible-with=9`` media types to plain JSON and
sets the ``X-Elastic-Product: Elasticsearch`` header the client checks). The proxy's
fault injection stands in for a busy (429) or unavailable (503) cluster.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest

from indexer import es_dsl
from indexer.base import Filters, Query
from indexer.elasticsearch_ import (
    ClusterBackend,
    ElasticsearchBackend,
    OpenSearchBackend,
    _body,
)
from indexer.errors import BackendUnavailable, BulkError, MappingOutOfDate
from mappings.record import AccessRights, Record, ResourceKind
from tests.indexer.cluster_support import CLUSTER_KINDS, cluster_backend
from tests.indexer.es_compat_proxy import EsCompatProxy
from tests.local_servers import free_port

pytestmark = pytest.mark.integration
Cluster = tuple[ClusterBackend, EsCompatProxy]


def _record(n: int, zh: str, en: str, platform: str = "tpdc", **extra: Any) -> Record:
    return Record(
        id=f"{platform}-{n:04d}",
        source=platform,
        source_identifier=str(n),
        platform=platform,
        title={"zh": zh, "en": en},
        description={"en": f"Description of {en}."},
        issued=date(2000 + n % 20, 1, 1),
        access_rights=AccessRights.OPEN,
        **extra,
    )


RECORDS = [
    _record(1, "青藏高原土壤湿度数据集", "Soil moisture datasets of the Tibetan Plateau"),
    _record(2, "黄河流域土地利用", "Land use of the Yellow River basin"),
    _record(3, "水稻种质资源", "Rice germplasm", "crop", resource_kind=ResourceKind.GERMPLASM),
    _record(
        4, "大肠杆菌菌种", "Escherichia coli strains", "nmdc", resource_kind=ResourceKind.STRAIN
    ),
    _record(
        5,
        "冰川 <b>厚度</b> 观测",
        "Glacier thickness & mass <script>",
        "ncdc",
        cstr="CSTR:11738.11.ncdc.glacier.001",
    ),
]


@pytest.fixture(params=CLUSTER_KINDS)
def cluster(
    request: pytest.FixtureRequest, osmem_url: str
) -> Iterator[tuple[ClusterBackend, EsCompatProxy]]:
    with cluster_backend(request.param, osmem_url, initial_backoff=0.05) as pair:
        yield pair


@pytest.fixture
def backend(cluster: Cluster) -> ClusterBackend:
    backend = cluster[0]
    backend.check()
    backend.index(RECORDS)
    return backend


def test_chinese_english_identifier_and_facets(backend: ClusterBackend) -> None:
    assert backend.count() == len(RECORDS)
    assert [h.id for h in backend.search(Query(text="土壤")).hits] == ["tpdc-0001"]
    assert {h.id for h in backend.search(Query(text="土")).hits} == {"tpdc-0001", "tpdc-0002"}
    assert [h.id for h in backend.search(Query(text="dataset")).hits] == ["tpdc-0001"]
    assert [h.id for h in backend.search(Query(text="11738.11.NCDC.glacier.001")).hits] == [
        "ncdc-0005"
    ]
    page = backend.search(Query(filters=Filters(platform=["tpdc", "crop"])))
    assert page.total == 3
    facets = {f.value: f.count for f in page.facets["platform"]}
    assert facets == {"tpdc": 2, "crop": 1}


def test_highlights_are_marked_and_escaped(backend: ClusterBackend) -> None:
    hit = backend.search(Query(text="厚度 glacier")).hits[0]
    assert hit.id == "ncdc-0005"
    joined = " ".join(hit.highlights["title"])
    assert "<mark>厚度</mark>" in joined
    assert "&lt;b&gt;" in joined and "<b>" not in joined
    assert "&lt;script&gt;" in joined


def test_suggest_types_ahead_on_titles(backend: ClusterBackend) -> None:
    assert [s.id for s in backend.suggest("青藏")] == ["tpdc-0001"]
    assert [s.text for s in backend.suggest("Rice ge")] == ["Rice germplasm"]
    assert [s.text for s in backend.suggest("种质")] == ["水稻种质资源"]
    assert backend.suggest("") == []


def test_delete_and_unknown_ids(backend: ClusterBackend) -> None:
    assert backend.delete(["tpdc-0001", "no-such-id"]) == 1
    assert backend.search(Query(text="土壤")).total == 0
    assert backend.count() == len(RECORDS) - 1


def test_rebuild_switches_the_alias_and_drops_old_indices(backend: ClusterBackend) -> None:
    before = backend._alias_targets()
    new_records = [_record(9, "海洋温度", "Ocean temperature", "nmdis")]
    assert backend.rebuild(new_records) == 1
    after = backend._alias_targets()
    assert len(after) == 1 and after != before
    assert after[0].startswith(f"{backend.alias}-v{es_dsl.MAPPING_VERSION}-")
    remaining = set(_body(backend._client.indices.get(index="sharenet-v*")))
    assert remaining == set(after)
    assert backend.count() == 1
    assert backend.search(Query(text="土壤")).total == 0
    assert backend.search(Query(text="海洋")).total == 1


def test_a_failing_bulk_item_is_reported_with_its_id(
    cluster: Cluster,
) -> None:
    backend = cluster[0]
    # An index whose mapping disagrees with the documents: `platform` typed as a number.
    body = es_dsl.index_body(replicas=0)
    body["mappings"]["properties"]["platform"] = {"type": "integer"}
    backend._client.indices.create(index="sharenet-v1-broken", body=body)
    backend._client.indices.update_aliases(
        body={"actions": [{"add": {"index": "sharenet-v1-broken", "alias": "sharenet"}}]}
    )
    good = _record(7, "七", "Seven", platform="7")
    with pytest.raises(BulkError) as caught:
        backend.index([good, RECORDS[0]])
    assert set(caught.value.failures) == {"tpdc-0001"}
    assert "platform" in caught.value.failures["tpdc-0001"]
    assert backend.count() == 1  # the good document was written all the same


def test_429_and_503_are_retried(cluster: Cluster) -> None:
    backend, proxy = cluster
    proxy.fail_next("_bulk", 429, times=2)
    assert backend.index(RECORDS) == len(RECORDS)
    proxy.fail_next("_search", 503, times=2)
    assert backend.search(Query(text="soil")).total == 1
    assert [status for _, status in proxy.failed] == [429, 429, 503, 503]


def test_parallel_bulk_workers_write_everything(osmem_url: str) -> None:
    records = [_record(i, f"数据集{i}", f"Dataset {i}") for i in range(1, 251)]
    with cluster_backend("opensearch", osmem_url, chunk_size=20, workers=4) as (backend, _):
        assert backend.rebuild(records) == 250
        assert backend.count() == 250


def test_unreachable_cluster_names_the_url() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    for cls in (ElasticsearchBackend, OpenSearchBackend):
        backend = cls(url, max_retries=0, timeout=2)
        with pytest.raises(BackendUnavailable, match=f"{url}.*unreachable"):
            backend.check()
        backend.close()


def test_out_of_date_mapping_asks_for_a_rebuild(
    cluster: Cluster,
) -> None:
    backend = cluster[0]
    body = es_dsl.index_body(replicas=0)
    body["mappings"]["_meta"]["mapping_version"] = es_dsl.MAPPING_VERSION - 1
    backend._client.indices.create(index="sharenet-v0-old", body=body)
    backend._client.indices.update_aliases(
        body={"actions": [{"add": {"index": "sharenet-v0-old", "alias": "sharenet"}}]}
    )
    with pytest.raises(MappingOutOfDate, match="sharenet index rebuild"):
        backend.check()
    backend.rebuild(RECORDS)
    backend.check()


def test_red_cluster_is_refused(cluster: Cluster) -> None:
    backend = cluster[0]
    backend.index(RECORDS[:1])
    # osmem reports a closed index as red, as a cluster with an unassigned primary would be.
    backend._client.indices.close(index=backend._alias_targets()[0])
    with pytest.raises(BackendUnavailable, match="red"):
        backend.check()


def test_plugin_analyzer_without_the_plugin_is_refused(osmem_url: str) -> None:
    with (
        cluster_backend("opensearch", osmem_url, analyzer_zh="smartcn") as (backend, _),
        pytest.raises(BackendUnavailable, match="analysis-smartcn"),
    ):
        backend.check()
