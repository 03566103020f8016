"""Parse RDF from sources without touching the network or expanding entities.

rdflib fetches a JSON-LD ``@context`` given by URL, and RDF/XML goes through
an XML parser; neither is acceptable for documents from sources we do not
control on a machine that must not reach out. This module is the one way
ShareNet parses RDF (the DCAT mapping and the DCAT harvester both use it):

- JSON-LD: every ``@context`` (and JSON-LD 1.1 ``@import``) given by URL is
  replaced from ``contexts`` (documents the caller holds locally) or refused
  with a :class:`MappingError` naming the URL — never fetched.
- RDF/XML: checked first by the safe XML parser (no entity declarations, no
  external DTD).
- Turtle, N-Triples, N3, TriG: parsed as they are (they cannot fetch anything).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from typing import Any

from rdflib import Graph

from mappings.errors import MappingError
from mappings.formats.xml_safe import parse_xml

_BY_MEDIA_TYPE = {
    "text/turtle": "turtle",
    "application/x-turtle": "turtle",
    "application/n-triples": "nt",
    "text/n3": "n3",
    "application/trig": "trig",
    "application/rdf+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "application/ld+json": "json-ld",
    "application/json": "json-ld",
}
_BY_SUFFIX = {
    ".ttl": "turtle",
    ".nt": "nt",
    ".n3": "n3",
    ".trig": "trig",
    ".rdf": "xml",
    ".xml": "xml",
    ".owl": "xml",
    ".jsonld": "json-ld",
    ".json": "json-ld",
}
FORMATS = frozenset(_BY_MEDIA_TYPE.values())


def rdf_format(media_type: str | None = None, name: str | None = None) -> str:
    """The rdflib format for a reply's media type or a file name; Turtle if neither says."""
    if media_type:
        found = _BY_MEDIA_TYPE.get(media_type.split(";", 1)[0].strip().lower())
        if found:
            return found
    if name:
        lowered = name.lower().split("?", 1)[0]
        for suffix, fmt in _BY_SUFFIX.items():
            if lowered.endswith(suffix):
                return fmt
    return "turtle"


def parse_rdf(
    data: str | bytes,
    fmt: str,
    *,
    base: str | None = None,
    contexts: Mapping[str, Any] | None = None,
    what: str = "RDF document",
) -> Graph:
    """A graph of ``data`` in rdflib format ``fmt``, parsed offline and safely.

    ``contexts`` maps JSON-LD context URLs to documents held locally (a whole
    context document or just its ``@context`` value).
    """
    if fmt not in FORMATS:
        raise MappingError(f"{what}: unknown RDF format {fmt!r}; known: {sorted(FORMATS)}")
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    if fmt == "json-ld":
        text = _offline_jsonld(text, contexts or {}, what)
    elif fmt == "xml":
        root = parse_xml(text, what)
        if root.getroottree().docinfo.system_url:  # type: ignore[attr-defined]
            raise MappingError(f"{what}: refers to an external DTD, which is refused for safety")
    graph = Graph()
    try:
        with warnings.catch_warnings():
            # rdflib warns on literals it cannot convert; mappings read lexical forms anyway.
            warnings.simplefilter("ignore")
            graph.parse(data=text, format=fmt, publicID=base)
    except MappingError:
        raise
    except Exception as exc:
        raise MappingError(f"{what}: invalid {fmt}: {exc}") from exc
    return graph


def _offline_jsonld(text: str, contexts: Mapping[str, Any], what: str) -> str:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MappingError(f"{what}: invalid JSON-LD: {exc}") from exc
    return json.dumps(_inline_contexts(document, contexts, what), ensure_ascii=False)


def _inline_contexts(node: Any, contexts: Mapping[str, Any], what: str) -> Any:
    if isinstance(node, list):
        return [_inline_contexts(item, contexts, what) for item in node]
    if not isinstance(node, dict):
        return node
    result: dict[str, Any] = {}
    for key, value in node.items():
        if key == "@context":
            result[key] = _local_context(value, contexts, what)
        elif key == "@import" and isinstance(value, str):
            imported = _local_context(value, contexts, what)
            result.update({k: v for k, v in imported.items() if k not in node})
        else:
            result[key] = _inline_contexts(value, contexts, what)
    return result


def _local_context(value: Any, contexts: Mapping[str, Any], what: str) -> Any:
    if isinstance(value, list):
        return [_local_context(item, contexts, what) for item in value]
    if isinstance(value, str):
        if value not in contexts:
            raise MappingError(
                f"{what}: JSON-LD @context {value!r} is remote and is not loaded "
                "(no network access); supply it locally"
            )
        local = contexts[value]
        inner = local.get("@context", local) if isinstance(local, dict) else local
        return _local_context(inner, contexts, what)
    return _inline_contexts(value, contexts, what)
