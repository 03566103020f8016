"""An independent reader of the shipped demo files, for tests only.

It reads each platform's published shape (oai_dc, DataCite, the two JSON
shapes) back into a flat view, without the generator's code, so tests can
recount what the manifest claims from what the servers actually serve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lxml import etree

from sharenet.demo.catalogue import load_lines

DC = "{http://purl.org/dc/elements/1.1/}"
DCK = "{http://datacite.org/schema/kernel-4}"
LANG = "{http://www.w3.org/XML/1998/namespace}lang"
PUBLIC_FUNDERS = {"国家自然科学基金", "国家重点研发计划", "中国科学院战略性先导科技专项"}


@dataclass(slots=True)
class Flat:
    id: str
    deleted: bool = False
    cstr: str | None = None
    title_zh: str | None = None
    title_en: str | None = None
    desc: tuple[str | None, str | None] = (None, None)
    keywords: list[str] = field(default_factory=list)
    license: str | None = None
    access: str | None = None
    funders: list[str] = field(default_factory=list)
    modified: date | None = None
    kind: str = "dataset"


def _oai_dc(line: dict[str, Any], xml: str) -> Flat:
    root = etree.fromstring(xml.encode())
    flat = Flat(line["identifier"])
    by: dict[str, list[etree._Element]] = {}
    for el in root:
        by.setdefault(etree.QName(el).localname, []).append(el)
    for el in by.get("title", []):
        setattr(flat, f"title_{el.get(LANG)}", el.text)
    descs = {el.get(LANG): el.text for el in by.get("description", [])}
    flat.desc = (descs.get("zh"), descs.get("en"))
    flat.keywords = [el.text or "" for el in by.get("subject", []) if el.get(LANG)]
    for el in by.get("identifier", []):
        text = el.text or ""
        if not text.startswith(("http", "accession:")):
            flat.cstr = text
    for el in by.get("rights", []):
        text = el.text or ""
        if text.startswith("info:eu-repo"):
            flat.access = text
        else:
            flat.license = text
    flat.funders = [(el.text or "").split("/")[3] for el in by.get("relation", [])]
    flat.modified = max(date.fromisoformat(el.text or "") for el in by["date"])
    types = [el.text for el in by.get("type", [])]
    flat.kind = "germplasm" if "PhysicalObject" in types else "dataset"
    return flat


def _datacite(line: dict[str, Any], xml: str) -> Flat:
    root = etree.fromstring(xml.encode())
    res = root.find(f".//{DCK}resource")
    assert res is not None
    flat = Flat(line["identifier"])
    for el in res.iter(f"{DCK}title"):
        setattr(flat, f"title_{el.get(LANG)}", el.text)
    descs = {el.get(LANG): el.text for el in res.iter(f"{DCK}description")}
    flat.desc = (descs.get("zh"), descs.get("en"))
    flat.keywords = [
        el.text or "" for el in res.iter(f"{DCK}subject") if el.get("subjectScheme") is None
    ]
    for el in res.iter(f"{DCK}alternateIdentifier"):
        if el.get("alternateIdentifierType") == "CSTR":
            flat.cstr = el.text
    for el in res.iter(f"{DCK}rights"):
        uri = el.get("rightsURI") or ""
        if uri.startswith("info:eu-repo"):
            flat.access = uri
        else:
            flat.license = el.text
    flat.funders = [el.text or "" for el in res.iter(f"{DCK}funderName")]
    for el in res.iter(f"{DCK}date"):
        if el.get("dateType") == "Updated":
            flat.modified = date.fromisoformat(el.text or "")
    return flat


def _sciencedb(r: dict[str, Any]) -> Flat:
    keywords = [k for k in ((r["keywordZh"] or "") + ";" + (r["keywordEn"] or "")).split(";") if k]
    return Flat(
        r["dataSetId"],
        cstr=r["cstr"],
        title_zh=r["titleZh"],
        title_en=r["titleEn"],
        desc=(r["introductionZh"], r["introductionEn"]),
        keywords=keywords,
        license=r["license"],
        access=r["accessMode"],
        funders=[f["name"] for f in r["fund"]],
        modified=date.fromisoformat(r["updateTime"][:10]),
    )


def _nmdc(r: dict[str, Any]) -> Flat:
    return Flat(
        r["id"],
        cstr=r.get("cstr"),
        title_zh=r.get("name"),
        title_en=r.get("nameEn"),
        desc=(r.get("description"), r.get("descriptionEn")),
        keywords=[k for k in r.get("keywords", "").split(",") if k],
        license=r["license"],
        access=r.get("accessLevel"),
        modified=date.fromisoformat(r["modifyTime"]),
        kind=r["resourceType"],
    )


def read_platform(platform: str) -> list[Flat]:
    out = []
    for line in load_lines(platform):
        if platform == "sciencedb":
            out.append(_sciencedb(line))
        elif platform == "nmdc":
            out.append(_nmdc(line))
        elif line["deleted"]:
            out.append(Flat(line["identifier"], deleted=True))
        elif "oai_datacite" in line["metadata"]:
            out.append(_datacite(line, line["metadata"]["oai_datacite"]))
        else:
            out.append(_oai_dc(line, line["metadata"]["oai_dc"]))
    return out
