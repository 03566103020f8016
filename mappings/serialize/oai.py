"""Records as OAI-PMH metadata: ``oai_dc`` and ``oai_datacite`` (DataCite kernel 4.6).

The portal's OAI provider renders each record through these functions; both
return lxml elements ready to sit inside ``<metadata>``. DataCite output
validates against the official 4.6 schema (tested). Choices the schema forces:

- ``identifier`` is the DOI; without one, the CSTR (``identifierType="CSTR"``);
  without either, the source's identifier (``identifierType="Local"``). A CSTR
  that is not the main identifier is an ``alternateIdentifier`` — which the
  DataCite mapping reads back as the record's own CSTR.
- ``creators`` and ``publicationYear`` are mandatory: a record without creators
  names its publisher (else DataCite's ``:unav``); without a year it uses the
  year the source last stamped it.
- Related identifiers keep their relationType; oai_dc's untyped ``Relation`` is
  written as ``References``. Schemes DataCite does not list are left out.
- Contact point, physical details and sharing, for which neither format has
  elements, are written as ShareNet's labelled lines (docs/labelled-lines.md),
  the accession number as an identifier: a ShareNet harvesting this one maps
  them back.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

from lxml import etree

from mappings.formats.labelled import Part, labelled_text
from mappings.record import AccessRights, Identifier, Record, ResourceKind
from mappings.vocabularies import discipline_name, is_discipline_code, subject_code

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
OAI_DC_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
DC_NS = "http://purl.org/dc/elements/1.1/"
DATACITE_NS = "http://datacite.org/schema/kernel-4"
DATACITE_SCHEMA = "http://schema.datacite.org/meta/kernel-4.6/metadata.xsd"
OAI_DATACITE_NS = "http://schema.datacite.org/oai/oai-1.1/"
OAI_DATACITE_SCHEMA = "http://schema.datacite.org/oai/oai-1.1/oai.xsd"
DATACENTRE = "SHARENET"

_EU_ACCESS = {
    AccessRights.OPEN: "info:eu-repo/semantics/openAccess",
    AccessRights.CONDITIONAL: "info:eu-repo/semantics/restrictedAccess",
    AccessRights.RESTRICTED: "info:eu-repo/semantics/closedAccess",
}
RELATION_TYPES = frozenset(
    [
        "IsCitedBy",
        "Cites",
        "IsSupplementTo",
        "IsSupplementedBy",
        "IsContinuedBy",
        "Continues",
        "IsNewVersionOf",
        "IsPreviousVersionOf",
        "IsPartOf",
        "HasPart",
        "IsPublishedIn",
        "IsReferencedBy",
        "References",
        "IsDocumentedBy",
        "Documents",
        "IsCompiledBy",
        "Compiles",
        "IsVariantFormOf",
        "IsOriginalFormOf",
        "IsIdenticalTo",
        "HasMetadata",
        "IsMetadataFor",
        "Reviews",
        "IsReviewedBy",
        "IsDerivedFrom",
        "IsSourceOf",
        "Describes",
        "IsDescribedBy",
        "HasVersion",
        "IsVersionOf",
        "Requires",
        "IsRequiredBy",
        "Obsoletes",
        "IsObsoletedBy",
        "Collects",
        "IsCollectedBy",
        "HasTranslation",
        "IsTranslationOf",
    ]
)
_RELATION_ALIASES = {"Relation": "References", "Source": "IsDerivedFrom"}
RELATED_ID_TYPES = frozenset(
    [
        "ARK",
        "arXiv",
        "bibcode",
        "CSTR",
        "DOI",
        "EAN13",
        "EISSN",
        "Handle",
        "IGSN",
        "ISBN",
        "ISSN",
        "ISTC",
        "LISSN",
        "LSID",
        "PMID",
        "PURL",
        "RRID",
        "UPC",
        "URL",
        "URN",
        "w3id",
    ]
)
_POINT = re.compile(r"^POINT\s*\(\s*(\S+)\s+(\S+)\s*\)$")
_POLYGON = re.compile(r"^POLYGON\s*\(\(\s*(.+?)\s*\)\)$")


def oai_dc_element(record: Record) -> etree._Element:
    """``<oai_dc:dc>`` for a record."""
    root = etree.Element(
        f"{{{OAI_DC_NS}}}dc",
        nsmap={"oai_dc": OAI_DC_NS, "dc": DC_NS, "xsi": XSI},
    )
    root.set(
        f"{{{XSI}}}schemaLocation", f"{OAI_DC_NS} http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
    )

    def add(name: str, text: str | None, lang: str | None = None) -> None:
        if text:
            element = etree.SubElement(root, f"{{{DC_NS}}}{name}")
            element.text = text
            if lang and lang != "und":
                element.set(XML_LANG, lang)

    for lang, title in record.title.items():
        add("title", title, lang)
    for creator in record.creators:
        add("creator", creator.name)
    for lang, terms in record.keywords.items():
        for term in terms:
            add("subject", term, lang)
    for subject in record.subjects:
        add("subject", subject)
    for lang, text in record.description.items():
        add("description", text, lang)
    for line in labelled_text(record, leave_out=_ACCESSION):
        add("description", line)
    if record.publisher:
        add("publisher", record.publisher.name)
    for day in (record.issued, record.modified):
        add("date", day.isoformat() if day else None)
    add("type", _dc_type(record.resource_kind))
    for dist in record.distributions:
        add("format", dist.media_type or dist.format)
    if record.cstr:
        add("identifier", record.cstr)
    elif record.cstr_original:
        add("identifier", record.cstr_original)
    if record.doi:
        add("identifier", f"https://doi.org/{record.doi}")
    add("identifier", record.landing_page)
    for number in _untold_accession(record):
        add("identifier", f"accession:{number}")
    for ident in record.identifiers:
        text = f"accession:{ident.value}" if _is_accession(ident) else ident.value
        add("relation" if ident.relation else "identifier", text)
    for lang in record.languages:
        add("language", lang)
    for place in record.spatial:
        add("coverage", place)
    if record.temporal and (record.temporal.start or record.temporal.end):
        add("coverage", _period(record))
    add("rights", record.license)
    if record.access_rights:
        add("rights", _EU_ACCESS[record.access_rights])
    return root


def _dc_type(kind: ResourceKind) -> str:
    if kind is ResourceKind.DATASET:
        return "Dataset"
    return "PhysicalObject" if kind.is_physical else "Other"


def _period(record: Record) -> str:
    assert record.temporal is not None
    start = record.temporal.start.isoformat() if record.temporal.start else ""
    end = record.temporal.end.isoformat() if record.temporal.end else ""
    return f"{start}/{end}"


def oai_datacite_element(record: Record) -> etree._Element:
    """``<oai_datacite>`` wrapping the record's DataCite 4.6 ``<resource>``."""
    nsmap: Any = {None: OAI_DATACITE_NS, "xsi": XSI}
    root = etree.Element(f"{{{OAI_DATACITE_NS}}}oai_datacite", nsmap=nsmap)
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI_DATACITE_NS} {OAI_DATACITE_SCHEMA}")
    etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}schemaVersion").text = "4.6"
    etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}datacentreSymbol").text = DATACENTRE
    payload = etree.SubElement(root, f"{{{OAI_DATACITE_NS}}}payload")
    payload.append(datacite_element(record))
    return root


def datacite_xml(record: Record) -> bytes:
    """A standalone DataCite 4.6 document."""
    return etree.tostring(datacite_element(record), xml_declaration=True, encoding="UTF-8")


def datacite_element(record: Record) -> etree._Element:
    """The record as a DataCite kernel 4.6 ``<resource>``."""
    nsmap: Any = {None: DATACITE_NS, "xsi": XSI}
    root = etree.Element(f"{{{DATACITE_NS}}}resource", nsmap=nsmap)
    root.set(f"{{{XSI}}}schemaLocation", f"{DATACITE_NS} {DATACITE_SCHEMA}")

    def sub(
        parent: etree._Element, name: str, text: str | None = None, **attrs: str | None
    ) -> etree._Element:
        element = etree.SubElement(parent, f"{{{DATACITE_NS}}}{name}")
        if text is not None:
            element.text = text
        for key, value in attrs.items():
            if value:
                element.set(XML_LANG if key == "lang" else key, value)
        return element

    scheme, value = _main_identifier(record)
    sub(root, "identifier", value, identifierType=scheme)

    creators = sub(root, "creators")
    agents = record.creators or ([record.publisher] if record.publisher else [])
    for agent in agents:
        creator = sub(creators, "creator")
        name_type = {"person": "Personal", "organization": "Organizational"}.get(agent.kind)
        sub(creator, "creatorName", agent.name, nameType=name_type)
        if agent.identifier:
            sub(creator, "nameIdentifier", agent.identifier,
                nameIdentifierScheme=agent.identifier_scheme or "URI")  # fmt: skip
        if agent.affiliation:
            sub(creator, "affiliation", agent.affiliation)
    if not agents:
        sub(sub(creators, "creator"), "creatorName", ":unav")

    titles = sub(root, "titles")
    for lang, title in (record.title or {"und": record.source_identifier}).items():
        sub(titles, "title", title, lang=None if lang == "und" else lang)
    publisher = record.publisher
    sub(root, "publisher", publisher.name if publisher else ":unav",
        publisherIdentifier=publisher.identifier if publisher else None,
        publisherIdentifierScheme=publisher.identifier_scheme if publisher else None)  # fmt: skip
    sub(root, "publicationYear", str(_year(record)))
    general, specific = _resource_type(record.resource_kind)
    sub(root, "resourceType", specific, resourceTypeGeneral=general)

    if record.keywords or record.subjects:
        subjects = sub(root, "subjects")
        for lang, terms in record.keywords.items():
            for term in terms:
                sub(subjects, "subject", term, lang=None if lang == "und" else lang)
        for subject in record.subjects:
            if is_discipline_code(subject):
                code = subject_code(subject)
                sub(subjects, "subject", discipline_name(code) or code,
                    subjectScheme="GB/T 13745-2009", classificationCode=code)  # fmt: skip
            else:
                sub(subjects, "subject", subject, subjectScheme="ShareNet subject")

    if record.contact_point and record.contact_point.name:
        contributors = sub(root, "contributors")
        contact = sub(contributors, "contributor", contributorType="ContactPerson")
        sub(contact, "contributorName", record.contact_point.name)

    dates = [("Issued", record.issued), ("Updated", record.modified)]
    present = [(kind, day.isoformat()) for kind, day in dates if day]
    if record.temporal and (record.temporal.start or record.temporal.end):
        present.append(("Coverage", _period(record)))
    if present:
        dates_el = sub(root, "dates")
        for kind, text in present:
            sub(dates_el, "date", text, dateType=kind)
    if record.languages:
        sub(root, "language", record.languages[0])

    alternates = _alternates(record, scheme)
    if alternates:
        alt_el = sub(root, "alternateIdentifiers")
        for alt_scheme, alt_value in alternates:
            sub(alt_el, "alternateIdentifier", alt_value, alternateIdentifierType=alt_scheme)
    related = [
        (i.scheme, i.value, _RELATION_ALIASES.get(i.relation, i.relation))
        for i in record.identifiers
        if i.relation is not None
    ]
    related = [r for r in related if r[0] in RELATED_ID_TYPES and r[2] in RELATION_TYPES]
    if related:
        rel_el = sub(root, "relatedIdentifiers")
        for rel_scheme, rel_value, relation in related:
            sub(rel_el, "relatedIdentifier", rel_value,
                relatedIdentifierType=rel_scheme, relationType=relation)  # fmt: skip

    sizes = [f"{d.byte_size} bytes" for d in record.distributions if d.byte_size is not None]
    formats = [d.media_type or d.format for d in record.distributions if d.media_type or d.format]
    if sizes:
        sizes_el = sub(root, "sizes")
        for size in sizes:
            sub(sizes_el, "size", size)
    if formats:
        formats_el = sub(root, "formats")
        for fmt in formats:
            sub(formats_el, "format", fmt)

    if record.license or record.access_rights:
        rights = sub(root, "rightsList")
        if record.license:
            is_uri = record.license.startswith(("http://", "https://"))
            sub(rights, "rights", None if is_uri else record.license,
                rightsURI=record.license if is_uri else None)  # fmt: skip
        if record.access_rights:
            sub(rights, "rights", None, rightsURI=_EU_ACCESS[record.access_rights])

    # The contact's name is the ContactPerson above.
    details = labelled_text(record, leave_out=_ACCESSION | {("contact_point", "name")})
    if record.description or details:
        descriptions = sub(root, "descriptions")
        for lang, text in record.description.items():
            sub(descriptions, "description", text, descriptionType="Abstract",
                lang=None if lang == "und" else lang)  # fmt: skip
        if details:
            sub(descriptions, "description", "\n".join(details), descriptionType="Other")

    places = _geo(record.spatial)
    if places:
        geos = sub(root, "geoLocations")
        for kind, data in places:
            geo = sub(geos, "geoLocation")
            if kind == "place":
                sub(geo, "geoLocationPlace", data[0][0])
            elif kind == "point":
                point = sub(geo, "geoLocationPoint")
                sub(point, "pointLongitude", data[0][0])
                sub(point, "pointLatitude", data[0][1])
            else:
                polygon = sub(geo, "geoLocationPolygon")
                for lon, lat in data:
                    point = sub(polygon, "polygonPoint")
                    sub(point, "pointLongitude", lon)
                    sub(point, "pointLatitude", lat)

    if record.funding:
        funding = sub(root, "fundingReferences")
        for fund in record.funding:
            ref = sub(funding, "fundingReference")
            sub(ref, "funderName", fund.funder)
            if fund.award:
                sub(ref, "awardNumber", fund.award)
    return root


def _main_identifier(record: Record) -> tuple[str, str]:
    if record.doi:
        return "DOI", record.doi
    if record.cstr:
        return "CSTR", record.cstr
    return "Local", record.source_identifier


def _alternates(record: Record, main_scheme: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    if record.cstr and main_scheme != "CSTR":
        found.append(("CSTR", record.cstr))
    elif record.cstr is None and record.cstr_original:
        found.append(("CSTR", record.cstr_original))
    found += [(i.scheme, i.value) for i in record.identifiers if i.relation is None]
    found += [("accession", number) for number in _untold_accession(record)]
    if record.landing_page and not record.landing_page.startswith("https://doi.org/"):
        found.append(("URL", record.landing_page))
    return found


_ACCESSION: frozenset[tuple[Part, str]] = frozenset({("physical", "accession_number")})
"""Not a labelled line: the accession number is an identifier of the resource."""


def _is_accession(identifier: Identifier) -> bool:
    """An accession number of the resource (``accession``, ``Local accession number`` …),
    as the DataCite mapping reads an ``alternateIdentifierType``."""
    return identifier.relation is None and "accession" in identifier.scheme.lower()


def _untold_accession(record: Record) -> list[str]:
    """The physical details' accession number, unless an identifier already says it."""
    number = record.physical.accession_number if record.physical else None
    told = {i.value for i in record.identifiers if _is_accession(i)}
    return [number] if number and number not in told else []


def _year(record: Record) -> int:
    year = record.year()
    if year:
        return year
    stamp = record.source_datestamp or record.harvested_at or datetime.now(UTC)
    return stamp.year


def _resource_type(kind: ResourceKind) -> tuple[str, str]:
    if kind is ResourceKind.DATASET:
        return "Dataset", "Dataset"
    if kind.is_physical:
        return "PhysicalObject", kind.value
    return "Other", "other"


def _geo(spatial: list[str]) -> list[tuple[str, list[tuple[str, str]]]]:
    found: list[tuple[str, list[tuple[str, str]]]] = []
    for place in spatial:
        point = _POINT.match(place)
        polygon = _POLYGON.match(place)
        if point:
            found.append(("point", [(point[1], point[2])]))
        elif polygon:
            ring = [tuple(p.split()[:2]) for p in polygon[1].split(",")]
            if len(ring) >= 4 and all(len(p) == 2 for p in ring):
                found.append(("polygon", [(p[0], p[1]) for p in ring]))
        elif not place.startswith(("http://", "https://")):
            found.append(("place", [(place, "")]))
    return found
