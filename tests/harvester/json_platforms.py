"""Catalogues in six JSON platform shapes, and the server process that serves them.

CKAN, DataCite and Dataverse items are generated from captured real replies
(read from the shared real data at test time, never copied): each generated item
is a real item with a new identifier and modification time. The Chinese centre
styles have no captured replies; their items follow DEMO_SHAPES (ScienceDB-like,
NMDC-like) and docs/json-adapter.md (TPDC-like).
"""

from __future__ import annotations

import base64
import copy
import json
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import httpx

SERVER = Path(__file__).with_name("json_platforms_server.py")
BEIJING = timezone(timedelta(hours=8))
JSON_API = "json-api"


def _load(realdata: Path, relative: str) -> Any:
    return json.loads((realdata / JSON_API / relative).read_text("utf-8"))


# --- CKAN ---------------------------------------------------------------------------------


def _ckan_reply(realdata: Path) -> dict[str, Any]:
    reply: dict[str, Any] = _load(
        realdata, "ckan/dados-gov-br_package_search_q-contratos_start3.json"
    )
    return reply


def ckan_envelope(realdata: Path) -> dict[str, Any]:
    reply = copy.deepcopy(_ckan_reply(realdata))
    reply["result"]["results"] = []
    return reply


def ckan_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    templates = _ckan_reply(realdata)["result"]["results"]
    item: dict[str, Any] = copy.deepcopy(templates[i % len(templates)])
    item["id"] = f"00000000-0000-4000-8000-{i:012d}"
    item["name"] = f"dataset-{i:04d}"
    item["title"] = f"{item['title']} #{i}"
    for resource in item.get("resources", []):
        resource["package_id"] = item["id"]
    return ckan_touch(item, when, revise=False)


def ckan_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["title"] += " (revised)"
    item["metadata_modified"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")
    return item


# --- DataCite REST --------------------------------------------------------------------------


def datacite_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    templates = _load(realdata, "datacite-rest/datacite_api_dois.json")["data"]
    item: dict[str, Any] = copy.deepcopy(templates[i % len(templates)])
    doi = f"10.5072/sharenet.{i:04d}"
    item["id"] = item["attributes"]["doi"] = doi
    xml = base64.b64decode(item["attributes"]["xml"]).decode("utf-8")
    xml = re.sub(r"(<identifier[^>]*>)[^<]*(</identifier>)", rf"\g<1>{doi}\g<2>", xml, count=1)
    item["attributes"]["xml"] = base64.b64encode(xml.encode()).decode()
    item["attributes"]["state"] = "findable"
    return datacite_touch(item, when, revise=False)


def datacite_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        xml = base64.b64decode(item["attributes"]["xml"]).decode("utf-8")
        xml = re.sub(r"(<title(?:\s[^>]*)?>)", r"\g<1>Revised: ", xml, count=1)
        item["attributes"]["xml"] = base64.b64encode(xml.encode()).decode()
    item["attributes"]["updated"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return item


# --- Dataverse search -------------------------------------------------------------------------


def dataverse_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    templates = [
        item
        for name in (
            "demo-dataverse_search_q-trees.json",
            "demo-dataverse_search_metadata_fields.json",
        )
        for item in _load(realdata, f"dataverse/{name}")["data"]["items"]
        if item["type"] == "dataset"
    ]
    item: dict[str, Any] = copy.deepcopy(templates[i % len(templates)])
    item["global_id"] = f"doi:10.5072/FK2/SN{i:04d}"
    item["url"] = f"https://doi.org/10.5072/FK2/SN{i:04d}"
    item["name"] = f"{item['name']} #{i}"
    return dataverse_touch(item, when, revise=False)


def dataverse_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["name"] += " (revised)"
    item["updatedAt"] = when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return item


# --- Chinese centre styles (no captured replies: written from the documented shapes) ----------


def sciencedb_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    item = {
        "dataSetId": f"sdb{i:05d}",
        "cstr": f"31253.11.sciencedb.{i:05d}",
        "doi": f"10.57760/sciencedb.{i:05d}",
        "titleZh": f"青藏高原土壤有机碳数据集 {i}",
        "titleEn": f"Soil organic carbon of the Tibetan Plateau {i}",
        "introductionZh": "高原表层土壤有机碳含量。",
        "introductionEn": "Topsoil organic carbon content on the plateau.",
        "keywordZh": "土壤;有机碳",
        "keywordEn": "soil;organic carbon",
        "taxonomy": ["170-地球科学", "180-生物学"],
        "author": [{"nameZh": "张三", "nameEn": "Zhang San", "organizationZh": "中国科学院"}],
        "publishDate": "2023-05-01 10:00:00",
        "license": "CC BY 4.0",
        "accessMode": ["公开", "申请", "受限"][i % 3],
        "url": f"https://demo.sciencedb.example/dataset/sdb{i:05d}",
        "files": [{"name": "data.csv", "size": 12345 + i, "format": "CSV"}],
        "fund": [{"name": "国家自然科学基金", "number": "42071234"}],
    }
    return sciencedb_touch(item, when, revise=False)


def sciencedb_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["titleEn"] += " (revised)"
    item["updateTime"] = when.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")
    return item


def nmdc_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    strain = i % 4 != 0
    item: dict[str, Any] = {
        "id": f"NMDC{10000000 + i}",
        "cstr": f"CSTR:16698.13.NMDC{10000000 + i}",
        "resourceType": "strain" if strain else "dataset",
        "name": f"枯草芽孢杆菌 {i}" if strain else f"土壤宏基因组数据 {i}",
        "nameEn": f"Bacillus subtilis {i}" if strain else f"Soil metagenome {i}",
        "description": "模式菌株。",
        "descriptionEn": "Type strain.",
        "keywords": "芽孢杆菌,模式菌株",
        "subject": "180-生物学",
        "createTime": "2021-03-04",
        "accessLevel": ["open", "apply", "restricted"][i % 3],
        "license": "CC BY 4.0" if i % 2 else None,
        "contact": {"org": "中国农业微生物菌种保藏管理中心", "email": "accc@example.org"},
        "url": f"https://demo.nmdc.example/resource/NMDC{10000000 + i}",
    }
    if strain:
        item.update(
            species="Bacillus subtilis",
            strainNumber=f"ACCC {10000 + i}",
            preservation="冻干 / lyophilized",
            obtainWay="在线申请，签署材料转移协议",
            shareScope="公益性科研",
            shareChannel="线上申请",
        )
    return nmdc_touch(item, when, revise=False)


def nmdc_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["nameEn"] += " (revised)"
    item["modifyTime"] = when.astimezone(BEIJING).strftime("%Y-%m-%d")
    return item


def tpdc_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    item = {
        "id": f"5e1f0c7a-0000-4000-9000-{i:012d}",
        "cstr": f"18406.11.Terre.tpdc.{300000 + i}",
        "doi": f"10.11888/Terre.tpdc.{300000 + i}",
        "titleCn": f"青藏高原冰川分布数据 {i}",
        "titleEn": f"Glacier distribution on the Tibetan Plateau {i}",
        "abstractCn": "冰川边界矢量数据。",
        "abstractEn": "Glacier outlines as vectors.",
        "keywordCn": ["冰川", "青藏高原"],
        "keywordEn": ["glacier", "Tibetan Plateau"],
        "subjectEn": "170-Earth science",
        "themes": ["冰冻圈"],
        "authors": [{"nameCn": "李四", "nameEn": "Li Si", "unitCn": "中国科学院青藏高原研究所"}],
        "publishTime": 1683000000000,
        "timeStart": "2000-01-01",
        "timeEnd": "2020-12-31",
        "spatialScope": "青藏高原",
        "shareType": ["开放共享", "申请共享", "保护期"][i % 3],
        "protectReason": "项目保护期内" if i % 3 == 2 else None,
        "license": "CC BY 4.0",
        "dataSize": 1048576 * (i + 1),
        "fileFormat": "Shapefile",
        "detailUrl": f"https://data.tpdc.example/zh/data/{i}/",
    }
    return tpdc_touch(item, when, revise=False)


def tpdc_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["titleEn"] += " (revised)"
    item["updateTime"] = int(when.timestamp() * 1000)
    return item


def geodata_item(realdata: Path, i: int, when: datetime) -> dict[str, Any]:
    item: dict[str, Any] = {
        "entryId": f"geo-{i:04d}",
        "cstr": f"17099.11.geodata.{i:05d}",
        "doi": f"10.12041/geodata.{i:05d}",
        "titleCn": f"黑河流域土壤水分数据 {i}",
        "titleEn": f"Soil moisture of the Heihe basin {i}",
        "abstractCn": "黑河流域表层土壤水分观测。",
        "keywordCn": "土壤水分，黑河流域",
        "keywordEn": "soil moisture;Heihe",
        "publishTime": 1683000000000 + i,
        "shareLevel": "公开",
        "dataSize": 2048 + i,
        "detailUrl": f"https://geodata.example/data/{i}",
    }
    return geodata_touch(item, when, revise=False)


def geodata_touch(item: dict[str, Any], when: datetime, revise: bool = True) -> dict[str, Any]:
    item = copy.deepcopy(item)
    if revise:
        item["titleEn"] += " (revised)"
    item["updateTime"] = int(when.timestamp() * 1000)
    return item


@dataclass(frozen=True)
class Style:
    """One JSON platform style: its configuration, endpoint, items and how one changes."""

    config: str
    endpoint: str
    build: Callable[[Path, int, datetime], dict[str, Any]]
    touch: Callable[[dict[str, Any], datetime], dict[str, Any]]
    ident: Callable[[dict[str, Any]], str]
    incremental_param: str
    """The request parameter an incremental harvest must send."""
    envelope: Callable[[Path], dict[str, Any]] | None = None


STYLES = {
    "ckan": Style(
        "ckan",
        "/api/3/action/package_search",
        ckan_item,
        ckan_touch,
        lambda i: i["id"],
        "fq",
        ckan_envelope,
    ),
    "datacite": Style(
        "datacite", "/dois", datacite_item, datacite_touch, lambda i: i["id"], "query"
    ),
    "dataverse": Style(
        "dataverse", "/api/search", dataverse_item, dataverse_touch, lambda i: i["global_id"], "fq"
    ),
    "sciencedb": Style(
        "sciencedb",
        "/harvest",
        sciencedb_item,
        sciencedb_touch,
        lambda i: i["dataSetId"],
        "start_time",
    ),
    "nmdc": Style(
        "nmdc",
        "/api/services/nmdcweb/api/dataset/metadata/page",
        nmdc_item,
        nmdc_touch,
        lambda i: i["id"],
        "modifiedSince",
    ),
    "tpdc": Style(
        "tpdc",
        "/view/metadataView/list",
        tpdc_item,
        tpdc_touch,
        lambda i: i["id"],
        "updateTimeStart",
    ),
}


UNSHIPPED = {
    "geodata": Style(
        "geodata",
        "/service/scidata/entry/search/",
        geodata_item,
        geodata_touch,
        lambda i: i["entryId"],
        "updateTimeStart",
    ),
}
"""Styles no shipped configuration describes: tests write the configuration themselves."""


def stamp_of(style: Style, item: dict[str, Any]) -> datetime:
    """When an item was last modified, read back from its own field (UTC)."""
    text = {
        "ckan": lambda: item["metadata_modified"] + "+00:00",
        "datacite": lambda: item["attributes"]["updated"].replace("Z", "+00:00"),
        "dataverse": lambda: item["updatedAt"].replace("Z", "+00:00"),
        "sciencedb": lambda: item["updateTime"].replace(" ", "T") + "+08:00",
        "nmdc": lambda: item["modifyTime"] + "T00:00:00+08:00",
        "tpdc": lambda: datetime.fromtimestamp(item["updateTime"] / 1000, UTC).isoformat(),
        "geodata": lambda: datetime.fromtimestamp(item["updateTime"] / 1000, UTC).isoformat(),
    }[style.config]()
    return datetime.fromisoformat(text)


class PlatformServer:
    """The server process for one style; its catalogue and request log live in files."""

    def __init__(self, directory: Path, style: str, realdata: Path) -> None:
        self.style = STYLES.get(style) or UNSHIPPED.get(style)
        self.name = style
        self.realdata = realdata
        self.state_file = directory / f"{style}-state.json"
        self.log_file = directory / f"{style}-requests.jsonl"
        self.items: list[dict[str, Any]] = []
        self.extra: dict[str, Any] = {}
        self.save()
        self.process = subprocess.Popen(
            [sys.executable, str(SERVER), str(self.state_file), str(self.log_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self.process.stdout is not None
        self.port = int(self.process.stdout.readline())
        self.base = f"http://127.0.0.1:{self.port}"

    @property
    def url(self) -> str:
        assert self.style is not None
        return self.base + self.style.endpoint

    def populate(self, count: int, when: datetime) -> None:
        assert self.style is not None
        self.items = [self.style.build(self.realdata, i, when) for i in range(count)]
        self.save()

    def save(self) -> None:
        state: dict[str, Any] = {"style": self.name, **self.extra}
        if self.style is not None:
            state["items"] = self.items
            state["stamps"] = [stamp_of(self.style, item).isoformat() for item in self.items]
            if self.style.envelope is not None:
                state["envelope"] = self.style.envelope(self.realdata)
        self.state_file.write_text(json.dumps(state, ensure_ascii=False), "utf-8")

    def requests(self) -> list[dict[str, Any]]:
        if not self.log_file.exists():
            return []
        return [json.loads(line) for line in self.log_file.read_text("utf-8").splitlines()]

    def clear_log(self) -> None:
        self.log_file.unlink(missing_ok=True)

    def stop(self) -> None:
        self.process.kill()
        self.process.wait()

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.base + path)
