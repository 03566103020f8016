"""DataCite metadata kernel (3, 4.x) to the unified record.

Accepts a bare ``<resource>``, one wrapped in ``oai_datacite``'s ``<payload>``,
or a whole OAI ``<record>``: the first kernel ``resource`` element is mapped.

Which CSTR is the record's own? DataCite has two places for identifiers besides
the DOI:

- ``alternateIdentifier`` — by definition another identifier *of this
  resource*: a CSTR here is the record's CSTR.
- ``relatedIdentifier`` — identifies *another* resource, qualified by
  ``relationType``. Only ``IsIdenticalTo`` ("A is identical to B, for when two
  separate instances of the same resource are registered") names the resource
  itself, so only then is a CSTR the record's own. ``IsVariantFormOf`` /
  ``IsOriginalFormOf`` name a different form (another encoding or
  arrangement), and ``IsVersionOf``/``HasVersion`` another version: those, like
  every other relation, are kept as related identifiers with their relation.
"""

from __future__ import annotations

import re

from lxml import etree

from mappings.dates import parse_date, parse_period
from mappings.errors import MappingError
from mappings.formats import MappingContext
from mappings.formats.common import (
    blank_record,
    finish,
    place_identifier,
    read_oai_header,
)
from mappings.formats.labelled import read_labelled
from mappings.formats.xml_safe import payload_xml
from mappings.lang import normalise_lang, put_term, put_text
from mappings.record import (
    Agent,
    ContactPoint,
    Distribution,
    Funding,
    PhysicalDetails,
    Record,
    ResourceKind,
    SourcePayload,
)
from mappings.vocabularies import (
    access_from_text,
    is_access_statement,
    is_discipline_code,
    kind_from_text,
)

KERNEL_PREFIX = "http://datacite.org/schema/kernel-"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
SELF_RELATIONS = frozenset({"IsIdenticalTo"})
"""relationTypes whose relatedIdentifier identifies the record itself (see module doc)."""

_SIZE = re.compile(r"^\s*([\d.,]+)\s*([KMGTP]?i?B|bytes?)?\s*$", re.I)


def map_datacite(payload: SourcePayload, context: MappingContext) -> Record:
    """Map a DataCite kernel 3/4 ``resource``, bare or wrapped (oai_datacite, OAI record)."""
    root = payload_xml(payload, f"{payload.source_identifier}: DataCite payload")
    resource = find_resource(root)
    if resource is None:
        raise MappingError(
            f"{payload.source_identifier}: no DataCite kernel <resource> element in the payload"
        )
    ns = etree.QName(resource).namespace or ""
    dc = _Reader(ns)
    record = blank_record(payload, context)
    read_oai_header(record, root)

    identifier = resource.find(dc("identifier"))
    if identifier is not None:
        place_identifier(record, _text(identifier), identifier.get("identifierType"))
    _read_titles(record, dc, resource)
    for desc in resource.iterfind(f"{dc('descriptions')}/{dc('description')}"):
        text = _block_text(desc)
        if not read_labelled(record, text):  # e-mail, phone, address … (labelled.py)
            put_text(record.description, text, desc.get(XML_LANG))
    _read_subjects(record, dc, resource)
    record.creators = [
        _agent(dc, creator, "creatorName")
        for creator in resource.iterfind(f"{dc('creators')}/{dc('creator')}")
        if _text(creator.find(dc("creatorName")))
    ]
    _read_publisher(record, dc, resource)
    _read_contributors(record, dc, resource)
    _read_dates(record, dc, resource)
    for lang in resource.iterfind(dc("language")):
        code = normalise_lang(_text(lang))
        if code and code not in record.languages:
            record.languages.append(code)
    _read_identifiers(record, dc, resource)
    record.resource_kind = _kind(resource.find(dc("resourceType")))
    _read_rights(record, dc, resource)
    _read_funding(record, dc, resource)
    record.spatial = _spatial(dc, resource)
    record.distributions = _distributions(dc, resource)
    return finish(record)


def find_resource(root: etree._Element) -> etree._Element | None:
    """The kernel ``resource`` element wherever the wrapper put it."""
    for element in root.iter(etree.Element):
        qname = etree.QName(element)
        if qname.localname == "resource" and (qname.namespace or "").startswith(KERNEL_PREFIX):
            return element
    return None


class _Reader:
    """Qualified names in the payload's own kernel namespace (kernel-3, kernel-4 …)."""

    def __init__(self, namespace: str) -> None:
        self.namespace = namespace

    def __call__(self, name: str) -> str:
        return f"{{{self.namespace}}}{name}" if self.namespace else name


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return " ".join(_joined(element).split())


def _block_text(element: etree._Element) -> str:
    """Multi-line text (descriptions keep their line breaks)."""
    return _joined(element).strip()


def _joined(element: etree._Element) -> str:
    return "".join(map(str, element.itertext()))


def _read_titles(record: Record, dc: _Reader, resource: etree._Element) -> None:
    titles = list(resource.iterfind(f"{dc('titles')}/{dc('title')}"))
    passes = ({None, "TranslatedTitle"}, {"AlternativeTitle"})
    for wanted in passes:
        for title in titles:
            if title.get("titleType") in wanted:
                put_text(record.title, _text(title), title.get(XML_LANG), append=False)


def _read_subjects(record: Record, dc: _Reader, resource: etree._Element) -> None:
    for subject in resource.iterfind(f"{dc('subjects')}/{dc('subject')}"):
        label = _text(subject)
        scheme = subject.get("subjectScheme") or ""
        code = subject.get("classificationCode")
        if "13745" in scheme and code:
            value = code
        elif scheme or is_discipline_code(label):
            value = label or code or ""
        else:
            put_term(record.keywords, label, subject.get(XML_LANG))
            continue
        if value and value not in record.subjects:
            record.subjects.append(value)


def _agent(dc: _Reader, element: etree._Element, name_tag: str) -> Agent:
    name = element.find(dc(name_tag))
    name_type = name.get("nameType") if name is not None else None
    ident = element.find(dc("nameIdentifier"))
    affiliation = element.find(dc("affiliation"))
    kind = {"Personal": "person", "Organizational": "organization"}.get(name_type or "", "unknown")
    return Agent(
        name=_text(name),
        identifier=_text(ident) or None,
        identifier_scheme=ident.get("nameIdentifierScheme") if ident is not None else None,
        affiliation=_text(affiliation) or None,
        kind=kind,
    )


def _read_publisher(record: Record, dc: _Reader, resource: etree._Element) -> None:
    publisher = resource.find(dc("publisher"))
    name = _text(publisher)
    if publisher is None or not name:
        return
    record.publisher = Agent(
        name=name,
        identifier=publisher.get("publisherIdentifier"),
        identifier_scheme=publisher.get("publisherIdentifierScheme"),
        kind="organization",
    )


def _read_contributors(record: Record, dc: _Reader, resource: etree._Element) -> None:
    for contributor in resource.iterfind(f"{dc('contributors')}/{dc('contributor')}"):
        role = contributor.get("contributorType")
        agent = _agent(dc, contributor, "contributorName")
        if not agent.name:
            continue
        if role == "ContactPerson" and not (record.contact_point and record.contact_point.name):
            record.contact_point = record.contact_point or ContactPoint()
            record.contact_point.name = agent.name
        elif role == "Funder":  # kernel 3 put funders among the contributors
            record.funding.append(Funding(funder=agent.name))
        elif role == "HostingInstitution" and record.publisher is None:
            record.publisher = agent


def _read_dates(record: Record, dc: _Reader, resource: etree._Element) -> None:
    dates: dict[str, str] = {}
    for element in resource.iterfind(f"{dc('dates')}/{dc('date')}"):
        kind = element.get("dateType") or "Other"
        info = (element.get("dateInformation") or "").lower()
        if kind == "Other" and any(word in info for word in ("coverage", "period", "time")):
            kind = "Coverage"
        dates.setdefault(kind, _text(element))
    year = _text(resource.find(dc("publicationYear")))
    record.issued = (
        parse_date(dates.get("Issued")) or parse_date(dates.get("Available")) or parse_date(year)
    )
    record.modified = parse_date(dates.get("Updated"))
    record.temporal = parse_period(dates.get("Coverage")) or parse_period(dates.get("Collected"))


def _read_identifiers(record: Record, dc: _Reader, resource: etree._Element) -> None:
    for alt in resource.iterfind(f"{dc('alternateIdentifiers')}/{dc('alternateIdentifier')}"):
        scheme = alt.get("alternateIdentifierType") or None
        if scheme and "accession" in scheme.lower():
            record.physical = record.physical or PhysicalDetails()
            record.physical.accession_number = record.physical.accession_number or _text(alt)
        place_identifier(record, _text(alt), scheme)
    for rel in resource.iterfind(f"{dc('relatedIdentifiers')}/{dc('relatedIdentifier')}"):
        relation = rel.get("relationType") or "Relation"
        own = relation in SELF_RELATIONS
        place_identifier(
            record, _text(rel), rel.get("relatedIdentifierType"), relation=None if own else relation
        )


def _kind(element: etree._Element | None) -> ResourceKind:
    if element is None:
        return ResourceKind.DATASET
    general = element.get("resourceTypeGeneral") or ""
    specific = kind_from_text(_text(element))
    if general == "Dataset":
        return ResourceKind.DATASET
    if specific is not None and specific.is_physical:
        return specific
    if general == "PhysicalObject":
        return ResourceKind.MATERIAL
    return kind_from_text(general) or specific or ResourceKind.DATASET


def _read_rights(record: Record, dc: _Reader, resource: etree._Element) -> None:
    for rights in resource.iterfind(f"{dc('rightsList')}/{dc('rights')}"):
        uri = (rights.get("rightsURI") or "").strip()
        text = _text(rights)
        if uri and is_access_statement(uri):
            record.access_rights = record.access_rights or access_from_text(uri)
            continue
        licence = uri or rights.get("rightsIdentifier") or text
        level = None if uri or rights.get("rightsIdentifier") else access_from_text(text)
        if level:
            record.access_rights = record.access_rights or level
        elif licence and record.license is None:
            record.license = licence


def _read_funding(record: Record, dc: _Reader, resource: etree._Element) -> None:
    for ref in resource.iterfind(f"{dc('fundingReferences')}/{dc('fundingReference')}"):
        funder = _text(ref.find(dc("funderName")))
        if funder:
            award = _text(ref.find(dc("awardNumber"))) or _text(ref.find(dc("awardTitle")))
            record.funding.append(Funding(funder=funder, award=award or None))


def _spatial(dc: _Reader, resource: etree._Element) -> list[str]:
    """Place names, and geometries as WKT (longitude first) so serializers can reuse them."""
    places: list[str] = []
    for geo in resource.iterfind(f"{dc('geoLocations')}/{dc('geoLocation')}"):
        for place in geo.iterfind(dc("geoLocationPlace")):
            if _text(place):
                places.append(_text(place))
        point = geo.find(dc("geoLocationPoint"))
        if point is not None and (xy := _point(dc, point)):
            places.append(f"POINT ({xy})")
        box = geo.find(dc("geoLocationBox"))
        if box is not None:
            edges = [
                _text(box.find(dc(name)))
                for name in (
                    "westBoundLongitude",
                    "southBoundLatitude",
                    "eastBoundLongitude",
                    "northBoundLatitude",
                )
            ]
            if all(edges):
                w, s, e, n = edges
                places.append(f"POLYGON (({w} {s}, {e} {s}, {e} {n}, {w} {n}, {w} {s}))")
        for polygon in geo.iterfind(dc("geoLocationPolygon")):
            ring = [_point(dc, p) for p in polygon.iterfind(dc("polygonPoint"))]
            if ring and all(ring):
                places.append(f"POLYGON (({', '.join(ring)}))")
    return places


def _point(dc: _Reader, element: etree._Element) -> str:
    lon = _text(element.find(dc("pointLongitude")))
    lat = _text(element.find(dc("pointLatitude")))
    return f"{lon} {lat}" if lon and lat else ""


def _distributions(dc: _Reader, resource: etree._Element) -> list[Distribution]:
    """Formats and sizes as distributions: paired when the source lists them one to one."""
    formats = [_text(f) for f in resource.iterfind(f"{dc('formats')}/{dc('format')}") if _text(f)]
    sizes = [byte_size(_text(s)) for s in resource.iterfind(f"{dc('sizes')}/{dc('size')}")]
    if formats and len(formats) == len(sizes):
        return [_distribution(fmt, size) for fmt, size in zip(formats, sizes, strict=True)]
    distinct = list(dict.fromkeys(formats))
    known = [size for size in sizes if size is not None]
    total = sum(known) if len(distinct) == 1 and len(known) == len(sizes) else None
    return [_distribution(fmt, total) for fmt in distinct]


def _distribution(fmt: str, size: int | None) -> Distribution:
    if "/" in fmt and " " not in fmt:
        return Distribution(media_type=fmt, byte_size=size)
    return Distribution(format=fmt, byte_size=size)


def byte_size(text: str) -> int | None:
    """Bytes in a size statement like ``13.6 MB`` or ``21865``; ``None`` for ``90 pages``."""
    match = _SIZE.match(text)
    if not match:
        return None
    try:
        number = float(match[1].replace(",", ""))
    except ValueError:
        return None
    unit = (match[2] or "").lower()
    if unit in {"", "b", "byte", "bytes"}:
        return int(number)
    power = "kmgtp".index(unit[0]) + 1
    return int(number * (1024 if "ib" in unit else 1000) ** power)
