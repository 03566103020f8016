"""DCAT (any profile: DCAT-AP, DCAT-AP.de, POD JSON-LD, udata) to the unified record.

A DCAT document is a catalogue of many datasets; the harvester stores one
payload per dataset. :func:`datasets_in` lists the datasets of a parsed graph,
:func:`dataset_payload` cuts out one dataset's closure (the dataset and the
nodes it points to: distributions, contact points, publisher, periods,
places, identifiers — but never other datasets or the catalogue) as sorted
N-Triples, and :func:`map_dcat` maps such a payload back.

Nothing is lost silently: :func:`unmapped_predicates` names every property of
the dataset or its distributions that the mapping does not place, so
``sources check`` can show it and tests can pin it to a documented list.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Iterator

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, SKOS, Namespace
from rdflib.term import Node

from mappings.dates import parse_date, parse_period
from mappings.errors import MappingError
from mappings.formats import MappingContext
from mappings.formats.common import (
    blank_record,
    finish,
    is_cstr,
    place_identifier,
)
from mappings.formats.rdf_safe import parse_rdf
from mappings.lang import guess_lang, normalise_lang, put_term, put_text
from mappings.record import (
    Agent,
    ContactPoint,
    Distribution,
    Record,
    SourcePayload,
    Temporal,
)
from mappings.vocabularies import access_from_text, kind_from_text

DCAT = Namespace("http://www.w3.org/ns/dcat#")
"""Open namespace: rdflib's closed DCAT lacks terms real catalogues use (dcat:identifier)."""
ADMS = Namespace("http://www.w3.org/ns/adms#")
VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
SCHEMA = Namespace("http://schema.org/")
TIME = Namespace("http://www.w3.org/2006/time#")
GSP = Namespace("http://www.opengis.net/ont/geosparql#")
POD_LICENSE = URIRef("http://purl.org/dc/terms/#license")
"""ckanext-dcat's POD context maps ``license`` to this (misspelt) IRI; read it as dct:license."""

_IANA = "https://www.iana.org/assignments/media-types/"
_STOP = {DCAT.Dataset, DCAT.Catalog, DCAT.DatasetSeries, DCAT.DataService}
_MAX_DEPTH = 4

DATASET_PREDICATES = frozenset(
    {
        RDF.type,
        DCTERMS.title,
        DCTERMS.description,
        DCAT.keyword,
        DCTERMS.identifier,
        DCAT.identifier,
        ADMS.identifier,
        DCAT.landingPage,
        DCAT.distribution,
        DCAT.contactPoint,
        ADMS.contactPoint,
        DCTERMS.publisher,
        DCTERMS.creator,
        DCTERMS.issued,
        DCTERMS.modified,
        DCTERMS.temporal,
        DCTERMS.spatial,
        DCAT.theme,
        DCTERMS.subject,
        DCTERMS.license,
        POD_LICENSE,
        DCTERMS.accessRights,
        DCTERMS.rights,
        DCTERMS.type,
        DCTERMS.language,
        DCTERMS.relation,
        DCTERMS.isVersionOf,
        DCTERMS.source,
    }
)
DISTRIBUTION_PREDICATES = frozenset(
    {
        RDF.type,
        DCAT.accessURL,
        DCAT.downloadURL,
        DCTERMS.format,
        DCAT.mediaType,
        DCAT.byteSize,
        DCTERMS.title,
        DCTERMS.license,
        DCTERMS.rights,
        DCTERMS.accessRights,
    }
)


def datasets_in(graph: Graph) -> list[tuple[str, Node]]:
    """Every dataset of a catalogue graph with the identifier the store keys it by.

    An IRI names a dataset globally, so it wins; a blank-node dataset is keyed
    by its ``dct:identifier``, else its landing page, else a hash of its title.
    """
    found: dict[str, Node] = {}
    for node in set(graph.subjects(RDF.type, DCAT.Dataset)):
        found.setdefault(_dataset_key(graph, node), node)
    return sorted(found.items(), key=lambda item: item[0])


def _dataset_key(graph: Graph, node: Node) -> str:
    if isinstance(node, URIRef):
        return str(node)
    for predicate in (DCTERMS.identifier, DCAT.identifier, DCAT.landingPage):
        value = graph.value(node, predicate)
        if value is not None and str(value).strip():
            return str(value).strip()
    title = "|".join(sorted(str(t) for t in graph.objects(node, DCTERMS.title)))
    if not title:
        raise MappingError("a blank-node dcat:Dataset has no identifier, landing page or title")
    return "urn:sharenet:dcat:" + hashlib.sha256(title.encode()).hexdigest()[:16]


def dataset_payload(graph: Graph, node: Node) -> str:
    """The dataset's closure as sorted N-Triples: what the store keeps as the raw payload."""
    closure = Graph()
    for triple in _closure(graph, node):
        closure.add(triple)
    lines = closure.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def _closure(graph: Graph, start: Node) -> Iterator[tuple[Node, Node, Node]]:
    seen = {start}
    frontier = [start]
    for _depth in range(_MAX_DEPTH):
        following: list[Node] = []
        for subject in frontier:
            for predicate, obj in graph.predicate_objects(subject):
                yield subject, predicate, obj
                if obj in seen or isinstance(obj, Literal) or predicate == RDF.type:
                    continue
                if any((obj, RDF.type, kind) in graph for kind in _STOP):
                    continue
                seen.add(obj)
                following.append(obj)
        frontier = following


def map_dcat(payload: SourcePayload, context: MappingContext) -> Record:
    """Map one dataset payload (its closure, in N-Triples or Turtle)."""
    graph = parse_rdf(payload.raw, "turtle", what=f"{payload.source_identifier}: DCAT payload")
    node = _find_dataset(graph, payload.source_identifier)
    return map_dataset(graph, node, payload, context)


def _find_dataset(graph: Graph, identifier: str) -> Node:
    datasets = datasets_in(graph)
    for key, node in datasets:
        if key == identifier:
            return node
    if len(datasets) == 1:
        return datasets[0][1]
    raise MappingError(
        f"{identifier}: the DCAT payload holds {len(datasets)} datasets and none is keyed "
        f"{identifier!r}"
    )


def map_dataset(
    graph: Graph, node: Node, payload: SourcePayload, context: MappingContext
) -> Record:
    """Map one ``dcat:Dataset`` node of a graph."""
    record = blank_record(payload, context)
    for lang in graph.objects(node, DCTERMS.language):
        code = normalise_lang(_label_or_iri(graph, lang, prefer_iri=True))
        if code and code not in record.languages:
            record.languages.append(code)
    tag = _tagger(record.languages)
    for title in _literals(graph, node, DCTERMS.title):
        put_text(record.title, str(title), tag(title), append=False)
    for text in _literals(graph, node, DCTERMS.description):
        put_text(record.description, str(text), tag(text))
    for keyword in _literals(graph, node, DCAT.keyword):
        put_term(record.keywords, str(keyword), tag(keyword))
    record.landing_page = _first_text(graph, node, DCAT.landingPage)
    _read_identifiers(graph, node, record)
    distributions = [
        _distribution(graph, d, record) for d in graph.objects(node, DCAT.distribution)
    ]
    # A distribution the document references but never describes says nothing.
    record.distributions = [d for d in distributions if d != Distribution()]
    contact = graph.value(node, DCAT.contactPoint) or graph.value(node, ADMS.contactPoint)
    record.contact_point = _contact(graph, contact) if contact is not None else None
    publisher = graph.value(node, DCTERMS.publisher)
    record.publisher = _agent(graph, publisher) if publisher is not None else None
    creators = (_agent(graph, c) for c in graph.objects(node, DCTERMS.creator))
    record.creators = [agent for agent in creators if agent is not None]
    record.issued = parse_date(_first_text(graph, node, DCTERMS.issued))
    record.modified = parse_date(_first_text(graph, node, DCTERMS.modified))
    temporal = graph.value(node, DCTERMS.temporal)
    record.temporal = _temporal(graph, temporal) if temporal is not None else None
    for place in graph.objects(node, DCTERMS.spatial):
        for name in _places(graph, place):
            if name not in record.spatial:
                record.spatial.append(name)
    record.themes = _unique(_label_or_iri(graph, t) for t in graph.objects(node, DCAT.theme))
    record.subjects = _unique(_label_or_iri(graph, s) for s in graph.objects(node, DCTERMS.subject))
    for predicate in (DCTERMS.license, POD_LICENSE):
        for licence in graph.objects(node, predicate):
            record.license = record.license or _label_or_iri(graph, licence, prefer_iri=True)
    _read_access(graph, node, record)
    for kind in graph.objects(node, DCTERMS.type):
        record.resource_kind = kind_from_text(_label_or_iri(graph, kind)) or record.resource_kind
    for predicate in (DCTERMS.relation, DCTERMS.isVersionOf, DCTERMS.source):
        relation = predicate.split("/")[-1]
        for related in graph.objects(node, predicate):
            place_identifier(record, str(related), relation=relation[0].upper() + relation[1:])
    return finish(record)


def _tagger(languages: list[str]) -> Callable[[Literal], str | None]:
    """Untagged text is in the dataset's one declared language, unless it is plainly Chinese."""
    default = languages[0] if len(languages) == 1 and languages[0] != "zh" else None

    def tag(literal: Literal) -> str | None:
        if literal.language or default is None:
            return literal.language
        return "zh" if guess_lang(str(literal)) == "zh" else default

    return tag


def unmapped_predicates(graph: Graph, node: Node) -> set[str]:
    """Properties of the dataset and its distributions that live only in the raw payload."""
    left = {str(p) for p in graph.predicates(node) if p not in DATASET_PREDICATES}
    for dist in graph.objects(node, DCAT.distribution):
        left |= {str(p) for p in graph.predicates(dist) if p not in DISTRIBUTION_PREDICATES}
    return left


def _literals(graph: Graph, node: Node, predicate: URIRef) -> list[Literal]:
    return [obj for obj in graph.objects(node, predicate) if isinstance(obj, Literal)]


def _first_text(graph: Graph, node: Node, predicate: URIRef) -> str | None:
    for obj in graph.objects(node, predicate):
        if not isinstance(obj, BNode) and str(obj).strip():
            return str(obj).strip()
    return None


def _label(graph: Graph, node: Node) -> str | None:
    for predicate in (SKOS.prefLabel, RDFS.label, FOAF.name, VCARD.fn, DCTERMS.title):
        labels = _literals(graph, node, predicate)
        if labels:
            chosen = next((x for x in labels if x.language in {None, "en"}), labels[0])
            return str(chosen)
    return None


def _label_or_iri(graph: Graph, node: Node, *, prefer_iri: bool = False) -> str:
    if isinstance(node, Literal):
        return str(node).strip()
    if prefer_iri and isinstance(node, URIRef):
        return str(node)
    return _label(graph, node) or ("" if isinstance(node, BNode) else str(node))


def _unique(values: Iterable[str]) -> list[str]:
    return [value for value in dict.fromkeys(values) if value]


def _read_identifiers(graph: Graph, node: Node, record: Record) -> None:
    literals = [
        str(v) for p in (DCTERMS.identifier, DCAT.identifier) for v in graph.objects(node, p)
    ]
    # A CSTR among the identifiers is the national identifier: place it first.
    for value in sorted(literals, key=lambda v: not is_cstr(v)):
        place_identifier(record, value)
    for ident in graph.objects(node, ADMS.identifier):
        if isinstance(ident, Literal | URIRef) and not graph.value(ident, SKOS.notation):
            place_identifier(record, str(ident))
            continue
        notation = graph.value(ident, SKOS.notation)
        if notation is None:
            continue
        agency = graph.value(ident, ADMS.schemeAgency)
        scheme = None
        if (
            isinstance(notation, Literal) and notation.datatype and "cstr" in notation.datatype
        ) or (agency is not None and "CSTR" in str(agency).upper()):
            scheme = "CSTR"
        place_identifier(record, str(notation), scheme)


def _distribution(graph: Graph, node: Node, record: Record) -> Distribution:
    fmt = graph.value(node, DCTERMS.format)
    media = graph.value(node, DCAT.mediaType)
    format_text = media_text = None
    if fmt is not None:
        value = graph.value(fmt, RDF.value)
        format_text = _label_or_iri(graph, fmt, prefer_iri=_label(graph, fmt) is None)
        media_text = str(value) if value is not None and "/" in str(value) else None
    if media is not None:
        media_text = _label_or_iri(graph, media, prefer_iri=True).removeprefix(_IANA)
    for predicate in (DCTERMS.license, POD_LICENSE):
        licence = graph.value(node, predicate)
        if licence is not None and record.license is None:
            record.license = _label_or_iri(graph, licence, prefer_iri=True)
    title = _literals(graph, node, DCTERMS.title)
    return Distribution(
        access_url=_first_text(graph, node, DCAT.accessURL),
        download_url=_first_text(graph, node, DCAT.downloadURL),
        format=format_text or None,
        media_type=media_text or None,
        byte_size=_int(_first_text(graph, node, DCAT.byteSize)),
        title=str(title[0]) if title else None,
    )


def _int(text: str | None) -> int | None:
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _contact(graph: Graph, node: Node) -> ContactPoint:
    if isinstance(node, Literal):
        return ContactPoint(name=str(node))
    email = _first_text(graph, node, VCARD.hasEmail)
    phone_node = graph.value(node, VCARD.hasTelephone)
    phone = None
    if phone_node is not None:
        phone = _first_text(graph, phone_node, VCARD.hasValue) or (
            None if isinstance(phone_node, BNode) else str(phone_node)
        )
    address_node = graph.value(node, VCARD.hasAddress)
    address = None
    if address_node is not None:
        parts = [
            _first_text(graph, address_node, VCARD[name])
            for name in ("street-address", "locality", "region", "postal-code", "country-name")
        ]
        address = ", ".join(p for p in parts if p) or None
    return ContactPoint(
        name=_first_text(graph, node, VCARD.fn)
        or _first_text(graph, node, VCARD["organization-name"]),
        email=email.removeprefix("mailto:") if email else None,
        phone=phone.removeprefix("tel:") if phone else None,
        address=address,
        url=_first_text(graph, node, VCARD.hasURL),
    )


def _agent(graph: Graph, node: Node) -> Agent | None:
    """The agent a node describes; ``None`` for a blank node the document never names."""
    if isinstance(node, Literal):
        return Agent(name=str(node))
    names = _literals(graph, node, FOAF.name) or _literals(graph, node, SKOS.prefLabel)
    names = names or _literals(graph, node, VCARD.fn) or _literals(graph, node, RDFS.label)
    by_lang = {normalise_lang(n.language) or "": str(n) for n in names}
    if not names and isinstance(node, BNode):
        return None
    main = by_lang.get("zh") or by_lang.get("") or (str(names[0]) if names else str(node))
    english = by_lang.get("en")
    types = set(graph.objects(node, RDF.type))
    kind = "person" if FOAF.Person in types or VCARD.Individual in types else "organization"
    return Agent(
        name=main,
        name_en=english if english and english != main else None,
        identifier=str(node) if isinstance(node, URIRef) else None,
        identifier_scheme="URI" if isinstance(node, URIRef) else None,
        kind=kind if types else "unknown",
    )


def _temporal(graph: Graph, node: Node) -> Temporal | None:
    if isinstance(node, Literal):
        return parse_period(str(node))
    start = _first_text(graph, node, DCAT.startDate) or _first_text(graph, node, SCHEMA.startDate)
    end = _first_text(graph, node, DCAT.endDate) or _first_text(graph, node, SCHEMA.endDate)
    for edge, predicate in ((start, TIME.hasBeginning), (end, TIME.hasEnd)):
        instant = graph.value(node, predicate)
        if edge is None and instant is not None:
            found = _first_text(graph, instant, TIME.inXSDDate) or _first_text(
                graph, instant, TIME.inXSDDateTimeStamp
            )
            start, end = (found, end) if predicate == TIME.hasBeginning else (start, found)
    if not start and not end:
        return None
    return Temporal(start=parse_date(start), end=parse_date(end, end=True))


def _places(graph: Graph, node: Node) -> list[str]:
    """A place as names, WKT geometry and gazetteer IRIs (GeoJSON is kept raw only)."""
    if isinstance(node, Literal):
        return [str(node)]
    found: list[str] = []
    label = _label(graph, node) or _first_text(graph, node, LOCN.geographicName)
    if label:
        found.append(label)
    for predicate in (LOCN.geometry, DCAT.bbox, DCAT.centroid):
        for geometry in _literals(graph, node, predicate):
            if geometry.datatype == GSP.wktLiteral:
                found.append(str(geometry))
    for _predicate, obj in graph.predicate_objects(node):
        if isinstance(obj, URIRef) and obj not in _STOP and _predicate != RDF.type:
            found.append(str(obj))
    if isinstance(node, URIRef):
        found.append(str(node))
    return found


def _read_access(graph: Graph, node: Node, record: Record) -> None:
    statements = list(graph.objects(node, DCTERMS.accessRights))
    for dist in graph.objects(node, DCAT.distribution):
        statements += list(graph.objects(dist, DCTERMS.accessRights))
    for statement in statements:
        text = " ".join(
            t
            for t in (
                _label_or_iri(graph, statement),
                _label_or_iri(graph, statement, prefer_iri=True),
            )
            if t
        )
        level = access_from_text(text)
        if level and record.access_rights is None:
            record.access_rights = level
            reason = _label(graph, statement)
            if reason and level.value != "open":
                record.access_rights_reason = reason
