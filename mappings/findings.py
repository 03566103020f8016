"""A finding: one rule's verdict on one record, stored beside the record."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Level(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(BaseModel):
    """A record broke (or only partly met) a rule; messages in both languages.

    Frozen: a rule's finding without a detail is one shared value, not one copy
    per failing record (a harvest makes several findings a record).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: str
    level: Level
    message_zh: str
    message_en: str
    fields: list[str] = []
    detail: str | None = None
