"""Code lists shared by every mapping: resource kind, access rights, licences.

Sources name these in free text, in Chinese or English, or by URI (the
``info:eu-repo/semantics/...`` terms of OpenAIRE, the EU access-right authority
table, DataCite's ``resourceTypeGeneral``). One lookup per concept keeps the
portal's facets consistent whichever protocol a record arrived by; the
declarative JSON mappings use the same functions for their code-list transforms.
"""

from __future__ import annotations

import re

from mappings.record import AccessRights, ResourceKind

# Order matters: the more specific kinds are tried first ("cell line" before
# "line", "reference material" before the generic physical object).
_KIND_PATTERNS: tuple[tuple[ResourceKind, re.Pattern[str]], ...] = (
    (ResourceKind.CELL_LINE, re.compile(r"cell[\s_-]*lines?|细胞|干细胞", re.I)),
    (ResourceKind.STRAIN, re.compile(r"\bstrains?\b|菌种|菌株|微生物|microb|culture", re.I)),
    (ResourceKind.GERMPLASM, re.compile(r"germplasm|种质|accession|\bseeds?\b", re.I)),
    (ResourceKind.SPECIMEN, re.compile(r"specimen|标本|化石|fossil|herbarium", re.I)),
    (
        ResourceKind.MATERIAL,
        re.compile(r"physical[\s_-]*object|material|sample|标准物质|样品|实验材料|实验动物", re.I),
    ),
    (ResourceKind.DATASET, re.compile(r"data[\s_-]*sets?|数据|\bdata\b", re.I)),
)


def kind_from_text(text: str | None) -> ResourceKind | None:
    """The resource kind a type label names; ``OTHER`` for known non-data types.

    ``None`` when the label is empty, so the caller keeps its default.
    """
    if not text or not text.strip():
        return None
    label = text.strip().rsplit("/", 1)[-1] if text.startswith("info:eu-repo") else text
    for kind, pattern in _KIND_PATTERNS:
        if pattern.search(label):
            return kind
    return ResourceKind.OTHER


# Restricted before conditional before open: "非公开" contains "公开".
_ACCESS_PATTERNS: tuple[tuple[AccessRights, re.Pattern[str]], ...] = (
    (
        AccessRights.RESTRICTED,
        re.compile(
            r"closedAccess|NON[_-]?PUBLIC|\bclosed\b|\bprivate\b|confidential|secret|"
            r"不公开|非公开|不开放|不共享|受限|保密|涉密|内部",
            re.I,
        ),
    ),
    (
        AccessRights.CONDITIONAL,
        re.compile(
            r"restrictedAccess|embargo|RESTRICTED|on[\s_-]*request|conditional|"
            r"registration|申请|协议|审核|审批|注册|有条件|条件共享|延期",
            re.I,
        ),
    ),
    (
        AccessRights.OPEN,
        re.compile(r"openAccess|\bPUBLIC\b|\bopen\b|free|公开|开放|完全共享|无条件", re.I),
    ),
)


def access_from_text(text: str | None) -> AccessRights | None:
    """The portal's access level a rights statement names, or ``None`` if it names none."""
    if not text:
        return None
    for level, pattern in _ACCESS_PATTERNS:
        if pattern.search(text):
            return level
    return None


def is_access_statement(text: str) -> bool:
    """Access-rights URIs (not licences), which some sources put in the rights field."""
    return bool(
        re.match(r"info:eu-repo/semantics/\w+Access$", text.strip())
        or "resource/authority/access-right/" in text
    )


_LICENSE = re.compile(
    r"licen[cs]e|creativecommons|\bCC[\s-]?(?:BY|0|ZERO)|public[\s-]*domain|spdx|"
    r"opendatacommons|\bGPL|\bMIT\b|apache|许可",
    re.I,
)


def is_license(text: str) -> bool:
    """Whether a rights statement names a licence (by URL or by name)."""
    return not is_access_statement(text) and bool(_LICENSE.search(text))


def is_url(text: str | None) -> bool:
    return bool(text) and re.match(r"^https?://\S+$", (text or "").strip()) is not None


# --- disciplines (GB/T 13745-2009 学科分类与代码) ----------------------------------------

DISCIPLINES: dict[str, tuple[str, str]] = {
    # A 自然科学
    "110": ("数学", "Mathematics"),
    "120": ("信息科学与系统科学", "Information and Systems Science"),
    "130": ("力学", "Mechanics"),
    "140": ("物理学", "Physics"),
    "150": ("化学", "Chemistry"),
    "160": ("天文学", "Astronomy"),
    "170": ("地球科学", "Earth Sciences"),
    "180": ("生物学", "Biology"),
    "190": ("心理学", "Psychology"),
    # B 农业科学
    "210": ("农学", "Agronomy"),
    "220": ("林学", "Forestry"),
    "230": ("畜牧、兽医科学", "Animal Husbandry and Veterinary Science"),
    "240": ("水产学", "Fishery Science"),
    # C 医药科学
    "310": ("基础医学", "Basic Medicine"),
    "320": ("临床医学", "Clinical Medicine"),
    "330": ("预防医学与公共卫生学", "Preventive Medicine and Public Health"),
    "340": ("军事医学与特种医学", "Military and Special Medicine"),
    "350": ("药学", "Pharmacy"),
    "360": ("中医学与中药学", "Traditional Chinese Medicine and Pharmacology"),
    # D 工程与技术科学
    "410": ("工程与技术科学基础学科", "Basic Disciplines of Engineering and Technology"),
    "413": ("信息与系统科学相关工程与技术", "Information and Systems Engineering"),
    "416": ("自然科学相关工程与技术", "Engineering Related to the Natural Sciences"),
    "420": ("测绘科学技术", "Surveying and Mapping"),
    "430": ("材料科学", "Materials Science"),
    "440": ("矿山工程技术", "Mining Engineering"),
    "450": ("冶金工程技术", "Metallurgical Engineering"),
    "460": ("机械工程", "Mechanical Engineering"),
    "470": ("动力与电气工程", "Power and Electrical Engineering"),
    "480": ("能源科学技术", "Energy Science and Technology"),
    "490": ("核科学技术", "Nuclear Science and Technology"),
    "510": ("电子与通信技术", "Electronics and Communication Technology"),
    "520": ("计算机科学技术", "Computer Science and Technology"),
    "530": ("化学工程", "Chemical Engineering"),
    "535": ("产品应用相关工程与技术", "Product Application Engineering"),
    "540": ("纺织科学技术", "Textile Science and Technology"),
    "550": ("食品科学技术", "Food Science and Technology"),
    "560": ("土木建筑工程", "Civil Engineering and Architecture"),
    "570": ("水利工程", "Hydraulic Engineering"),
    "580": ("交通运输工程", "Transportation Engineering"),
    "590": ("航空、航天科学技术", "Aeronautics and Astronautics"),
    "610": ("环境科学技术及资源科学技术", "Environmental and Resource Science and Technology"),
    "620": ("安全科学技术", "Safety Science and Technology"),
    "630": ("管理学", "Management Science"),
    # E 人文与社会科学
    "710": ("马克思主义", "Marxism"),
    "720": ("哲学", "Philosophy"),
    "730": ("宗教学", "Religious Studies"),
    "740": ("语言学", "Linguistics"),
    "750": ("文学", "Literature"),
    "760": ("艺术学", "Art"),
    "770": ("历史学", "History"),
    "780": ("考古学", "Archaeology"),
    "790": ("经济学", "Economics"),
    "810": ("政治学", "Political Science"),
    "820": ("法学", "Law"),
    "830": ("军事学", "Military Science"),
    "840": ("社会学", "Sociology"),
    "850": ("民族学与文化学", "Ethnology and Cultural Studies"),
    "860": ("新闻学与传播学", "Journalism and Communication"),
    "870": ("图书馆、情报与文献学", "Library, Information and Documentation Science"),
    "880": ("教育学", "Education"),
    "890": ("体育科学", "Sports Science"),
    "910": ("统计学", "Statistics"),
}
"""The 62 first-level disciplines, code -> (Chinese, English name).

Written from memory of the 2009 edition, not copied from the standard: the
Chinese names and codes are believed right; 413, 416 and 535 (new in 2009) and
the English names are our own renderings, to be checked against the text of
GB/T 13745-2009 before they are shown as official.
"""

# A code of 3, 5 or 7 digits (first, second, third level), then optionally a
# label after a separator, or a Chinese label straight after the digits.
_SUBJECT_CODE = re.compile(
    r"^\s*(\d{3}(?:\d{2}){0,2})(?:[\s_\-–—:：/、.]+\S.*|[\u4e00-\u9fff].*)?$", re.S
)


def subject_code(text: str) -> str:
    """The bare GB/T 13745 code of a labelled subject; other subjects unchanged (stripped).

    ``170 地球科学``, ``140-物理学``, ``180_Biology`` and ``17050`` are
    codes (the facet must not split one discipline by spelling); ``Ecology``,
    ``FOS: Earth sciences`` and ``500 hPa`` (500 is no discipline) stay as
    given. Only codes under a known first-level discipline count, so a number
    that merely starts a free-text subject is not mistaken for one.
    """
    match = _SUBJECT_CODE.match(text)
    if match and match[1][:3] in DISCIPLINES:
        return match[1]
    return text.strip()


def is_discipline_code(text: str) -> bool:
    """A GB/T 13745 code, bare (``170``) or labelled (``170-地球科学``)."""
    match = _SUBJECT_CODE.match(text)
    return bool(match and match[1][:3] in DISCIPLINES)


def discipline_name(code: str, lang: str = "zh") -> str | None:
    """The name of a first-level discipline code (``170`` -> 地球科学), for facet labels.

    ``None`` for deeper codes (only the first level is tabled) and free text.
    """
    names = DISCIPLINES.get(code)
    if names is None:
        return None
    return names[1] if lang == "en" else names[0]


def subject_label(subject: str, lang: str = "zh") -> str | None:
    """How a stored subject reads to people: ``170`` -> 地球科学, ``17050`` -> 地球科学 · 17050.

    Records and the index keep bare codes (one facet value per discipline);
    the API and the pages name them. A deeper code is named by its first
    level (the only one tabled) and keeps its digits; ``None`` for free text.
    """
    if not (subject.isdigit() and len(subject) in {3, 5, 7}):
        return None
    name = discipline_name(subject[:3], lang)
    if name is None or len(subject) == 3:
        return name
    return f"{name} · {subject}"


# --- public funders (art. 5) -------------------------------------------------------------

PUBLIC_FUNDERS: dict[str, tuple[str, ...]] = {
    "国家自然科学基金": (
        "国家自然科学基金委员会",
        "NSFC",
        "National Natural Science Foundation of China",
    ),
    "国家重点研发计划": (
        "National Key R&D Program of China",
        "National Key Research and Development Program of China",
    ),
    "科学技术部": ("科技部", "MOST", "Ministry of Science and Technology of China"),
    "中国科学院": ("CAS", "Chinese Academy of Sciences"),
    "中国工程院": ("CAE", "Chinese Academy of Engineering"),
    "国家社会科学基金": ("NSSFC", "National Social Science Fund of China"),
    "国家科技重大专项": ("National Science and Technology Major Project",),
    "国家重点基础研究发展计划": ("973计划", "973 Program"),
    "国家高技术研究发展计划": ("863计划", "863 Program"),
    "教育部": ("Ministry of Education of China",),
}
"""Chinese public funders and programmes (fiscal funding, art. 5): canonical name -> aliases.

Acronyms match exactly; names match without regard to case and spacing, and a
Chinese name also matches as a prefix, so 国家自然科学基金委员会 and
中国科学院战略性先导科技专项 count as what they belong to.
"""

_FUNDER_ALIASES: dict[str, str] = {
    alias if alias.isupper() else " ".join(alias.split()).casefold(): canonical
    for canonical, aliases in PUBLIC_FUNDERS.items()
    for alias in (canonical, *aliases)
}
_CHINESE_FUNDERS = sorted(
    (alias for alias in _FUNDER_ALIASES if re.match(r"[\u4e00-\u9fff]", alias)),
    key=len,
    reverse=True,
)


def public_funder(name: str | None) -> str | None:
    """The canonical name of the Chinese public funder ``name`` names, or ``None``."""
    text = " ".join((name or "").split())
    if not text:
        return None
    if text in _FUNDER_ALIASES:  # acronyms, exactly as written
        return _FUNDER_ALIASES[text]
    folded = text.casefold()
    if folded in _FUNDER_ALIASES:
        return _FUNDER_ALIASES[folded]
    prefix = next((alias for alias in _CHINESE_FUNDERS if folded.startswith(alias)), None)
    return _FUNDER_ALIASES[prefix] if prefix else None


def is_public_funder(name: str | None) -> bool:
    """Whether a funder is a Chinese public one (art. 5): the one test every mapping uses
    to set :attr:`mappings.record.Funding.public`."""
    return public_funder(name) is not None
