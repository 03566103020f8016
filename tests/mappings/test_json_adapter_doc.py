"""docs/json-adapter.md is part of the product: its example loads, and it names every key."""

from __future__ import annotations

import json
import re
from pathlib import Path

from pydantic import BaseModel

from mappings.formats.jsonspec import (
    FieldRule,
    IncrementalSpec,
    ItemSpec,
    PagingSpec,
    PlatformConfig,
    ReplySpec,
    RequestSpec,
)

DOC = Path(__file__).resolve().parents[2] / "docs" / "json-adapter.md"
MODELS: tuple[type[BaseModel], ...] = (
    PlatformConfig,
    RequestSpec,
    PagingSpec,
    ReplySpec,
    IncrementalSpec,
    ItemSpec,
    FieldRule,
)


def test_annotated_example_is_a_valid_configuration() -> None:
    block = re.search(r"```json\n(.*?)```", DOC.read_text("utf-8"), re.S)
    assert block is not None
    config = PlatformConfig.model_validate(json.loads(block.group(1)))
    assert config.paging.style == "page" and config.incremental is not None


def test_every_configuration_key_is_documented() -> None:
    text = DOC.read_text("utf-8")
    missing = [
        f"{model.__name__}.{name}"
        for model in MODELS
        for name in model.model_fields
        if f"`{name}`" not in text and f".{name}`" not in text
    ]
    assert missing == []
