"""Simple Dublin Core (``oai_dc``) to the unified record.

Dublin Core is flat and untyped, so the mapping reads intent from the values:
identifiers are classified by shape (CSTR, DOI, URL), ``dc:type`` by the
resource-kind vocabulary, ``dc:rights`` split into access level and licence,
``dc:coverage`` into a period when it parses as one, else a place. Everything
else stays in the raw payload kept by the store.
"""

from __future__ import annotations

from lxml import etree

from mappings.dates import parse_date, parse_period
from mappings.errors import MappingError
from mappings.formats import MappingContext
from mappings.formats.common import (
    agent_from_names,
    blank_record,
    finish,
    place_identifier,
    read_oai_header,
)
from mappings.formats.labelled import read_labelled
from mappings.formats.xml_safe import payload_xml
from mappings.lang import normalise_lang, put_term, put_text
from mappings.record import Agent, Distribution, Record, ResourceKind, SourcePayload
from mappings.vocabularies import (
    access_from_text,
    is_access_statement,
    is_discipline_code,
    is_license,
    is_url,
    kind_from_text,
)

OAI_DC_NS = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC_NS = "http://purl.org/dc/elements/1.1/"
_DC_PREFIX = f"{{{DC_NS}}}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def map_oai_dc(payload: SourcePayload, context: MappingContext) -> Record:
    """Map an ``<oai_dc:dc>`` element, or a whole OAI ``<record>`` holding one."""
    root = payload_xml(payload, f"{payload.source_identifier}: oai_dc payload")
    dc = _find_dc(root)
    if dc is None:
        raise MappingError(
            f"{payload.source_identifier}: no <oai_dc:dc> element in the payload "
            f"(root is {etree.QName(root).localname!r})"
        )
    record = blank_record(payload, context)
    read_oai_header(record, root)
    values = _values(dc)
    for text, lang in values.get("title", []):
        put_text(record.title, text, lang, append=False)
    for text, lang in values.get("description", []):
        if not read_labelled(record, text):  # contact and physical details (labelled.py)
            put_text(record.description, text, lang)
    for text, lang in values.get("subject", []):
        if is_discipline_code(text):
            record.subjects.append(text)  # finish() reduces it to the bare code
        else:
            put_term(record.keywords, text, lang)
    record.creators = [Agent(name=text) for text, _ in values.get("creator", [])]
    record.publisher = agent_from_names(values.get("publisher", []))
    for text, _ in values.get("identifier", []):
        place_identifier(record, text)
    for text, _ in values.get("relation", []):
        place_identifier(record, text, relation="Relation")
    _read_dates(record, [text for text, _ in values.get("date", [])])
    _read_types(record, [text for text, _ in values.get("type", [])])
    _read_rights(record, [text for text, _ in values.get("rights", [])])
    _read_coverage(record, [text for text, _ in values.get("coverage", [])])
    record.distributions = [_distribution(text) for text, _ in values.get("format", [])]
    for text, _ in values.get("language", []):
        lang = normalise_lang(text)
        if lang and lang not in record.languages:
            record.languages.append(lang)
    return finish(record)


def _find_dc(root: etree._Element) -> etree._Element | None:
    if root.tag == f"{{{OAI_DC_NS}}}dc":
        return root
    found = root.find(f".//{{{OAI_DC_NS}}}dc")
    if found is not None:
        return found
    # Some servers wrap plain dc:* elements in another container.
    return root if root.find(f"{{{DC_NS}}}title") is not None else None


def _values(dc: etree._Element) -> dict[str, list[tuple[str, str | None]]]:
    values: dict[str, list[tuple[str, str | None]]] = {}
    for child in dc:
        tag = child.tag
        if not isinstance(tag, str) or not tag.startswith(_DC_PREFIX):
            continue
        text = (child.text or "").strip()
        if text:
            values.setdefault(tag[len(_DC_PREFIX) :], []).append((text, child.get(XML_LANG)))
    return values


def _read_dates(record: Record, texts: list[str]) -> None:
    dates = []
    for text in texts:
        day = parse_date(text)
        period = parse_period(text)
        if period and period.start != period.end and ("/" in text[5:] or "--" in text):
            record.temporal = record.temporal or period
        elif day:
            dates.append(day)
    if dates:
        record.issued = dates[0]
        latest = max(dates)
        record.modified = latest if latest != dates[0] else None


def _read_types(record: Record, texts: list[str]) -> None:
    kinds = [kind for kind in (kind_from_text(text) for text in texts) if kind]
    specific = [kind for kind in kinds if kind is not ResourceKind.OTHER]
    if specific or kinds:
        record.resource_kind = (specific or kinds)[0]


def _read_rights(record: Record, texts: list[str]) -> None:
    licences = [text for text in texts if is_license(text)]
    for text in texts:
        if text in licences:
            continue
        level = access_from_text(text)
        if level and record.access_rights is None:
            record.access_rights = level
        elif not level and not is_access_statement(text):
            licences.append(text)
    urls = [text for text in licences if is_url(text)]
    chosen = urls or licences
    record.license = chosen[0] if chosen else None


def _read_coverage(record: Record, texts: list[str]) -> None:
    for text in texts:
        period = parse_period(text)
        if period and record.temporal is None:
            record.temporal = period
        elif period is None and text not in record.spatial:
            record.spatial.append(text)


def _distribution(text: str) -> Distribution:
    if "/" in text and " " not in text:
        return Distribution(media_type=text)
    return Distribution(format=text)
