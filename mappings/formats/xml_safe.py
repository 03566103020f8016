"""The one way mappings parse XML: no entities, no network, no huge trees.

Metadata comes from sources we do not control; an external entity could read
local files and an entity-expansion bomb could exhaust memory. The parser
therefore never resolves entities nor fetches DTDs, and refuses any document
that declares entities at all (metadata formats never need them).
"""

from __future__ import annotations

from typing import Any, cast

from lxml import etree

from mappings.errors import MappingError
from mappings.record import SourcePayload


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


def payload_xml(payload: SourcePayload, what: str) -> etree._Element:
    """The element its adapter parsed (safely, with its page), else ``raw`` parsed."""
    element: etree._Element | None = payload.element
    return element if element is not None else parse_xml(payload.raw, what)


def parse_xml(text: str | bytes, what: str = "XML") -> etree._Element:
    """The root element of ``text``; :class:`MappingError` with the reason if unsafe or broken."""
    data = text.encode("utf-8") if isinstance(text, str) else text
    data = data.lstrip(b"\xef\xbb\xbf \t\r\n")
    if not data:
        raise MappingError(f"{what} is empty")
    try:
        root = etree.fromstring(data, _parser())
    except etree.XMLSyntaxError as exc:
        raise MappingError(f"{what} is not well-formed XML: {exc}") from exc
    dtd = root.getroottree().docinfo.internalDTD
    # lxml-stubs do not know DTD.iterentities(); it exists at runtime.
    if dtd is not None and any(True for _ in cast(Any, dtd).iterentities()):
        raise MappingError(f"{what} declares XML entities, which are refused for safety")
    return root
