"""The demo's published payloads, mapped as the harvester maps them, say what the manifest says.

No servers: each shipped line goes straight through the format registry, so a
mapping gap (a defect a format carries but the mapping does not read) shows here
long before the slow end-to-end compliance test.
"""

from __future__ import annotations

import json
from functools import cache

import pytest

from mappings.formats import MappingContext, map_payload
from mappings.record import Record, SourcePayload
from sharenet.demo.catalogue import BY_ID, PLATFORMS, load_lines, load_manifest

MANIFEST = load_manifest()
IDS = [p.id for p in PLATFORMS]


@cache
def mapped(platform_id: str) -> dict[str, Record]:
    """Live records of a demo platform by source identifier."""
    platform = BY_ID[platform_id]
    context = MappingContext(source=platform_id, platform=platform_id)
    out: dict[str, Record] = {}
    for line in load_lines(platform_id):
        if platform.protocol == "oai-pmh":
            if line["deleted"]:
                continue
            ident, fmt = line["identifier"], platform.metadata_prefix
            raw = line["metadata"][fmt]
        else:
            ident = str(line.get("dataSetId") or line["id"])
            fmt, raw = f"json:{platform.metadata_prefix}", json.dumps(line, ensure_ascii=False)
        payload = SourcePayload(source_identifier=ident, format=fmt, raw=raw)
        out[ident] = map_payload(payload, context)
    return out


def _defect(platform_id: str, name: str) -> list[str]:
    records: list[str] = MANIFEST["platforms"][platform_id]["defects"][name]["records"]
    return records


@pytest.mark.parametrize("platform_id", IDS)
def test_malformed_cstrs_are_malformed_not_missing(platform_id: str) -> None:
    records = mapped(platform_id)
    malformed = _defect(platform_id, "malformed_cstr")
    assert malformed
    for ident in malformed:
        record = records[ident]
        assert record.cstr is None and record.cstr_original, (ident, record.identifiers)
    for ident in _defect(platform_id, "missing_cstr"):
        assert records[ident].cstr is None and records[ident].cstr_original is None, ident
    damaged = set(malformed) | set(_defect(platform_id, "missing_cstr"))
    assert all(r.cstr for ident, r in records.items() if ident not in damaged)


@pytest.mark.parametrize("platform_id", IDS)
def test_public_funding_is_read_in_every_format(platform_id: str) -> None:
    records = mapped(platform_id)
    restricted = _defect(platform_id, "restricted_unjustified")
    for ident in restricted:
        assert any(f.public for f in records[ident].funding), ident
    if platform_id != "nmdc":  # its shape has no funding
        assert restricted
        assert sum(1 for r in records.values() if r.funding) > len(records) / 3


@pytest.mark.parametrize("platform_id", IDS)
def test_contact_points_and_physical_details_reach_the_record(platform_id: str) -> None:
    records = list(mapped(platform_id).values())
    physical = [r for r in records if r.resource_kind.is_physical]
    assert len(physical) == sum(
        n for kind, n in MANIFEST["platforms"][platform_id]["by_kind"].items() if kind != "dataset"
    )
    for record in physical:
        details = record.physical
        assert details is not None, record.source_identifier
        assert details.accession_number and details.species, record.source_identifier
        assert details.preservation and details.obtain, record.source_identifier
    if platform_id == "sciencedb":  # its shape has no contact point
        return
    for record in records:
        contact = record.contact_point
        assert contact is not None, record.source_identifier
        assert contact.name and contact.email and contact.phone, record.source_identifier
        assert contact.address, record.source_identifier
        # The labelled lines are fields, never description text.
        assert not any("电子邮件" in text for text in record.description.values())
