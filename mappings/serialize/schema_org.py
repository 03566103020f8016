"""A record as a schema.org ``Dataset`` in JSON-LD: what search engines read.

Shaped like the schema.org exports of DataCite and Dataverse (Google Dataset
Search guidelines): ``identifier`` as ``PropertyValue`` items (the CSTR with
``propertyID`` ``CSTR``), ``citation`` text, ``isAccessibleForFree`` from the
access level, creators as ``Person``/``Organization``. Physical resources are
still typed ``Dataset`` (schema.org has no better general type) with
``additionalType`` naming the kind.
"""

from __future__ import annotations

from typing import Any

from mappings.identifiers import CSTR_RESOLVER
from mappings.record import AccessRights, Agent, Distribution, Record
from mappings.serialize.citation import gbt7714


def schema_org(record: Record, url: str | None = None, lang: str = "zh") -> dict[str, Any]:
    """JSON-LD dict; ``url`` is the record's page on the portal when there is one."""
    doc: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": url or cited_link(record) or record.id,
        "name": record.best_title(lang),
        "description": _pick(record.description, lang) or record.best_title(lang),
        "identifier": _identifiers(record),
        "citation": gbt7714(record),
    }
    if record.resource_kind.is_physical or record.resource_kind.value == "other":
        doc["additionalType"] = record.resource_kind.value
    if len(record.title) > 1:
        doc["alternateName"] = [t for t in record.title.values() if t != doc["name"]]
    keywords = [term for terms in record.keywords.values() for term in terms]
    if keywords or record.subjects:
        doc["keywords"] = keywords + record.subjects
    if record.creators:
        doc["creator"] = [_agent(a) for a in record.creators]
    if record.publisher:
        doc["publisher"] = _agent(record.publisher)
    if record.issued:
        doc["datePublished"] = record.issued.isoformat()
    if record.modified:
        doc["dateModified"] = record.modified.isoformat()
    if record.temporal and (record.temporal.start or record.temporal.end):
        start = record.temporal.start.isoformat() if record.temporal.start else ".."
        end = record.temporal.end.isoformat() if record.temporal.end else ".."
        doc["temporalCoverage"] = f"{start}/{end}"
    if record.spatial:
        doc["spatialCoverage"] = [{"@type": "Place", "name": place} for place in record.spatial]
    if record.license:
        doc["license"] = record.license
    if record.access_rights is not None:
        doc["isAccessibleForFree"] = record.access_rights is AccessRights.OPEN
        if record.access_rights_reason:
            doc["conditionsOfAccess"] = record.access_rights_reason
    if record.landing_page:
        doc["url"] = record.landing_page
    if record.languages:
        doc["inLanguage"] = record.languages
    if record.funding:
        doc["funder"] = [{"@type": "Organization", "name": f.funder} for f in record.funding]
    if record.distributions:
        doc["distribution"] = [_download(dist) for dist in record.distributions]
    contact = record.contact_point
    if contact and (contact.email or contact.name or contact.phone):
        point = {"@type": "ContactPoint", "contactType": "customer service"}
        for key, value in (("name", contact.name), ("email", contact.email),
                           ("telephone", contact.phone)):  # fmt: skip
            if value:
                point[key] = value
        doc["provider"] = {
            "@type": "Organization",
            "name": contact.name or "",
            "contactPoint": point,
        }
    return doc


def cited_link(record: Record) -> str | None:
    if record.cstr:
        return CSTR_RESOLVER + record.cstr
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return None


def _pick(text: dict[str, str], lang: str) -> str:
    for key in (lang, "en", "zh"):
        if text.get(key):
            return text[key]
    return next(iter(text.values()), "")


def _identifiers(record: Record) -> list[dict[str, str]]:
    found = []
    if record.cstr:
        found.append(("CSTR", record.cstr, CSTR_RESOLVER + record.cstr))
    if record.doi:
        found.append(("DOI", record.doi, f"https://doi.org/{record.doi}"))
    found += [(i.scheme, i.value, "") for i in record.identifiers if i.relation is None]
    return [
        {"@type": "PropertyValue", "propertyID": scheme, "value": value}
        | ({"url": url} if url else {})
        for scheme, value, url in found
    ]


def _agent(agent: Agent) -> dict[str, Any]:
    kind = "Person" if agent.kind == "person" else "Organization"
    doc: dict[str, Any] = {"@type": kind, "name": agent.name}
    if agent.identifier:
        doc["@id" if agent.identifier.startswith("http") else "identifier"] = agent.identifier
    if agent.affiliation:
        doc["affiliation"] = {"@type": "Organization", "name": agent.affiliation}
    return doc


def _download(dist: Distribution) -> dict[str, Any]:
    doc: dict[str, Any] = {"@type": "DataDownload"}
    url = dist.download_url or dist.access_url
    if url:
        doc["contentUrl"] = url
    if dist.media_type or dist.format:
        doc["encodingFormat"] = dist.media_type or dist.format
    if dist.byte_size is not None:
        doc["contentSize"] = f"{dist.byte_size} B"
    if dist.title:
        doc["name"] = dist.title
    return doc
