"""A demo resource before it is rendered in one platform's shape.

The generator builds these, injects the defects, and :mod:`sharenet.demo.render`
writes each one as its platform would publish it (oai_dc, DataCite or JSON).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

Access = Literal["open", "conditional", "restricted"]
Kind = Literal["dataset", "germplasm", "strain"]


@dataclass(slots=True)
class Person:
    name_zh: str
    name_en: str
    """Pinyin, family name first: ``Zhang Wei``."""
    family_en: str
    given_en: str
    org_zh: str
    org_en: str


@dataclass(slots=True)
class Grant:
    funder_zh: str
    funder_en: str
    number: str


@dataclass(slots=True)
class DataFile:
    name: str
    size: int
    format: str


@dataclass(slots=True)
class Physical:
    accession: str
    species: str
    preservation_zh: str
    preservation_en: str
    obtain: str
    scope: str
    channel: str


@dataclass(slots=True)
class Contact:
    org: str
    email: str
    phone: str
    address: str


@dataclass(slots=True)
class DemoItem:
    platform: str
    local_id: str
    """The platform's own identifier: OAI identifier, ``dataSetId`` or NMDC ``id``."""
    kind: Kind
    oai_set: str
    cstr: str | None
    """As the platform spells it (prefix or not, any case), or malformed, or absent."""
    doi: str | None
    title_zh: str | None
    title_en: str | None
    desc_zh: str | None
    desc_en: str | None
    keywords_zh: list[str]
    keywords_en: list[str]
    subject: str
    creators: list[Person]
    issued: date
    modified: datetime
    license: str | None
    access: Access | None
    grants: list[Grant]
    landing: str
    files: list[DataFile] = field(default_factory=list)
    physical: Physical | None = None
    contact: Contact | None = None
    spatial: str | None = None
    deleted: bool = False
