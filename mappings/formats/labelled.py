"""Labelled lines: contact and physical details in formats that have no element for them.

Simple Dublin Core has no contact point, accession number, species,
preservation or way to obtain, and the DataCite kernel has no e-mail, phone or
address. Chinese platforms write these as labelled text (``保存方式：…``), the
way the portal's own element set names them. ShareNet's convention, read by
the oai_dc and DataCite mappings and written by the demo platforms:

- a ``dc:description`` (oai_dc) or ``description`` (DataCite, any type, in
  practice ``Other``) whose every non-empty line is ``<label>：<value>`` (full-
  or half-width colon) with a label of :data:`LABELS` fills those fields
  instead of the description; a description with any other line is left a
  description, so abstracts are never taken apart;
- the first value of a field wins; a field the format has a place for (a
  DataCite ``ContactPerson``) is not overwritten.

ShareNet's own OAI provider writes them the same way (:func:`labelled_text`),
so another ShareNet harvesting it gets every field back.

See docs/labelled-lines.md for the labels and examples.
"""

from __future__ import annotations

import re
from typing import Literal

from mappings.record import ContactPoint, PhysicalDetails, Record, Sharing

Part = Literal["physical", "sharing", "contact_point"]

_FIELDS: dict[tuple[Part, str], tuple[str, ...]] = {
    ("physical", "accession_number"): ("保藏编号", "库编号", "统一编号", "accession number"),
    ("physical", "species"): ("物种", "学名", "species"),
    ("physical", "preservation"): ("保存方式", "保藏方式", "preservation"),
    ("physical", "obtain"): ("获取方式", "how to obtain"),
    ("sharing", "channel"): ("共享途径", "sharing channel"),
    ("sharing", "scope"): ("共享范围", "sharing scope"),
    ("sharing", "procedure"): ("申请流程", "application procedure"),
    ("contact_point", "name"): ("服务机构", "联系单位", "contact"),
    ("contact_point", "email"): ("电子邮件", "联系邮箱", "邮箱", "email", "e-mail"),
    ("contact_point", "phone"): ("联系电话", "电话", "phone", "telephone"),
    ("contact_point", "address"): ("联系地址", "地址", "address"),
    ("contact_point", "url"): ("联系网址", "网址", "website"),
}
"""Each field's labels; the first is the one ShareNet writes."""

LABELS: dict[str, tuple[Part, str]] = {
    label: target for target, labels in _FIELDS.items() for label in labels
}
"""Label (case-folded) -> (record part, field)."""

_LINE = re.compile(r"^\s*([^:：]{1,24}?)\s*[:：]\s*(\S.*?)\s*$")
_MODELS: dict[Part, type[PhysicalDetails | Sharing | ContactPoint]] = {
    "physical": PhysicalDetails,
    "sharing": Sharing,
    "contact_point": ContactPoint,
}


def labelled_lines(text: str) -> list[tuple[Part, str, str]] | None:
    """``(part, field, value)`` of each line, or ``None`` unless every line is labelled."""
    out: list[tuple[Part, str, str]] = []
    for line in text.splitlines():
        if not line.strip():
            continue
        match = _LINE.match(line)
        target = LABELS.get(" ".join(match[1].split()).casefold()) if match else None
        if match is None or target is None:
            return None
        out.append((target[0], target[1], match[2]))
    return out or None


def read_labelled(record: Record, text: str) -> bool:
    """File a block of labelled lines into ``record``; ``False`` (nothing filed) if it is none."""
    lines = labelled_lines(text)
    if lines is None:
        return False
    for part, name, value in lines:
        target = getattr(record, part) or _MODELS[part]()
        if getattr(target, name) is None:
            setattr(target, name, value)
        setattr(record, part, target)
    return True


def labelled_text(
    record: Record, *, leave_out: frozenset[tuple[Part, str]] = frozenset()
) -> list[str]:
    """The record's fields that travel as labelled lines, one ``<label>：<value>`` each.

    ``leave_out`` names fields the format has its own place for (the accession
    number is an identifier in every format; DataCite's ``ContactPerson`` is
    the contact's name). A value is written on one line: a line break inside it
    would end the block's labelled lines and turn it into a description.
    """
    lines: list[str] = []
    for (part, name), labels in _FIELDS.items():
        target = getattr(record, part)
        value = " ".join(str(getattr(target, name) or "").split()) if target else ""
        if value and (part, name) not in leave_out:
            lines.append(f"{labels[0]}：{value}")
    return lines
