"""Where configuration files are found, what a version is, and epoch times in any time zone."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from harvester.protocols.base import SourceSpec, Window
from harvester.protocols.jsonapi import JsonAdapter
from mappings.errors import MappingConfigError, MappingError
from mappings.formats import MappingContext, map_payload
from mappings.formats.json_transforms import format_moment, to_date, to_datetime, zone_named
from mappings.formats.jsonspec import config_path, known_configs, parse_config, read_config
from mappings.record import SourcePayload

BEIJING = zone_named("Asia/Shanghai")
MOMENT = datetime(2024, 2, 3, 0, 15, tzinfo=UTC)
"""08:15 on 3 February in Beijing; 19:15 on 2 February in New York."""


def _shipped(name: str = "sciencedb") -> dict[str, Any]:
    data: dict[str, Any] = json.loads(config_path(name).read_text("utf-8"))
    return data


@pytest.fixture(params=["America/New_York", "Asia/Shanghai", "UTC"])
def process_zone(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The process's local time zone, which ``strftime('%s')`` would have read."""
    monkeypatch.setenv("TZ", request.param)
    time.tzset()
    yield request.param
    monkeypatch.undo()
    time.tzset()


def test_epoch_formats_mean_one_moment_whatever_the_process_time_zone(process_zone: str) -> None:
    assert format_moment(MOMENT, "epoch_ms", BEIJING) == "1706919300000"
    assert format_moment(MOMENT, "epoch", BEIJING) == "1706919300"
    assert format_moment(MOMENT, "%Y-%m-%d %H:%M:%S", BEIJING) == "2024-02-03 08:15:00"
    assert to_datetime("1706919300000", "epoch_ms") == MOMENT
    assert to_datetime(1706919300, "epoch") == MOMENT
    assert to_date(1706919300000, "epoch_ms", BEIJING) == date(2024, 2, 3)
    assert to_date(1706919300000, "epoch_ms", zone_named("America/New_York")) == date(2024, 2, 2)
    # Said explicitly, a small number is not mistaken for seconds, nor junk for a date.
    assert to_datetime(86_400_000, "epoch_ms") == datetime(1970, 1, 2, tzinfo=UTC)
    assert to_datetime("soon", "epoch") is None and to_datetime(1e300, "epoch_ms") is None


def test_incremental_epoch_parameters_are_numbers_in_a_json_body(
    tmp_path: Path, process_zone: str
) -> None:
    config = _shipped("tpdc")
    config["incremental"]["date_format"] = "epoch_ms"
    path = tmp_path / "tpdc-ms.json"
    path.write_text(json.dumps(config), "utf-8")
    spec = SourceSpec("t", "t", "json", "http://127.0.0.1:9/list", {"config": str(path)})
    with httpx.Client() as client:
        adapter = JsonAdapter(spec, client)
        params = adapter._params({"page": 1}, Window(since=MOMENT))
    assert params["updateTimeStart"] == 1706919300000


def test_strftime_seconds_are_refused_for_their_time_zone(tmp_path: Path) -> None:
    config = _shipped("tpdc")
    config["incremental"]["date_format"] = "%s000"
    path = tmp_path / "tpdc.json"
    path.write_text(json.dumps(config), "utf-8")
    with pytest.raises(MappingConfigError) as caught:
        read_config(path)
    message = caught.value.message
    assert message.startswith(f"{path}: incremental.date_format: "), message
    assert "local time zone" in message and "'epoch_ms'" in message


def test_a_name_is_found_in_the_deployment_folders_before_the_shipped_ones(
    tmp_path: Path,
) -> None:
    own = {**_shipped(), "description": "Ours."}
    (tmp_path / "sciencedb.json").write_text(json.dumps(own), "utf-8")
    (tmp_path / "geo.json").write_text(json.dumps({**_shipped(), "description": "Geo."}), "utf-8")
    local = read_config("sciencedb", [tmp_path])
    assert (local.config.description, local.origin) == ("Ours.", str(tmp_path / "sciencedb.json"))
    assert read_config("sciencedb").config.description != "Ours."
    assert read_config("geo", [tmp_path]).config.name == "geo", "the name is the file's stem"
    assert set(known_configs([tmp_path])) == set(known_configs()) | {"geo"}
    with pytest.raises(MappingConfigError) as caught:
        read_config("nowhere", [tmp_path])
    assert "'nowhere': no nowhere.json in " in caught.value.message
    assert str(tmp_path) in caught.value.message and "known: " in caught.value.message


def test_a_version_is_the_content_and_maps_from_the_stored_copy(tmp_path: Path) -> None:
    data = _shipped()
    first = tmp_path / "a" / "sdb.json"
    first.parent.mkdir()
    first.write_text(json.dumps(data, indent=4), "utf-8")
    relaid = tmp_path / "b" / "sdb.json"
    relaid.parent.mkdir()
    relaid.write_text(json.dumps(dict(reversed(data.items()))), "utf-8")
    loaded = read_config(first)
    assert read_config(relaid).version == loaded.version, "layout and key order do not count"
    assert loaded.format == f"json:sdb@{loaded.version}" and len(loaded.version) == 16
    edited = {**data, "description": "changed"}
    first.write_text(json.dumps(edited), "utf-8")
    assert read_config(first).version != loaded.version

    item = {"dataSetId": "d1", "titleZh": "冰川", "cstr": "31253.11.sciencedb.00001"}
    context = MappingContext(source="s", platform="p")
    payload = SourcePayload(source_identifier="d1", format=loaded.format, raw=json.dumps(item))
    assert map_payload(payload, context).cstr == "CSTR:31253.11.sciencedb.00001"
    unknown = payload.model_copy(update={"format": "json:sdb@0123456789abcdef"})
    with pytest.raises(MappingError, match="json:sdb@0123456789abcdef is not loaded"):
        map_payload(unknown, context)
    assert parse_config(loaded.content, "store").version == loaded.version


def test_a_name_must_fit_the_stored_format(tmp_path: Path) -> None:
    path = tmp_path / f"{'x' * 41}.json"
    path.write_text(json.dumps(_shipped()), "utf-8")
    with pytest.raises(MappingConfigError, match="name: String should match pattern"):
        read_config(path)
