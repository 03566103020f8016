"""DCAT catalogue documents (Turtle, RDF/XML, JSON-LD), one dataset per payload, Hydra-paged.

The source URL is the catalogue document. Its format comes from the reply's
content type, else the URL's extension. Parsing goes through
:mod:`mappings.formats.rdf_safe`: nothing is fetched (a JSON-LD ``@context``
given by URL is refused unless the source supplies it locally in
``config = {"contexts": {URL: document}}``) and no XML entity is expanded. A
document that does not parse fails the run with the parser's reason.

Each ``dcat:Dataset`` becomes one ``dcat`` payload (its closure, as
N-Triples), keyed as :func:`mappings.formats.dcat.datasets_in` keys it. A
paged catalogue names its next page with ``hydra:next`` (Hydra core) or
``hydra:nextPage`` (the older term udata still writes); the checkpoint is
that URL. A catalogue has no "changed since" query: every run reads it whole
and the content hash tells what changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

from rdflib import Graph, Namespace
from rdflib.namespace import DCTERMS

from harvester.errors import ProtocolError, ReplyShapeError
from harvester.protocols.base import Adapter, FetchedPage, Window
from mappings.dates import parse_datetime
from mappings.errors import MappingError
from mappings.formats.dcat import dataset_payload, datasets_in
from mappings.formats.rdf_safe import parse_rdf, rdf_format
from mappings.record import SourcePayload

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
ACCEPT = "text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8, */*;q=0.1"


class DcatAdapter(Adapter):
    """Pages of dataset payloads from a DCAT catalogue document and its Hydra pages."""

    def pages(self, window: Window, checkpoint: dict[str, Any] | None) -> Iterator[FetchedPage]:
        url: str | None = str(checkpoint["url"]) if checkpoint else self.source.url
        seen: set[str] = set()
        number = 0
        while url is not None:
            number += 1
            seen.add(url)
            where = f"{self.source.id}: page {number} ({url})"
            graph = self._fetch(url, where)
            try:
                datasets = datasets_in(graph)
            except MappingError as exc:
                raise ReplyShapeError(f"{where}: {exc.message}") from exc
            items = [
                SourcePayload(
                    source_identifier=key,
                    datestamp=parse_datetime(_text(graph.value(node, DCTERMS.modified))),
                    format="dcat",
                    raw=dataset_payload(graph, node),
                )
                for key, node in datasets
            ]
            following = _next_page(graph, url)
            url = following if following not in seen else None
            yield FetchedPage(
                items=items,
                checkpoint={"url": url} if url else None,
                total=_total(graph),
            )

    def _fetch(self, url: str, where: str) -> Graph:
        response = self.client.get(url, headers={"Accept": ACCEPT})
        if not response.is_success:
            raise ProtocolError(f"{where}: HTTP {response.status_code}")
        fmt = rdf_format(response.headers.get("Content-Type"), response.url.path)
        contexts = self.source.config.get("contexts") or {}
        try:
            return parse_rdf(response.content, fmt, base=url, contexts=contexts, what=where)
        except MappingError as exc:
            raise ReplyShapeError(exc.message) from exc


def _text(node: object | None) -> str | None:
    return str(node) if node is not None else None


def _next_page(graph: Graph, url: str) -> str | None:
    """The next page a Hydra collection view names, resolved against this page's URL."""
    for predicate in (HYDRA.next, HYDRA.nextPage):
        for value in graph.objects(None, predicate):
            text = str(value).strip()
            if text:
                return urljoin(url, text)
    return None


def _total(graph: Graph) -> int | None:
    value = graph.value(None, HYDRA.totalItems)
    try:
        return int(str(value)) if value is not None else None
    except ValueError:
        return None
