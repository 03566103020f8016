"""Records as DCAT-AP 3 RDF: what other aggregators harvest from the portal.

Every graph this module builds validates against the official DCAT-AP 3.0.1
SHACL shapes (tested), which shapes some choices:

- DCAT-AP requires ``dct:description``; a record without one repeats its title
  (and a record without a title uses its source identifier) rather than fail.
- Every ``dcat:Distribution`` needs a ``dcat:accessURL``: a distribution that
  names none is reached through the landing page, else through the record's own
  page; a record with no distribution but a landing page gets one distribution
  pointing there, so the licence always has a distribution to sit on.
- Objects carry the classes the ranges demand (``foaf:Agent``, ``vcard:Kind``,
  ``dct:LicenseDocument``, ``dct:RightsStatement``, ``skos:Concept`` with a
  ``skos:prefLabel``, ``dct:Location``, ``dct:PeriodOfTime``, ``foaf:Document``).
- Access levels use the EU access-right authority table; the CSTR is an
  ``adms:Identifier`` whose ``skos:notation`` is typed with the CSTR scheme IRI
  and whose ``adms:schemeAgency`` is ``CSTR`` (the DCAT mapping reads both).

Related identifiers become ``dct:relation`` links, never ``adms:identifier``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, XSD, Namespace
from rdflib.term import Node

from mappings.errors import MappingError
from mappings.formats.common import is_cstr
from mappings.identifiers import CSTR_RESOLVER
from mappings.lang import guess_lang
from mappings.record import AccessRights, Agent, Distribution, Record
from mappings.vocabularies import is_url

DCAT = Namespace("http://www.w3.org/ns/dcat#")
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
CSTR_SCHEME = URIRef(CSTR_RESOLVER)
"""Datatype of a CSTR ``skos:notation``: the scheme's resolver, GB/T 32843-2016."""
_ACCESS = "http://publications.europa.eu/resource/authority/access-right/"
ACCESS_RIGHTS = {
    AccessRights.OPEN: URIRef(_ACCESS + "PUBLIC"),
    AccessRights.CONDITIONAL: URIRef(_ACCESS + "RESTRICTED"),
    AccessRights.RESTRICTED: URIRef(_ACCESS + "NON_PUBLIC"),
}
_ACCESS_LABELS = {
    AccessRights.OPEN: ("公开共享", "open"),
    AccessRights.CONDITIONAL: ("有条件共享", "conditional"),
    AccessRights.RESTRICTED: ("受限", "restricted"),
}
_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
_EU_LANGUAGES = {"zh": "ZHO", "en": "ENG", "fr": "FRA", "de": "DEU", "es": "SPA", "ru": "RUS"}
_IANA = "https://www.iana.org/assignments/media-types/"
MEDIA_TYPES = {
    "application/ld+json": "json-ld",
    "text/turtle": "turtle",
    "application/rdf+xml": "xml",
}
"""Content negotiation: the media types the API offers, to rdflib format names."""
FORMAT_ALIASES = {"jsonld": "json-ld", "json-ld": "json-ld", "ttl": "turtle", "turtle": "turtle",
                  "rdf": "xml", "xml": "xml"}  # fmt: skip


def bind(graph: Graph) -> Graph:
    for prefix, namespace in (
        ("dcat", DCAT),
        ("dct", DCTERMS),
        ("adms", ADMS),
        ("foaf", FOAF),
        ("vcard", VCARD),
        ("skos", SKOS),
        ("locn", LOCN),
        ("gsp", GSP),
        ("hydra", HYDRA),
    ):
        graph.bind(prefix, namespace)
    return graph


def record_iri(record: Record, base_url: str) -> URIRef:
    """The dataset's IRI: its record in the portal's API."""
    return URIRef(f"{base_url.rstrip('/')}/api/records/{record.id}")


def record_graph(record: Record, base_url: str) -> Graph:
    """One record as a DCAT-AP graph."""
    graph = bind(Graph())
    add_record(graph, record, base_url)
    return graph


def add_record(graph: Graph, record: Record, base_url: str) -> URIRef:
    """Add one record's dataset and everything it points to; returns the dataset IRI."""
    ds = record_iri(record, base_url)
    graph.add((ds, RDF.type, DCAT.Dataset))
    titles = _texts(record.title) or [Literal(record.source_identifier)]
    for title in titles:
        graph.add((ds, DCTERMS.title, title))
    for text in _texts(record.description) or titles:
        graph.add((ds, DCTERMS.description, text))
    for lang, terms in record.keywords.items():
        for term in terms:
            graph.add((ds, DCAT.keyword, _lit(term, lang)))
    _add_identifiers(graph, ds, record)
    for theme in record.themes:
        graph.add((ds, DCAT.theme, _concept(graph, theme, _theme_iri(theme, base_url))))
    for subject in record.subjects:
        graph.add((ds, DCTERMS.subject, _concept(graph, subject)))
    graph.add((ds, DCTERMS.type, _concept(graph, record.resource_kind.value)))
    if record.publisher:
        graph.add((ds, DCTERMS.publisher, _agent(graph, record.publisher)))
    for creator in record.creators:
        graph.add((ds, DCTERMS.creator, _agent(graph, creator)))
    _add_contact(graph, ds, record)
    for predicate, day in ((DCTERMS.issued, record.issued), (DCTERMS.modified, record.modified)):
        if day:
            graph.add((ds, predicate, Literal(day.isoformat(), datatype=XSD.date)))
    _add_temporal(graph, ds, record)
    for place in record.spatial:
        graph.add((ds, DCTERMS.spatial, _location(graph, place)))
    for lang in record.languages:
        if lang in _EU_LANGUAGES:
            language = URIRef(_LANGUAGE + _EU_LANGUAGES[lang])
            graph.add((ds, DCTERMS.language, language))
            graph.add((language, RDF.type, DCTERMS.LinguisticSystem))
    if record.landing_page and is_url(record.landing_page):
        page = URIRef(record.landing_page)
        graph.add((ds, DCAT.landingPage, page))
        graph.add((page, RDF.type, FOAF.Document))
    licence = _licence(graph, record.license) if record.license else None
    if licence is not None:
        graph.add((ds, DCTERMS.license, licence))
    _add_access(graph, ds, record)
    _add_distributions(graph, ds, record, licence)
    return ds


def _lit(text: str, lang: str | None) -> Literal:
    return Literal(text, lang=lang if lang and lang != "und" else None)


def _node(value: str | None) -> Node:
    """An IRI when the value is a URL, else a blank node to hang labels on."""
    return URIRef(value) if value and is_url(value) else BNode()


def _texts(text: dict[str, str]) -> list[Literal]:
    return [_lit(value, lang) for lang, value in text.items() if value]


def _theme_iri(theme: str, base_url: str) -> str:
    """DCAT-AP wants theme IRIs; a theme the source only named gets one in the portal's space."""
    return theme if is_url(theme) else f"{base_url.rstrip('/')}/vocab/theme/{quote(theme, safe='')}"


def _concept(graph: Graph, value: str, iri: str | None = None) -> Node:
    node = _node(iri or value)
    label = value.rstrip("/").rsplit("/", 1)[-1] if is_url(value) else value
    graph.add((node, RDF.type, SKOS.Concept))
    graph.add((node, SKOS.prefLabel, _lit(label, guess_lang(label))))
    return node


def _agent(graph: Graph, agent: Agent) -> Node:
    node: Node = (
        URIRef(agent.identifier) if agent.identifier and is_url(agent.identifier) else BNode()
    )
    graph.add((node, RDF.type, FOAF.Agent))
    kind = {"person": FOAF.Person, "organization": FOAF.Organization}.get(agent.kind)
    if kind is not None:
        graph.add((node, RDF.type, kind))
    graph.add((node, FOAF.name, _lit(agent.name, guess_lang(agent.name))))
    if agent.name_en:
        graph.add((node, FOAF.name, Literal(agent.name_en, lang="en")))
    return node


def _add_identifiers(graph: Graph, ds: URIRef, record: Record) -> None:
    primary = record.cstr or record.doi or record.cstr_original or record.source_identifier
    graph.add((ds, DCTERMS.identifier, Literal(primary)))
    own: list[tuple[str, str]] = []
    if record.cstr:
        own.append(("CSTR", record.cstr))
    if record.doi:
        own.append(("DOI", record.doi))
    own += [(i.scheme, i.value) for i in record.identifiers if i.relation is None]
    for scheme, value in own:
        node = BNode()
        graph.add((ds, ADMS.identifier, node))
        graph.add((node, RDF.type, ADMS.Identifier))
        datatype = CSTR_SCHEME if scheme == "CSTR" and is_cstr(value) else None
        graph.add((node, SKOS.notation, Literal(value, datatype=datatype)))
        graph.add((node, ADMS.schemeAgency, Literal(scheme)))
    for related in record.identifiers:
        if related.relation is not None and (target := _resolvable(related.scheme, related.value)):
            graph.add((ds, DCTERMS.relation, URIRef(target)))


def _resolvable(scheme: str, value: str) -> str | None:
    if scheme == "DOI":
        return f"https://doi.org/{value}"
    if scheme == "CSTR" and is_cstr(value):
        return CSTR_RESOLVER + value
    return value if is_url(value) else None


def _add_contact(graph: Graph, ds: URIRef, record: Record) -> None:
    contact = record.contact_point
    if contact is None or not any(contact.model_dump().values()):
        return
    node = BNode()
    graph.add((ds, DCAT.contactPoint, node))
    graph.add((node, RDF.type, VCARD.Kind))
    if contact.name:
        graph.add((node, VCARD.fn, _lit(contact.name, guess_lang(contact.name))))
    if contact.email:
        graph.add((node, VCARD.hasEmail, URIRef(f"mailto:{contact.email}")))
    if contact.phone:
        graph.add((node, VCARD.hasTelephone, URIRef(f"tel:{contact.phone.replace(' ', '')}")))
    if contact.url and is_url(contact.url):
        graph.add((node, VCARD.hasURL, URIRef(contact.url)))
    if contact.address:
        address = BNode()
        graph.add((node, VCARD.hasAddress, address))
        graph.add((address, VCARD["street-address"], Literal(contact.address)))


def _add_temporal(graph: Graph, ds: URIRef, record: Record) -> None:
    if record.temporal is None or not (record.temporal.start or record.temporal.end):
        return
    period = BNode()
    graph.add((ds, DCTERMS.temporal, period))
    graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
    for predicate, day in (
        (DCAT.startDate, record.temporal.start),
        (DCAT.endDate, record.temporal.end),
    ):
        if day:
            graph.add((period, predicate, Literal(day.isoformat(), datatype=XSD.date)))


def _location(graph: Graph, place: str) -> Node:
    if is_url(place):
        node: Node = URIRef(place)
    else:
        node = BNode()
        if place.startswith(("POINT", "POLYGON", "MULTIPOLYGON", "LINESTRING")):
            graph.add((node, LOCN.geometry, Literal(place, datatype=GSP.wktLiteral)))
        else:
            graph.add((node, SKOS.prefLabel, _lit(place, guess_lang(place))))
    graph.add((node, RDF.type, DCTERMS.Location))
    return node


def _licence(graph: Graph, licence: str) -> Node:
    node = _node(licence)
    graph.add((node, RDF.type, DCTERMS.LicenseDocument))
    if not is_url(licence):
        graph.add((node, RDFS.label, Literal(licence)))
    return node


def _add_access(graph: Graph, ds: URIRef, record: Record) -> None:
    if record.access_rights is None:
        return
    node = ACCESS_RIGHTS[record.access_rights]
    graph.add((ds, DCTERMS.accessRights, node))
    graph.add((node, RDF.type, DCTERMS.RightsStatement))
    zh, en = _ACCESS_LABELS[record.access_rights]
    graph.add((node, RDFS.label, Literal(zh, lang="zh")))
    graph.add((node, RDFS.label, Literal(en, lang="en")))


def _add_distributions(graph: Graph, ds: URIRef, record: Record, licence: Node | None) -> None:
    distributions = list(record.distributions)
    if not distributions and record.landing_page and is_url(record.landing_page):
        distributions = [Distribution(access_url=record.landing_page)]
    fallback = record.landing_page if is_url(record.landing_page) else str(ds)
    for dist in distributions:
        node = BNode()
        graph.add((ds, DCAT.distribution, node))
        graph.add((node, RDF.type, DCAT.Distribution))
        access = next(u for u in (dist.access_url, dist.download_url, fallback) if is_url(u))
        graph.add((node, DCAT.accessURL, URIRef(str(access))))
        if dist.download_url and is_url(dist.download_url):
            graph.add((node, DCAT.downloadURL, URIRef(dist.download_url)))
        if dist.title:
            graph.add((node, DCTERMS.title, _lit(dist.title, guess_lang(dist.title))))
        if dist.format:
            fmt = _node(dist.format)
            graph.add((node, DCTERMS.format, fmt))
            graph.add((fmt, RDF.type, DCTERMS.MediaTypeOrExtent))
            if not is_url(dist.format):
                graph.add((fmt, RDFS.label, Literal(dist.format)))
        if dist.media_type and "/" in dist.media_type and " " not in dist.media_type:
            media = URIRef(_IANA + dist.media_type)
            graph.add((node, DCAT.mediaType, media))
            graph.add((media, RDF.type, DCTERMS.MediaType))
        if dist.byte_size is not None and dist.byte_size >= 0:
            size = Literal(str(dist.byte_size), datatype=XSD.nonNegativeInteger)
            graph.add((node, DCAT.byteSize, size))
        if licence is not None:
            graph.add((node, DCTERMS.license, licence))


@dataclass(frozen=True, slots=True)
class CataloguePage:
    """Where one page of the catalogue sits in the whole, for Hydra paging links."""

    base_url: str
    page: int
    page_size: int
    total: int
    publisher: str = "国家科技资源共享服务平台"
    publisher_en: str = "National Science and Technology Resource Sharing Service Platform"

    @property
    def catalogue_iri(self) -> URIRef:
        return URIRef(f"{self.base_url.rstrip('/')}/catalogue")

    def page_iri(self, page: int) -> URIRef:
        query = urlencode({"page": page, "page_size": self.page_size})
        return URIRef(f"{self.catalogue_iri}?{query}")

    @property
    def last_page(self) -> int:
        return max(1, -(-self.total // self.page_size))


CATALOGUE_TEXT = {
    DCTERMS.title: {
        "zh": "国家科技资源共享服务平台资源目录",
        "en": "ShareNet federated resource catalogue",
    },
    DCTERMS.description: {
        "zh": "各国家科技资源共享服务平台资源目录的汇聚与统一",
        "en": "The resource catalogues of the national platforms, harvested and unified.",
    },
}


def catalogue_graph(records: Iterable[Record], page: CataloguePage) -> Graph:
    """One page of the catalogue: a ``dcat:Catalog`` with its datasets and Hydra paging."""
    if page.page < 1 or page.page_size < 1:
        raise MappingError("catalogue page and page size must be positive")
    graph = bind(Graph())
    catalogue = page.catalogue_iri
    graph.add((catalogue, RDF.type, DCAT.Catalog))
    for predicate, texts in CATALOGUE_TEXT.items():
        for lang, text in texts.items():
            graph.add((catalogue, predicate, Literal(text, lang=lang)))
    agent = Agent(name=page.publisher, name_en=page.publisher_en, kind="organization")
    publisher = _agent(graph, agent)
    graph.add((catalogue, DCTERMS.publisher, publisher))
    for record in records:
        graph.add((catalogue, DCAT.dataset, add_record(graph, record, page.base_url)))
    view = page.page_iri(page.page)
    graph.add((view, RDF.type, HYDRA.PagedCollection))
    graph.add((view, HYDRA.totalItems, Literal(page.total)))
    graph.add((view, HYDRA.itemsPerPage, Literal(page.page_size)))
    graph.add((view, HYDRA.firstPage, page.page_iri(1)))
    graph.add((view, HYDRA.lastPage, page.page_iri(page.last_page)))
    if page.page < page.last_page:
        graph.add((view, HYDRA.nextPage, page.page_iri(page.page + 1)))
    if page.page > 1:
        graph.add((view, HYDRA.previousPage, page.page_iri(page.page - 1)))
    return graph


def serialize(graph: Graph, fmt: str) -> str:
    """The graph as ``json-ld``, ``turtle`` or ``xml`` (aliases ``jsonld``, ``ttl``, ``rdf``)."""
    name = FORMAT_ALIASES.get(fmt.lower())
    if name is None:
        raise MappingError(f"unknown RDF format {fmt!r}; use one of {sorted(FORMAT_ALIASES)}")
    return graph.serialize(format=name)
