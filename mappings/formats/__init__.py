"""Source formats: each turns one :class:`SourcePayload` into a :class:`Record`.

``FORMATS`` maps a payload's ``format`` to the dotted path of its mapping
function; modules load only when a payload of their format arrives. A format
named ``json:<config>`` goes to the declarative JSON mapping with that config.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib.metadata import version

from mappings.errors import MappingError
from mappings.record import Record, SourcePayload


@dataclass(frozen=True, slots=True)
class MappingContext:
    """What a mapping knows besides the payload: whose record it is."""

    source: str
    platform: str
    options: dict[str, object] = field(default_factory=dict)


MappingFunction = Callable[[SourcePayload, MappingContext], Record]

FORMATS: dict[str, str] = {
    "oai_dc": "mappings.formats.oai_dc:map_oai_dc",
    "datacite": "mappings.formats.datacite:map_datacite",
    "oai_datacite": "mappings.formats.datacite:map_datacite",
    "dcat": "mappings.formats.dcat:map_dcat",
    "json": "mappings.formats.jsonspec:map_json",
}


def mapping_for(fmt: str) -> MappingFunction:
    """The mapping function registered for a payload format."""
    target = FORMATS.get(fmt.split(":", 1)[0])
    if target is None:
        raise MappingError(f"no mapping for format {fmt!r}; known: {', '.join(sorted(FORMATS))}")
    module, attr = target.split(":")
    func: MappingFunction = getattr(importlib.import_module(module), attr)
    return func


@functools.cache
def mapping_release() -> str:
    """What a record's mapping depends on besides its payload, format, source and platform.

    The mappings read nothing else (``MappingContext`` holds the source and the
    platform; a JSON format names its configuration's version, whose content never
    changes): the same inputs, mapped by the same release, give the same record. So
    the store keeps this beside each record (``RecordRow.mapped_by``) and a harvest
    need not map again an item listed as it was stored. A build that changes a
    mapping without a new version number needs ``sharenet records remap``.
    """
    return version("sharenet")


def map_payload(payload: SourcePayload, context: MappingContext) -> Record:
    """Map one payload; any failure is a :class:`MappingError` naming the record."""
    func = mapping_for(payload.format)
    try:
        return func(payload, context)
    except MappingError:
        raise
    except Exception as exc:
        raise MappingError(
            f"{payload.source_identifier}: cannot map {payload.format} payload: {exc}"
        ) from exc
