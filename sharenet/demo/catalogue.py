"""The shipped demo catalogue: which platforms it has and how to read their files.

One gzip'd JSON-lines file per platform under ``data/``: for the JSON platforms
each line is a record exactly as its API serves it (docs: DEMO_SHAPES); for the
OAI-PMH platforms each line is an OAI item (identifier, datestamp, sets, deleted
flag, pre-rendered metadata XML by prefix). ``manifest.json`` beside them counts
records and every deliberate defect, so tests can check what the pipeline finds.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

DATA_DIR = Path(__file__).parent / "data"
MANIFEST = DATA_DIR / "manifest.json"


@dataclass(frozen=True, slots=True)
class DemoPlatform:
    id: str
    name_zh: str
    name_en: str
    protocol: Literal["oai-pmh", "json"]
    metadata_prefix: str
    """OAI metadata prefix, or the JSON adapter configuration name."""
    agency_code: str
    demo_code: bool
    """True when the agency code is invented for the demo (no real code is known)."""
    host: str
    """Landing-page host of the platform's records (an ``.example`` name)."""


PLATFORMS: tuple[DemoPlatform, ...] = (
    DemoPlatform(
        "ncdc",
        "国家冰川冻土沙漠科学数据中心",
        "National Cryosphere Desert Data Center",
        "oai-pmh",
        "oai_dc",
        "11738",
        False,
        "demo.ncdc.example",
    ),
    DemoPlatform(
        "nbsdc",
        "国家基础学科公共科学数据中心",
        "National Basic Science Data Center",
        "oai-pmh",
        "oai_datacite",
        "16666",
        False,
        "demo.nbsdc.example",
    ),
    DemoPlatform(
        "cgris",
        "国家作物种质资源库",
        "National Crop Germplasm Resource Center",
        "oai-pmh",
        "oai_dc",
        "D9001",
        True,
        "demo.cgris.example",
    ),
    DemoPlatform(
        "sciencedb",
        "ScienceDB 科学数据银行",
        "ScienceDB",
        "json",
        "sciencedb",
        "31253",
        False,
        "demo.sciencedb.example",
    ),
    DemoPlatform(
        "nmdc",
        "国家微生物科学数据中心",
        "National Microbiology Data Center",
        "json",
        "nmdc",
        "D9002",
        True,
        "demo.nmdc.example",
    ),
)

BY_ID: dict[str, DemoPlatform] = {p.id: p for p in PLATFORMS}


def platform(platform_id: str) -> DemoPlatform:
    try:
        return BY_ID[platform_id]
    except KeyError:
        known = ", ".join(BY_ID)
        raise ValueError(f"no demo platform {platform_id!r}; known: {known}") from None


def data_file(platform_id: str, data_dir: Path = DATA_DIR) -> Path:
    return data_dir / f"{platform_id}.jsonl.gz"


def load_lines(platform_id: str, data_dir: Path = DATA_DIR) -> Iterator[dict[str, Any]]:
    """The platform's shipped items, in file order (the order its server lists them)."""
    with gzip.open(data_file(platform_id, data_dir), "rt", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                item: dict[str, Any] = json.loads(line)
                yield item


def load_manifest(data_dir: Path = DATA_DIR) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((data_dir / "manifest.json").read_text("utf-8"))
    return manifest
