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
