"""Declarative JSON mappings: the shipped configurations, transforms, and load-time rejection."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from mappings.errors import MappingConfigError
from mappings.formats import MappingContext, map_payload
from mappings.formats.json_transforms import discipline, to_date, to_datetime, zone_named
from mappings.formats.jsonspec import (
    PlatformConfig,
    apply_mapping,
    config_path,
    known_configs,
    load_config,
)
from mappings.record import AccessRights, Record, ResourceKind, SourcePayload
from tests.harvester.json_platforms import STYLES

WHEN = datetime(2024, 2, 3, 0, 15, tzinfo=UTC)
CONTEXT = MappingContext(source="src", platform="plat")


def _map(config: str, item: dict[str, Any]) -> Record:
    payload = SourcePayload(source_identifier="x", format=f"json:{config}", raw=json.dumps(item))
    return map_payload(payload, CONTEXT)


def test_every_shipped_configuration_loads_and_has_a_tested_style() -> None:
    assert set(known_configs()) == set(STYLES)
    for name in known_configs():
        assert load_config(name).name == name


def test_sciencedb_like_record(realdata: Path) -> None:
    record = _map("sciencedb", STYLES["sciencedb"].build(realdata, 4, WHEN))
    assert record.cstr == "CSTR:31253.11.sciencedb.00004"
    assert record.doi == "10.57760/sciencedb.00004"
    assert record.title["zh"].startswith("青藏高原") and record.title["en"].startswith("Soil")
    assert record.keywords == {"zh": ["土壤", "有机碳"], "en": ["soil", "organic carbon"]}
    assert record.subjects == ["170", "180"]
    assert record.access_rights is AccessRights.CONDITIONAL  # 申请
    assert record.creators[0].name == "张三" and record.creators[0].name_en == "Zhang San"
    assert record.funding[0].award == "42071234"
    assert record.issued == date(2023, 5, 1)
    assert record.modified == date(2024, 2, 3)  # 08:15 Beijing time
    assert record.distributions[0].byte_size == 12349


def test_funding_is_public_only_for_listed_public_funders(realdata: Path) -> None:
    item = STYLES["sciencedb"].build(realdata, 4, WHEN)
    item["fund"] = [
        {"name": "国家自然科学基金委员会", "number": "42071234"},
        {"name": "某某科技有限公司", "number": "HX-2023-01"},
    ]
    record = _map("sciencedb", item)
    assert [(f.funder, f.public) for f in record.funding] == [
        ("国家自然科学基金委员会", True),
        ("某某科技有限公司", False),
    ]
    # A platform that says which funding is fiscal is believed.
    config = json.loads(config_path("sciencedb").read_text("utf-8"))
    config["mapping"]["funding"]["fields"]["public"] = {"path": "fiscal"}
    item["fund"][1]["fiscal"] = True
    payload = SourcePayload(source_identifier="x", format="json:x", raw=json.dumps(item))
    told = apply_mapping(
        PlatformConfig.model_validate({**config, "name": "x"}), item, payload, CONTEXT
    )
    assert [f.public for f in told.funding] == [True, True]


def test_nmdc_like_strain_and_dataset(realdata: Path) -> None:
    strain = _map("nmdc", STYLES["nmdc"].build(realdata, 1, WHEN))
    assert strain.resource_kind is ResourceKind.STRAIN
    assert strain.physical is not None and strain.physical.accession_number == "ACCC 10001"
    assert strain.sharing is not None and strain.sharing.channel == "线上申请"
    assert strain.contact_point is not None and strain.contact_point.email == "accc@example.org"
    assert strain.access_rights is AccessRights.CONDITIONAL  # apply
    assert strain.keywords["zh"] == ["芽孢杆菌", "模式菌株"]
    dataset = _map("nmdc", STYLES["nmdc"].build(realdata, 4, WHEN))
    assert dataset.resource_kind is ResourceKind.DATASET
    assert dataset.physical is None and dataset.license is None


def test_tpdc_like_epoch_milliseconds_and_codes(realdata: Path) -> None:
    record = _map("tpdc", STYLES["tpdc"].build(realdata, 2, WHEN))
    assert record.issued == date(2023, 5, 2)  # 1683000000000 ms, in Beijing time
    assert record.modified == date(2024, 2, 3)
    assert record.subjects == ["170"]  # "170-Earth science"
    assert record.access_rights is AccessRights.RESTRICTED
    assert record.access_rights_reason == "项目保护期内"
    assert record.temporal is not None and record.temporal.end == date(2020, 12, 31)


def test_ckan_and_dataverse_real_items(realdata: Path) -> None:
    ckan = json.loads(
        (realdata / "json-api/ckan/dados-gov-br_package_search_q-contratos_start3.json").read_text()
    )
    for item in ckan["result"]["results"]:
        record = _map("ckan", item)
        assert record.title and record.publisher is not None
        assert len(record.distributions) == len(item["resources"])
        assert {k.lower() for k in record.keywords.get("en", [])} >= {
            t["display_name"].lower() for t in item["tags"]
        }
    search = json.loads(
        (realdata / "json-api/dataverse/demo-dataverse_search_q-trees.json").read_text()
    )
    finches = next(i for i in search["data"]["items"] if i.get("global_id"))
    record = _map("dataverse", finches)
    assert record.doi == "10.70122/fk2/mb5vgr"
    assert [c.name for c in record.creators] == finches["authors"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2023-05-01 10:00:00", date(2023, 5, 1)),
        ("2023-05-01", date(2023, 5, 1)),
        ("2023-05-01T23:30:00Z", date(2023, 5, 2)),  # read in Beijing time
        (1683000000000, date(2023, 5, 2)),
        ("1683000000000", date(2023, 5, 2)),
        ("not a date", None),
        (None, None),
    ],
)
def test_dates_the_sources_use(value: object, expected: date | None) -> None:
    assert to_date(value, zone=zone_named("Asia/Shanghai")) == expected


def test_naive_times_are_read_in_the_platform_clock() -> None:
    moment = to_datetime("2024-02-03 08:15:00", zone=zone_named("Asia/Shanghai"))
    assert moment == WHEN


@pytest.mark.parametrize(
    ("value", "expected"),
    [("170-地球科学", "170"), ("170-Earth science", "170"), ("18010", "18010"), ("Other", "Other")],
)
def test_discipline_codes(value: str, expected: str) -> None:
    assert discipline(value) == expected


def _write(tmp_path: Path, data: dict[str, Any]) -> str:
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(data), "utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("change", "key", "reason"),
    [
        (lambda c: c["paging"].update(style="scroll"), "paging.style", "Input should be"),
        (lambda c: c["paging"].update(style="cursor"), "paging", "needs 'next'"),
        (lambda c: c["reply"].update(records="data.[list"), "reply.records", "invalid JMESPath"),
        (lambda c: c["mapping"].update(titel={"path": "x"}), "mapping.titel", "no mappable field"),
        (lambda c: c["mapping"].update(id={"path": "x"}), "mapping.id", "no mappable field"),
        (
            lambda c: c["mapping"].update(creators={"path": "author"}),
            "mapping.creators",
            "give its 'fields'",
        ),
        (
            lambda c: c["mapping"]["creators"]["fields"].update(email={"path": "x"}),
            "mapping.creators.fields.email",
            "Agent has no mappable field",
        ),
        (
            lambda c: c["mapping"].update(issued={"path": "d", "transform": "epoch"}),
            "mapping.issued.transform",
            "Input should be",
        ),
        (
            lambda c: c["mapping"].update(license={"path": "a", "const": "b"}),
            "mapping.license",
            "exactly one of 'path' and 'const'",
        ),
        (lambda c: c.update(pagination={}), "pagination", "Extra inputs are not permitted"),
        (
            lambda c: c["incremental"]["params"].update(start_time="{from}"),
            "incremental.params",
            "must use {since}",
        ),
        (lambda c: c.update(timezone="Mars/Olympus"), "timezone", "unknown time zone"),
        (
            lambda c: c["item"].update(format="marc"),
            "item.format",
            "no registered format",
        ),
    ],
)
def test_malformed_configuration_names_file_key_and_reason(
    tmp_path: Path, change: Any, key: str, reason: str
) -> None:
    config = json.loads(config_path("sciencedb").read_text("utf-8"))
    change(config)
    path = _write(tmp_path, config)
    with pytest.raises(MappingConfigError) as caught:
        load_config(path)
    message = caught.value.message
    assert message.startswith(path), message
    assert key in message and reason in message, message


def test_invalid_json_and_unknown_name(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{"paging": ', "utf-8")
    with pytest.raises(MappingConfigError, match="not valid JSON"):
        load_config(str(path))
    with pytest.raises(MappingConfigError, match="no such JSON platform configuration"):
        load_config("no-such-platform")
