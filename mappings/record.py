"""The unified record: the one contract every stage of ShareNet speaks.

Fields follow DESIGN.md section 4, named after DCAT 3 where DCAT has a term.
Language-tagged text is a mapping from a BCP 47 tag (``zh``, ``en``, ``und``
when the source does not say) to the text, so both the Chinese and the English
title survive a round trip through any stage.

A record is produced by a mapping from one :class:`SourcePayload` and is keyed
by :func:`record_id`, derived from the source and the source's own identifier so
that re-harvesting the same resource always lands on the same row.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from mappings.jsontext import canonical

LangText = dict[str, str]
"""Text by language tag, e.g. ``{"zh": "土壤数据集", "en": "Soil dataset"}``."""

LangList = dict[str, list[str]]
"""Lists of terms by language tag (keywords)."""


class ResourceKind(StrEnum):
    """What the record describes: an information resource or a physical one."""

    DATASET = "dataset"
    GERMPLASM = "germplasm"
    STRAIN = "strain"
    CELL_LINE = "cell_line"
    SPECIMEN = "specimen"
    MATERIAL = "material"
    OTHER = "other"

    @property
    def is_physical(self) -> bool:
        return self not in {ResourceKind.DATASET, ResourceKind.OTHER}


class AccessRights(StrEnum):
    """The portal's three levels of openness (regulation art. 5, 25)."""

    OPEN = "open"
    CONDITIONAL = "conditional"
    RESTRICTED = "restricted"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=False, use_enum_values=False)


class Identifier(_Model):
    """Any identifier besides the primary CSTR and DOI [adms:identifier].

    With ``relation`` set (a DataCite relationType such as ``IsSupplementedBy``,
    or ``Relation`` when the source does not say) it identifies a *related*
    resource, not this one [dct:relation], and must not be exported as the
    record's own identifier.
    """

    scheme: str
    value: str
    relation: str | None = None


class Agent(_Model):
    """A person or organisation: creator, publisher or funder."""

    name: str
    name_en: str | None = None
    identifier: str | None = None
    identifier_scheme: str | None = None
    affiliation: str | None = None
    kind: Literal["person", "organization", "unknown"] = "unknown"


class ContactPoint(_Model):
    """The service organisation (服务机构): name, address, phone, email."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None
    url: str | None = None


class Funding(_Model):
    funder: str
    award: str | None = None
    public: bool = True
    """Publicly funded resources must be openly shared unless secret (art. 5)."""


class Temporal(_Model):
    start: date | None = None
    end: date | None = None


class Sharing(_Model):
    """The portal's 共享方式: how the resource is obtained."""

    channel: str | None = None
    scope: str | None = None
    procedure: str | None = None


class Distribution(_Model):
    access_url: str | None = None
    download_url: str | None = None
    format: str | None = None
    media_type: str | None = None
    byte_size: int | None = None
    title: str | None = None


class PhysicalDetails(_Model):
    """What a physical resource (strain, germplasm, cell line …) adds to a dataset record."""

    accession_number: str | None = None
    species: str | None = None
    preservation: str | None = None
    obtain: str | None = None


class Record(_Model):
    """One resource of one platform, in the portal's unified schema."""

    id: str
    source: str
    source_identifier: str
    platform: str
    source_datestamp: datetime | None = None

    cstr: str | None = None
    """Normalised ``CSTR:`` form when the source gave a valid one."""
    cstr_original: str | None = None
    """The CSTR exactly as the source spelled it, valid or not."""
    doi: str | None = None
    identifiers: list[Identifier] = Field(default_factory=list)

    resource_kind: ResourceKind = ResourceKind.DATASET
    title: LangText = Field(default_factory=dict)
    description: LangText = Field(default_factory=dict)
    keywords: LangList = Field(default_factory=dict)
    subjects: list[str] = Field(default_factory=list)
    """GB/T 13745 discipline codes where the source gives them, else labels."""
    themes: list[str] = Field(default_factory=list)

    creators: list[Agent] = Field(default_factory=list)
    publisher: Agent | None = None
    contact_point: ContactPoint | None = None
    funding: list[Funding] = Field(default_factory=list)

    issued: date | None = None
    modified: date | None = None
    temporal: Temporal | None = None
    spatial: list[str] = Field(default_factory=list)

    access_rights: AccessRights | None = None
    access_rights_reason: str | None = None
    license: str | None = None
    sharing: Sharing | None = None
    landing_page: str | None = None
    distributions: list[Distribution] = Field(default_factory=list)
    physical: PhysicalDetails | None = None
    languages: list[str] = Field(default_factory=list)
    """Languages of the resource itself, where the source says."""

    harvested_at: datetime | None = None
    content_hash: str | None = None
    deleted: bool = False

    def best_title(self, lang: str = "zh") -> str:
        """The title to show: the asked language, else English, else any."""
        return pick_lang(self.title, lang)

    def year(self) -> int | None:
        """Publication year used by the year facet: issued, else modified."""
        when = self.issued or self.modified
        return when.year if when else None


def pick_lang(text: LangText, lang: str = "zh") -> str:
    """The text in ``lang``, falling back to English, then to any language."""
    for key in (lang, "en", "zh", "und"):
        if text.get(key):
            return text[key]
    return next(iter(text.values()), "")


def record_id(source: str, source_identifier: str) -> str:
    """Stable internal id: readable source prefix plus a hash of the source's identifier."""
    digest = hashlib.blake2b(source_identifier.encode("utf-8"), digest_size=8).hexdigest()
    return f"{source}-{digest}"


_VOLATILE = {"harvested_at", "content_hash", "source_datestamp"}


def content_hash(record: Record) -> str:
    """Hash of what the resource says, not of when we fetched it: change detection."""
    return dumped_content_hash(record.model_dump(mode="json", exclude=_VOLATILE))


def dumped_content_hash(data: dict[str, Any]) -> str:
    """:func:`content_hash` of a record already dumped with ``model_dump(mode="json")``.

    The store needs the JSON dump anyway; hashing it spares a second dump per record.
    """
    kept = {k: v for k, v in data.items() if k not in _VOLATILE}
    return hashlib.sha256(canonical(kept)).hexdigest()


class SourcePayload(_Model):
    """One item as a protocol adapter fetched it, before mapping.

    ``raw`` is kept verbatim in the store so a record can be re-mapped when a
    mapping improves, and nothing the mapping could not place is ever lost.
    """

    source_identifier: str
    datestamp: datetime | None = None
    deleted: bool = False
    format: str
    """Mapping name: ``oai_dc``, ``datacite``, ``dcat``, ``json:<config>@<version>`` …"""
    raw: str = ""
    sets: list[str] = Field(default_factory=list)
    _element: Any = PrivateAttr(default=None)

    def with_element(self, element: Any) -> SourcePayload:
        """Keep the already parsed ``raw`` (an lxml element of its page) for the mapping.

        An adapter that parsed the whole page hands each record's element on, so
        a harvest parses every page once; a payload read back from the store has
        none and is parsed from ``raw``.
        """
        self._element = element
        return self

    @property
    def element(self) -> Any:
        return self._element
