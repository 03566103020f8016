"""Generate the demo catalogue: ``python -m sharenet.demo.generate [--out DIR]``.

Deterministic (one seeded RNG, no clock): running it again gives byte-identical
files, which a test checks, so the shipped data in ``data/`` is always what this
script says it is. Clean records are made first; then each defect of the national
rules is injected into a known, disjoint set of records per platform and written
to ``manifest.json`` with the affected identifiers, so tests and the quality
reports can be compared with what was put in.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, TypeVar

from sharenet.demo import render
from sharenet.demo.catalogue import BY_ID, DATA_DIR, PLATFORMS, DemoPlatform, data_file
from sharenet.demo.items import (
    Access,
    Contact,
    DataFile,
    DemoItem,
    Grant,
    Person,
    Physical,
)
from sharenet.demo.vocab import (
    BASIC_QUALIFIERS,
    BASIC_TOPICS,
    CROPS,
    CRYOSPHERE_FORMS,
    CRYOSPHERE_REGIONS,
    CRYOSPHERE_TOPICS,
    FILE_FORMATS,
    FUNDERS,
    GENERAL_FORMS,
    GENERAL_REGIONS,
    GENERAL_TOPICS,
    GERMPLASM_TYPES,
    GIVEN_CHARS,
    HABITATS,
    INSTITUTIONS,
    LICENSES,
    MICROBES,
    PRESERVATIONS,
    PROVINCES,
    STATIONS,
    SURNAMES,
    Pair,
)

SEED = 20261101
AS_OF = date(2026, 11, 1)
"""The catalogue's 'today': stale means modified more than STALE_YEARS before it."""
STALE_YEARS = 3
STALE_BEFORE = date(AS_OF.year - STALE_YEARS, AS_OF.month, AS_OF.day)
FRESH_FROM = date(2024, 1, 1)

SIZES: dict[str, int] = {"ncdc": 480, "nbsdc": 440, "cgris": 420, "sciencedb": 460, "nmdc": 420}
"""Live records per platform (nmdc: about three quarters strains, the rest datasets)."""
DELETED: dict[str, int] = {"ncdc": 6, "nbsdc": 4, "cgris": 5}
"""Deleted records per OAI platform (served as deleted headers)."""

DEFECTS: dict[str, tuple[int, str]] = {
    "missing_cstr": (8, "no CSTR at all"),
    "malformed_cstr": (5, "a CSTR that does not parse (GB/T 32843 syntax)"),
    "foreign_agency_cstr": (4, "a well-formed CSTR under another demo platform's agency code"),
    "duplicate_cstr": (
        4,
        "the CSTR of another record of the same platform (possibly spelled differently); "
        "'records' lists the copies, 'originals' the records copied",
    ),
    "duplicate_record": (
        4,
        "same titles, descriptions and keywords as another record of the platform; "
        "'records' lists the copies, 'originals' the records copied",
    ),
    "missing_title_en": (10, "no English title"),
    "missing_title_zh": (4, "no Chinese title"),
    "missing_license": (12, "no licence"),
    "missing_access": (6, "no access conditions"),
    "restricted_unjustified": (
        5,
        "restricted access, no reason given, funded by a public funder (art. 5); "
        "not expressible on nmdc (its shape has no funding)",
    ),
    "stale": (30, f"modified more than {STALE_YEARS} years before as_of"),
    "missing_description": (5, "no description in any language"),
    "missing_keywords": (5, "no keywords in any language"),
}
"""Defect name -> (base count, meaning). Each platform gets base + 0..3 of each."""

_NOT_EXPRESSIBLE = {("nmdc", "restricted_unjustified")}

T = TypeVar("T")

Builder = Callable[[random.Random, DemoPlatform, int], DemoItem]


def _pick(rng: random.Random, seq: Sequence[T]) -> T:
    return seq[rng.randrange(len(seq))]


def _person(rng: random.Random, institutions: tuple[Pair, ...]) -> Person:
    family = _pick(rng, SURNAMES)
    chars = [_pick(rng, GIVEN_CHARS) for _ in range(rng.choice((1, 2, 2)))]
    given_en = "".join(c.en for c in chars).capitalize()
    org = _pick(rng, institutions)
    return Person(
        name_zh=family.zh + "".join(c.zh for c in chars),
        name_en=f"{family.en} {given_en}",
        family_en=family.en,
        given_en=given_en,
        org_zh=org.zh,
        org_en=org.en,
    )


def _people(rng: random.Random, family: str) -> list[Person]:
    return [_person(rng, INSTITUTIONS[family]) for _ in range(rng.randint(1, 4))]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


def _dates(rng: random.Random) -> tuple[date, datetime]:
    """Issued over 2010-2026, modified after it and within the freshness window."""
    issued = _day(rng, date(2010, 1, 1), AS_OF - timedelta(days=30))
    modified_day = _day(rng, max(issued, FRESH_FROM), AS_OF - timedelta(days=1))
    at = time(rng.randrange(8, 20), rng.randrange(60), rng.randrange(60))
    return issued, datetime.combine(modified_day, at)


def _access(rng: random.Random, physical: bool) -> Access:
    roll = rng.random()
    if physical:
        return "open" if roll < 0.25 else "conditional" if roll < 0.92 else "restricted"
    return "open" if roll < 0.7 else "conditional" if roll < 0.9 else "restricted"


def _grants(rng: random.Random, access: Access) -> list[Grant]:
    """Public grants for most open records; never for restricted ones (those are defects)."""
    if access == "restricted" or rng.random() < 0.4:
        return []
    grants = []
    for _ in range(rng.randint(1, 2)):
        funder = _pick(rng, FUNDERS)
        if funder.zh == "国家自然科学基金":
            number = f"{rng.choice((4, 3, 1, 2))}{rng.randrange(10**6, 10**7)}"
        elif funder.zh == "国家重点研发计划":
            number = f"{rng.randrange(2016, 2025)}YFC{rng.randrange(10**6, 10**7)}"
        else:
            number = f"XDA{rng.randrange(10**6, 10**7)}"
        grants.append(Grant(funder.zh, funder.en, number))
    return grants


def _files(rng: random.Random, stem: str) -> list[DataFile]:
    out = []
    for i in range(rng.randint(1, 3)):
        ext, fmt = _pick(rng, FILE_FORMATS)
        out.append(DataFile(f"{stem}_{i + 1}.{ext}", rng.randrange(10**3, 5 * 10**9), fmt))
    return out


def _spell(rng: random.Random, canonical: str) -> str:
    """The spellings platforms really use: with prefix, without it, lower-cased."""
    roll = rng.random()
    if roll < 0.6:
        return canonical
    if roll < 0.85:
        return canonical.removeprefix("CSTR:")
    return canonical.lower()


def _uuid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _fill(template: str, **values: object) -> str:
    return template.format(**{k: str(v) for k, v in values.items()})


def _common(
    rng: random.Random, platform: DemoPlatform, family: str, physical: bool = False
) -> dict[str, Any]:
    issued, modified = _dates(rng)
    access = _access(rng, physical)
    return {
        "platform": platform.id,
        "creators": _people(rng, family),
        "issued": issued,
        "modified": modified,
        "license": _pick(rng, LICENSES),
        "access": access,
        "grants": _grants(rng, access),
    }


_METHODS = (
    Pair("野外观测", "field observations"),
    Pair("卫星遥感反演", "satellite retrieval"),
    Pair("陆面模式模拟", "land surface model simulation"),
    Pair("自动气象站连续观测", "continuous automatic weather station records"),
    Pair("站点与遥感融合", "merging station data with remote sensing"),
)
_USES = (
    Pair("冰冻圈变化", "cryosphere change"),
    Pair("水资源评估", "water resource assessment"),
    Pair("荒漠化防治", "desertification control"),
    Pair("生态保护与修复", "ecological protection and restoration"),
    Pair("区域气候变化", "regional climate change"),
)
_TRES = (
    Pair("逐日", "daily"),
    Pair("逐月", "monthly"),
    Pair("逐年", "annual"),
    Pair("逐时", "hourly"),
)


_SERVICE_DESKS: dict[str, tuple[str, str]] = {
    "ncdc": ("0931-8000000", "甘肃省兰州市东岗西路320号"),
    "nbsdc": ("010-80000000", "北京市海淀区中关村南四街4号"),
}
"""Phone and address of the data centres' service desks (invented numbers)."""


def _service_desk(platform: DemoPlatform) -> Contact:
    """A data centre's one contact point for all its datasets.

    Drawn without the RNG, so adding it moved no other value of the catalogue.
    """
    phone, address = _SERVICE_DESKS[platform.id]
    return Contact(f"{platform.name_zh}数据服务组", f"service@{platform.host}", phone, address)


def build_cryosphere(rng: random.Random, platform: DemoPlatform, n: int) -> DemoItem:
    region, topic, form = (
        _pick(rng, CRYOSPHERE_REGIONS),
        _pick(rng, CRYOSPHERE_TOPICS),
        _pick(rng, CRYOSPHERE_FORMS),
    )
    station = _pick(rng, STATIONS)
    y1 = rng.randrange(1980, 2020)
    y2 = min(y1 + rng.randrange(1, 30), 2025)
    res = _pick(rng, (30, 250, 500, 1000, 5000))
    values = {
        "region": region.zh,
        "topic": topic.zh,
        "y1": y1,
        "y2": y2,
        "res": res,
        "station": station.zh,
    }
    title_zh = _fill(form.zh, **values)
    title_en = _fill(
        form.en,
        region=region.en,
        topic=topic.en,
        Topic=topic.en[0].upper() + topic.en[1:],
        y1=y1,
        y2=y2,
        res=res,
        station_en=station.en,
    )
    method, use, tres = _pick(rng, _METHODS), _pick(rng, _USES), _pick(rng, _TRES)
    desc_zh = (
        f"本数据集提供{y1}—{y2}年{region.zh}{topic.zh}数据，基于{method.zh}获取，"
        f"时间分辨率为{tres.zh}，空间分辨率为{res}米。数据经过质量控制与一致性检验，"
        f"可用于{use.zh}研究。"
    )
    desc_en = (
        f"This dataset provides {topic.en} for the {region.en} from {y1} to {y2}, based on "
        f"{method.en}, at {tres.en} temporal and {res} m spatial resolution. The data were "
        f"quality-controlled and checked for consistency, and support studies of {use.en}."
    )
    year = rng.randrange(2012, 2026)
    serial = n + 1
    stem = f"NCDC.{topic.oai_set.upper()}.DB{serial:04d}.{year}"
    return DemoItem(
        local_id=f"oai:{platform.host}:{_uuid(rng)}",
        kind="dataset",
        oai_set=topic.oai_set,
        cstr=_spell(rng, f"CSTR:{platform.agency_code}.11.{stem}"),
        doi=f"10.12072/ncdc.{topic.oai_set}.db{serial:04d}.{year}" if rng.random() < 0.4 else None,
        title_zh=title_zh,
        title_en=title_en,
        desc_zh=desc_zh,
        desc_en=desc_en,
        keywords_zh=[k.zh for k in topic.keywords] + [region.zh],
        keywords_en=[k.en for k in topic.keywords] + [region.en],
        subject=topic.subject,
        landing=f"https://{platform.host}/portal/metadata/{serial:05d}",
        files=_files(rng, f"{topic.oai_set}_{y1}_{y2}"),
        contact=_service_desk(platform),
        spatial=region.zh,
        **_common(rng, platform, "cryosphere"),
    )


_FACILITIES = (
    Pair("中国散裂中子源", "China Spallation Neutron Source"),
    Pair("上海同步辐射光源", "Shanghai Synchrotron Radiation Facility"),
    Pair("郭守敬望远镜", "LAMOST"),
    Pair("500米口径球面射电望远镜", "FAST radio telescope"),
    Pair("高性能计算集群", "a high-performance computing cluster"),
    Pair("稳态强磁场实验装置", "the Steady High Magnetic Field Facility"),
    Pair("实验室平台", "laboratory instruments"),
)


def build_basic(rng: random.Random, platform: DemoPlatform, n: int) -> DemoItem:
    topic, qualifier = _pick(rng, BASIC_TOPICS), _pick(rng, BASIC_QUALIFIERS)
    y1 = rng.randrange(2008, 2026)
    num = rng.randrange(1, 60)
    facility = _pick(rng, _FACILITIES)
    title_zh = f"{topic.zh}（{_fill(qualifier.zh, n=num, y1=y1)}）"
    title_en = f"{topic.en[0].upper()}{topic.en[1:]} ({_fill(qualifier.en, n=num, y1=y1)})"
    count = rng.randrange(20, 200000)
    desc_zh = (
        f"{topic.zh}数据，由{facility.zh}测量或计算获得，共{count}条记录，"
        f"附数据处理流程说明与元数据。适用于{topic.keywords[0].zh}相关的基础研究与方法验证。"
    )
    desc_en = (
        f"{topic.en[0].upper()}{topic.en[1:]} measured or computed with {facility.en}: "
        f"{count} entries with processing notes and metadata, for basic research and method "
        f"validation in {topic.keywords[0].en}."
    )
    suffix = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(8))
    return DemoItem(
        local_id=f"oai:{platform.host}:{suffix}",
        kind="dataset",
        oai_set=topic.oai_set,
        cstr=_spell(rng, f"CSTR:{platform.agency_code}.11.nbsdc.{suffix}"),
        doi=f"10.11922/nbsdc.{suffix}",
        title_zh=title_zh,
        title_en=title_en,
        desc_zh=desc_zh,
        desc_en=desc_en,
        keywords_zh=[k.zh for k in topic.keywords],
        keywords_en=[k.en for k in topic.keywords],
        subject=topic.subject,
        landing=f"https://{platform.host}/dataset/{suffix}",
        files=_files(rng, suffix),
        contact=_service_desk(platform),
        **_common(rng, platform, "basic"),
    )


def build_germplasm(rng: random.Random, platform: DemoPlatform, n: int) -> DemoItem:
    crop = _pick(rng, CROPS)
    gtype = _pick(rng, GERMPLASM_TYPES)
    province = _pick(rng, PROVINCES)
    accession = f"{crop.code}{rng.randrange(10**5, 10**6):06d}"
    if gtype.en in {"improved cultivar", "breeding line"}:
        cultivar = _pick(rng, crop.cultivars)
        line = f"-{rng.randrange(1, 99)}" if gtype.en == "breeding line" else ""
        name_zh, name_en = cultivar.zh + line, cultivar.en + line
    else:
        num = rng.randrange(1, 40)
        name_zh = f"{province.zh}{crop.landrace_suffix.zh}{num}号"
        name_en = f"{province.en} {crop.landrace_suffix.en} No. {num}"
    trait = _pick(rng, crop.traits)
    days, height, weight = rng.randrange(80, 160), rng.randrange(40, 280), rng.randrange(3, 400)
    grams = _pick(rng, (5, 10, 20, 50))
    desc_zh = (
        f"{crop.zh}{gtype.zh}，原产地{province.zh}，{trait.zh}。生育期{days}天，"
        f"株高{height}厘米，千粒重{weight / 10:.1f}克。以种子形式保存于国家作物种质库"
        f"（长期库，-18℃），可提供种子{grams}克用于公益性科研。"
    )
    desc_en = (
        f"{crop.en.capitalize()} {gtype.en} from {province.en}, {trait.en}. Growth period "
        f"{days} days, plant height {height} cm, 1000-grain weight {weight / 10:.1f} g. "
        f"Conserved as seed in the national crop genebank (long-term store, -18 °C); {grams} g "
        "of seed available for public-interest research."
    )
    inst = _pick(rng, INSTITUTIONS["crop"])
    return DemoItem(
        local_id=f"oai:{platform.host}:{accession}",
        kind="germplasm",
        oai_set=crop.en.replace(" ", "-"),
        cstr=_spell(rng, f"CSTR:{platform.agency_code}.13.{accession}"),
        doi=None,
        title_zh=f"{crop.zh}种质资源：{name_zh}（{accession}）",
        title_en=f"{crop.en.capitalize()} germplasm: {name_en} ({accession})",
        desc_zh=desc_zh,
        desc_en=desc_en,
        keywords_zh=[crop.zh, "种质资源", gtype.zh, trait.zh],
        keywords_en=[crop.en, "germplasm", gtype.en, trait.en],
        subject="210",
        landing=f"https://{platform.host}/germplasm/{accession}",
        physical=Physical(
            accession=accession,
            species=crop.species,
            preservation_zh="种子低温保存（-18℃长期库）",
            preservation_en="seed, long-term storage at -18 °C",
            obtain="在线申请，签署种质资源利用协议",
            scope="公益性科研",
            channel="线上申请",
        ),
        contact=Contact(
            inst.zh, f"genebank@{platform.host}", f"010-6210{n:04d}", "北京市海淀区中关村南大街12号"
        ),
        spatial=province.zh,
        **_common(rng, platform, "crop", physical=True),
    )


def build_general(rng: random.Random, platform: DemoPlatform, n: int) -> DemoItem:
    topic, region, form = (
        _pick(rng, GENERAL_TOPICS),
        _pick(rng, GENERAL_REGIONS),
        _pick(rng, GENERAL_FORMS),
    )
    y1 = rng.randrange(2000, 2024)
    y2 = min(y1 + rng.randrange(1, 15), 2025)
    sites = rng.randrange(3, 300)
    title_zh = _fill(form.zh, region=region.zh, topic=topic.zh, y1=y1, y2=y2, n=sites)
    title_en = _fill(
        form.en,
        region=region.en,
        Topic=topic.en[0].upper() + topic.en[1:],
        y1=y1,
        y2=y2,
        n=sites,
    )
    desc_zh = (
        f"该数据集包含{region.zh}{y1}—{y2}年{topic.zh}数据，来自{sites}个站点或样地，"
        "包括原始观测值、质量控制标记和采样说明。"
    )
    desc_en = (
        f"This dataset contains {topic.en} data for the {region.en}, {y1}-{y2}, from "
        f"{sites} sites or plots, with raw values, quality flags and sampling notes."
    )
    serial = 100 + n
    ident = f"{rng.getrandbits(96):024x}"
    return DemoItem(
        local_id=ident,
        kind="dataset",
        oai_set=topic.oai_set,
        cstr=_spell(rng, f"CSTR:{platform.agency_code}.11.sciencedb.{serial:05d}"),
        doi=f"10.57760/sciencedb.{serial:05d}" if rng.random() < 0.85 else None,
        title_zh=title_zh,
        title_en=title_en,
        desc_zh=desc_zh,
        desc_en=desc_en,
        keywords_zh=[k.zh for k in topic.keywords] + [region.zh],
        keywords_en=[k.en for k in topic.keywords] + [region.en],
        subject=topic.subject,
        landing=f"https://{platform.host}/dataset/{ident}",
        files=_files(rng, topic.oai_set),
        **_common(rng, platform, "general"),
    )


def build_microbe(rng: random.Random, platform: DemoPlatform, n: int) -> DemoItem:
    microbe = _pick(rng, MICROBES)
    habitat, use = _pick(rng, HABITATS), _pick(rng, microbe.uses)
    ident = f"NMDC{10000000 + n * 37 + rng.randrange(37)}"
    inst = _pick(rng, INSTITUTIONS["microbe"])
    contact = Contact(
        inst.zh, f"service@{platform.host}", f"010-6480{n:04d}", "北京市朝阳区北辰西路1号院3号"
    )
    if rng.random() < 0.76:
        number = (
            f"ACCC {rng.randrange(10001, 69999)}"
            if microbe.collection == "ACCC"
            else f"CGMCC {microbe.group}.{rng.randrange(1, 25000)}"
        )
        pres = _pick(rng, PRESERVATIONS)
        title_zh, title_en = f"{microbe.zh} {number}", f"{microbe.species} {number}"
        desc_zh = (
            f"{microbe.zh}（{microbe.species}）菌株，分离自{habitat.zh}，具有{use.zh}特性。"
            f"保藏方式：{pres.zh}。可用于{use.zh}相关的科研与教学。"
        )
        desc_en = (
            f"Strain of {microbe.species} isolated from {habitat.en}, used for {use.en}. "
            f"Preservation: {pres.en}. Available for research and teaching on {use.en}."
        )
        return DemoItem(
            local_id=ident,
            kind="strain",
            oai_set="strain",
            cstr=_spell(rng, f"CSTR:{platform.agency_code}.13.{ident}"),
            doi=None,
            title_zh=title_zh,
            title_en=title_en,
            desc_zh=desc_zh,
            desc_en=desc_en,
            keywords_zh=[microbe.zh, use.zh, habitat.zh],
            keywords_en=[microbe.species, use.en, habitat.en],
            subject="180",
            landing=f"https://{platform.host}/resource/{ident}",
            physical=Physical(
                accession=number,
                species=microbe.species,
                preservation_zh=pres.zh,
                preservation_en=pres.en,
                obtain="在线申请，签署材料转移协议",
                scope="公益性科研",
                channel="线上申请",
            ),
            contact=contact,
            **_common(rng, platform, "microbe", physical=True),
        )
    if rng.random() < 0.5:
        title_zh = f"{microbe.zh}全基因组测序数据（{habitat.zh}分离株）"
        title_en = f"Whole-genome sequencing data of {microbe.species} isolated from {habitat.en}"
        keywords = ([microbe.zh, "全基因组测序"], [microbe.species, "whole-genome sequencing"])
    else:
        samples = rng.randrange(6, 120)
        title_zh = f"{habitat.zh}宏基因组数据集（{samples}个样本）"
        title_en = f"Metagenome of {habitat.en} ({samples} samples)"
        keywords = (["宏基因组", habitat.zh], ["metagenome", habitat.en])
    reads = rng.randrange(2, 400)
    return DemoItem(
        local_id=ident,
        kind="dataset",
        oai_set="dataset",
        cstr=_spell(rng, f"CSTR:{platform.agency_code}.11.{ident}"),
        doi=f"10.12345/nmdc.{ident.lower()}" if rng.random() < 0.3 else None,
        title_zh=title_zh,
        title_en=title_en,
        desc_zh=f"高通量测序原始数据与组装结果，约{reads} Gb，附样本采集与测序平台信息。",
        desc_en=f"Raw high-throughput sequencing reads and assemblies, about {reads} Gb, "
        "with sample collection and sequencing platform details.",
        keywords_zh=keywords[0],
        keywords_en=keywords[1],
        subject="180",
        landing=f"https://{platform.host}/resource/{ident}",
        files=_files(rng, ident.lower()),
        contact=contact,
        **_common(rng, platform, "microbe"),
    )


BUILDERS: dict[str, Builder] = {
    "ncdc": build_cryosphere,
    "nbsdc": build_basic,
    "cgris": build_germplasm,
    "sciencedb": build_general,
    "nmdc": build_microbe,
}


def build_platform(rng: random.Random, platform: DemoPlatform, size: int) -> list[DemoItem]:
    """``size`` clean records with distinct titles and identifiers."""
    items: list[DemoItem] = []
    titles: set[str] = set()
    ids: set[str] = set()
    while len(items) < size:
        item = BUILDERS[platform.id](rng, platform, len(items))
        key = item.title_zh or ""
        if key in titles or item.local_id in ids:
            continue
        titles.add(key)
        ids.add(item.local_id)
        items.append(item)
    return items


def _malformed(rng: random.Random, canonical: str) -> str:
    agency, rtype, suffix = canonical.removeprefix("CSTR:").split(".", 2)
    return _pick(
        rng,
        (
            f"CSTR:{agency[:4]}.{rtype}.{suffix}",
            f"{agency}-{rtype}-{suffix.replace('.', '-')}",
            f"CSTR:{agency}.{rtype[0]}.{suffix}",
            f"CSTR:{agency}.{rtype}.",
            f"CSTR:{agency}.{rtype}.{suffix} 数据",
        ),
    )


def _canonical(item: DemoItem) -> str:
    assert item.cstr is not None
    text = item.cstr.upper() if item.cstr.lower().startswith("cstr:") else "CSTR:" + item.cstr
    head, _, rest = text.removeprefix("CSTR:").partition(".")
    return f"CSTR:{head.upper()}.{rest}"


def inject_defects(
    rng: random.Random, platform: DemoPlatform, items: list[DemoItem]
) -> dict[str, dict[str, Any]]:
    """Damage disjoint sets of records; return what was done for the manifest."""
    pool = list(range(len(items)))
    rng.shuffle(pool)
    others = [p.agency_code for p in PLATFORMS if p.id != platform.id]
    report: dict[str, dict[str, Any]] = {}
    for name, (base, _meaning) in DEFECTS.items():
        count = 0 if (platform.id, name) in _NOT_EXPRESSIBLE else base + rng.randrange(4)
        chosen = [items[pool.pop()] for _ in range(count)]
        entry: dict[str, Any] = {"count": count, "records": [i.local_id for i in chosen]}
        if name in {"duplicate_cstr", "duplicate_record"}:
            originals = [items[pool.pop()] for _ in range(count)]
            entry["originals"] = [o.local_id for o in originals]
            for copy, original in zip(chosen, originals, strict=True):
                if name == "duplicate_cstr":
                    copy.cstr = _spell(rng, _canonical(original))
                else:
                    copy.title_zh, copy.title_en = original.title_zh, original.title_en
                    copy.desc_zh, copy.desc_en = original.desc_zh, original.desc_en
                    copy.keywords_zh = list(original.keywords_zh)
                    copy.keywords_en = list(original.keywords_en)
        for item in chosen:
            _damage(rng, name, item, others)
        report[name] = entry
    return report


def _damage(rng: random.Random, name: str, item: DemoItem, others: list[str]) -> None:
    match name:
        case "missing_cstr":
            item.cstr = None
        case "malformed_cstr":
            item.cstr = _malformed(rng, _canonical(item))
        case "foreign_agency_cstr":
            canonical = _canonical(item)
            item.cstr = f"CSTR:{_pick(rng, others)}.{canonical.split('.', 1)[1]}"
        case "missing_title_en":
            item.title_en = None
        case "missing_title_zh":
            item.title_zh = None
        case "missing_license":
            item.license = None
        case "missing_access":
            item.access = None
        case "restricted_unjustified":
            item.access = "restricted"
            if not item.grants:
                funder = FUNDERS[0]
                item.grants = [Grant(funder.zh, funder.en, f"4{rng.randrange(10**6, 10**7)}")]
        case "stale":
            modified = _day(rng, date(2012, 1, 1), date(2022, 12, 31))
            item.modified = datetime.combine(modified, item.modified.time())
            if item.issued > modified:
                item.issued = modified - timedelta(days=rng.randrange(0, 700))
        case "missing_description":
            item.desc_zh = item.desc_en = None
        case "missing_keywords":
            item.keywords_zh, item.keywords_en = [], []


def _deleted(rng: random.Random, platform: DemoPlatform, count: int, start: int) -> list[DemoItem]:
    out = []
    for i in range(count):
        item = BUILDERS[platform.id](rng, platform, start + i)
        item.deleted = True
        item.modified = datetime.combine(
            _day(rng, date(2025, 1, 1), AS_OF - timedelta(days=1)), time(3, 0, 0)
        )
        out.append(item)
    return out


def render_line(item: DemoItem, platform: DemoPlatform) -> dict[str, Any]:
    if platform.id == "sciencedb":
        return render.sciencedb(item)
    if platform.id == "nmdc":
        return render.nmdc(item)
    if platform.metadata_prefix == "oai_datacite":
        xml = render.oai_datacite(item, platform.name_zh, f"{platform.id.upper()}.DEMO")
    else:
        xml = render.oai_dc(item, platform.name_zh)
    return render.oai_item(item, {platform.metadata_prefix: xml})


def generate(out: Path = DATA_DIR) -> dict[str, Any]:
    """Write every platform's file and the manifest; return the manifest."""
    rng = random.Random(SEED)
    out.mkdir(parents=True, exist_ok=True)
    platforms: dict[str, Any] = {}
    for platform in PLATFORMS:
        items = build_platform(rng, platform, SIZES[platform.id])
        defects = inject_defects(rng, platform, items)
        deleted = _deleted(rng, platform, DELETED.get(platform.id, 0), len(items))
        ordered = sorted(items + deleted, key=lambda i: (i.modified, i.local_id))
        _write(data_file(platform.id, out), [render_line(i, platform) for i in ordered])
        platforms[platform.id] = {
            "name_zh": platform.name_zh,
            "name_en": platform.name_en,
            "protocol": platform.protocol,
            "metadata_prefix": platform.metadata_prefix,
            "agency_code": platform.agency_code,
            "demo_agency_code": platform.demo_code,
            "records": len(items),
            "deleted": [i.local_id for i in deleted],
            "by_kind": dict(sorted(Counter(i.kind for i in items).items())),
            "defects": defects,
        }
    manifest = {
        "seed": SEED,
        "as_of": AS_OF.isoformat(),
        "stale_before": STALE_BEFORE.isoformat(),
        "identifiers": "OAI identifier (OAI platforms), dataSetId (sciencedb), id (nmdc)",
        "defect_definitions": {name: meaning for name, (_, meaning) in DEFECTS.items()},
        "total_records": sum(p["records"] for p in platforms.values()),
        "platforms": platforms,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (out / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def _write(path: Path, lines: list[dict[str, Any]]) -> None:
    """gzip with a fixed mtime and no file name, so identical content gives identical bytes."""
    body = "".join(json.dumps(line, ensure_ascii=False, sort_keys=True) + "\n" for line in lines)
    with path.open("wb") as raw, gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0) as gz:
        gz.write(body.encode("utf-8"))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="output directory")
    args = parser.parse_args(argv)
    manifest = generate(args.out)
    for pid, info in manifest["platforms"].items():
        assert pid in BY_ID
        print(f"{pid}: {info['records']} records {info['by_kind']}, {len(info['deleted'])} deleted")
    print(f"total: {manifest['total_records']} records -> {args.out}")


if __name__ == "__main__":
    main()
