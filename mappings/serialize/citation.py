"""Citation text for a record (regulation art. 24: users must cite the identifier).

Two styles: GB/T 7714-2015 (the Chinese national standard for references, with
the ``[DS]`` dataset and ``[Z]`` other-resource markers) and the DataCite
recommended form ``Creator (Year): Title. Publisher. Identifier``. The
identifier cited is the CSTR when there is one (the regulation's), else the DOI.
"""

from __future__ import annotations

from mappings.identifiers import CSTR_RESOLVER
from mappings.record import Record, ResourceKind

_MAX_AUTHORS = 3  # GB/T 7714: list three, then "等" / "et al."


def cited_identifier(record: Record) -> str | None:
    """The resolvable link a citation ends with: CSTR first, then DOI, then the landing page."""
    if record.cstr:
        return CSTR_RESOLVER + record.cstr
    if record.doi:
        return f"https://doi.org/{record.doi}"
    return record.landing_page


def gbt7714(record: Record, lang: str = "zh") -> str:
    """``主要责任者. 题名[DS]. 出版地: 出版者, 年. 标识符.`` (GB/T 7714-2015, 8.1 and 4.1)."""
    title = record.best_title(lang)
    marker = "DS" if record.resource_kind is ResourceKind.DATASET else "Z"
    names = [creator.name for creator in record.creators]
    authors = ", ".join(names[:_MAX_AUTHORS])
    if len(names) > _MAX_AUTHORS:
        authors += ", 等" if lang == "zh" else ", et al"
    parts = [f"{authors}. " if authors else "", f"{title}[{marker}]."]
    publisher = record.publisher.name if record.publisher else None
    year = record.year()
    if publisher or year:
        tail = ", ".join(str(p) for p in (publisher, year) if p)
        parts.append(f" {tail}.")
    if record.modified and record.issued and record.modified > record.issued:
        parts.append(f" ({record.modified.isoformat()})")
    link = cited_identifier(record)
    if link:
        parts.append(f" {link}.")
    return "".join(parts).strip()


def datacite_style(record: Record, lang: str = "en") -> str:
    """``Creator (PublicationYear): Title. Publisher. Identifier`` (DataCite's recommendation)."""
    names = "; ".join(creator.name for creator in record.creators) or (
        record.publisher.name if record.publisher else ""
    )
    year = record.year()
    head = f"{names} ({year}): " if year else (f"{names}: " if names else "")
    publisher = f" {record.publisher.name}." if record.publisher else ""
    link = cited_identifier(record)
    return f"{head}{record.best_title(lang)}.{publisher}{f' {link}' if link else ''}".strip()


def citations(record: Record) -> dict[str, str]:
    """Every style, as the record API shows them."""
    return {"gbt7714": gbt7714(record), "datacite": datacite_style(record)}
