"""Protocol adapters, chosen by name from a source's ``protocol``.

``ADAPTERS`` maps a protocol name to the dotted path of its adapter class; the
module is imported only when a source of that protocol is harvested, so the
JSON or RDF stack never loads for an OAI-PMH run. A protocol containing a dot
is taken as the class path of an adapter shipped outside ShareNet.
"""

from __future__ import annotations

import importlib

import httpx

from harvester.errors import ConfigError
from harvester.protocols.base import Adapter, SourceSpec

ADAPTERS: dict[str, str] = {
    "oai-pmh": "harvester.protocols.oaipmh:OaiPmhAdapter",
    "json": "harvester.protocols.jsonapi:JsonAdapter",
    "dcat": "harvester.protocols.dcat:DcatAdapter",
}


def adapter_path(protocol: str) -> str:
    """The ``module:Class`` of a protocol; :class:`ConfigError` naming the known ones."""
    if protocol in ADAPTERS:
        return ADAPTERS[protocol]
    if "." in protocol:
        module, _, cls = protocol.rpartition(".")
        return f"{module}:{cls}"
    known = ", ".join(sorted(ADAPTERS))
    raise ConfigError(f"unknown protocol {protocol!r}; known: {known}")


def load_adapter(spec: SourceSpec, client: httpx.Client) -> Adapter:
    """An adapter for ``spec`` sharing ``client``."""
    module_name, _, cls_name = adapter_path(spec.protocol).partition(":")
    try:
        cls = getattr(importlib.import_module(module_name), cls_name)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(
            f"protocol {spec.protocol!r}: adapter {module_name}:{cls_name} cannot be loaded: {exc}"
        ) from exc
    if not (isinstance(cls, type) and issubclass(cls, Adapter)):
        raise ConfigError(f"protocol {spec.protocol!r}: {cls_name} is not a protocol adapter")
    return cls(spec, client)
