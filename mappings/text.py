"""Plain text from what sources put in text fields.

Some repositories send descriptions as HTML, some escape that HTML once more
(Zenodo's oai_dc: ``&lt;p&gt;``). The record holds plain text: search indexes
words, not markup, and every serializer escapes for its own format.
"""

from __future__ import annotations

import hashlib
import html
import re
import unicodedata
from collections.abc import Mapping

_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?/?>")
_BLOCK_END = re.compile(r"</(?:p|div|h[1-6]|li|ul|ol|pre|tr|table)>|<br\s*/?>", re.I)
_BLANK_LINES = re.compile(r"\n\s*\n(?:\s*\n)+")
_SPACES = re.compile(r"[ \t\u00a0]+")


def plain_text(text: str) -> str:
    """``text`` without HTML tags or entities (escaped up to twice), whitespace tidied."""
    if "&" not in text and "<" not in text:
        return text.strip()
    for _ in range(2):
        if not re.search(r"&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);", text):
            break
        text = html.unescape(text)
    if _TAG.search(text):
        text = _BLOCK_END.sub("\n", text)
        text = _TAG.sub("", text)
        text = "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines())
        text = _BLANK_LINES.sub("\n\n", text)
    return text.strip()


_PUNCT = re.compile(r"[\W_]+", re.UNICODE)


def normalise_text(text: str) -> str:
    """Case, width, spacing and punctuation removed: what a duplicate check compares."""
    return _PUNCT.sub("", unicodedata.normalize("NFKC", text).casefold())


def _joined(texts: Mapping[str, str]) -> str:
    return normalise_text(" ".join(str(texts[lang]) for lang in sorted(texts) if texts[lang]))


def text_key(title: Mapping[str, str], description: Mapping[str, str]) -> str:
    """32 hex digits naming a record's normalised title and description, ``""`` without both.

    Equal texts, equal keys: the duplicate-record rule groups a platform's records
    by it. Worked out when a record is stored, like its CSTR key, so the rule reads
    a column instead of normalising every record's texts on every pass.
    """
    title_key, description_key = _joined(title), _joined(description)
    if not (title_key and description_key):
        return ""
    text = f"{title_key}\x1f{description_key}".encode()
    return hashlib.blake2b(text, digest_size=16).hexdigest()
