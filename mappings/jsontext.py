"""JSON text for everything ShareNet stores or indexes, written by orjson.

Every record is turned into JSON several times on its way through a harvest
(its content hash, the store's JSON column, the index document); the standard
library's encoder was the largest single cost of a harvest. The canonical form
(:func:`canonical`: sorted keys, no spaces, UTF-8) is byte for byte what
``json.dumps(..., sort_keys=True, ensure_ascii=False, separators=(",", ":"))``
wrote, so content hashes taken before stay valid.
"""

from __future__ import annotations

from typing import Any

import orjson

_OPTIONS = orjson.OPT_NON_STR_KEYS


def dumps(value: Any) -> str:
    """Compact JSON text (the store's JSON columns)."""
    return orjson.dumps(value, option=_OPTIONS).decode("utf-8")


def dumps_bytes(value: Any) -> bytes:
    """Compact JSON as UTF-8 bytes (the index's stored documents)."""
    return orjson.dumps(value, option=_OPTIONS)


def canonical(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: the form content hashes are taken of."""
    return orjson.dumps(value, option=_OPTIONS | orjson.OPT_SORT_KEYS)


def loads(text: str | bytes) -> Any:
    return orjson.loads(text)
